"""Log records carry the township; personal numbers never reach a log line."""

from __future__ import annotations

import logging
import re

# 18-digit resident ID numbers (last may be X) and 11-digit mainland mobile numbers.
_ID_NUMBER = re.compile(r"(?<!\d)(\d{4})\d{10}(\d{3}[\dXx])(?!\d)")
_PHONE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")


def mask_personal_numbers(text: str) -> str:
    text = _ID_NUMBER.sub(lambda m: f"{m.group(1)}{'*' * 10}{m.group(2)}", text)
    return _PHONE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)


class TownshipFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        from django.db import connection

        record.township = getattr(connection, "schema_name", None) or "-"
        return True


class PersonalDataFilter(logging.Filter):
    """Defence in depth: services never log ID numbers or phones, and this masks any that slip."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_personal_numbers(message)
        if masked != message:
            record.msg = masked
            record.args = None
        return True
