"""ID numbers and phone numbers: validated, stored encrypted, shown masked.

The clear value is encrypted with Fernet (AES-128-CBC + HMAC) under a key from
``JFB_FIELD_ENCRYPTION_KEYS`` (comma-separated, newest first, for rotation) or, in
development, derived from SECRET_KEY. A keyed hash finds duplicates without decrypting.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import date
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_PHONE = re.compile(r"^1[3-9]\d{9}$")


@dataclass(frozen=True)
class Protected:
    encrypted: str
    masked: str
    digest: str


@cache
def _fernet() -> MultiFernet:
    keys = [k.strip() for k in getattr(settings, "JFB_FIELD_ENCRYPTION_KEYS", []) if k.strip()]
    if not keys:
        derived = hashlib.sha256(f"jifenbao-field-key:{settings.SECRET_KEY}".encode()).digest()
        keys = [base64.urlsafe_b64encode(derived).decode()]
    return MultiFernet([Fernet(k) for k in keys])


def _digest(value: str) -> str:
    key = hashlib.sha256(f"jifenbao-field-hash:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def normalize_id_number(value: str) -> str:
    return (value or "").strip().upper()


def id_number_problem(value: str) -> str | None:
    """Why ``value`` is not a valid 18-digit resident ID number (GB 11643), or None."""
    value = normalize_id_number(value)
    if not re.fullmatch(r"\d{17}[\dX]", value):
        return "身份证号应为 18 位（最后一位可以是 X）"
    try:
        date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return "身份证号中的出生日期无效"
    check = _ID_CHECK[sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS, strict=True)) % 11]
    if value[17] != check:
        return "身份证号校验位不正确"
    return None


def id_number_check_digit(first17: str) -> str:
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def phone_problem(value: str) -> str | None:
    return None if _PHONE.match((value or "").strip()) else "手机号应为 11 位数字，以 1 开头"


def mask_id_number(value: str) -> str:
    value = normalize_id_number(value)
    return f"{value[:4]}{'*' * 10}{value[-4:]}" if len(value) == 18 else ""


def mask_phone(value: str) -> str:
    value = (value or "").strip()
    return f"{value[:3]}****{value[-4:]}" if len(value) == 11 else ""


def protect_id_number(value: str) -> Protected:
    value = normalize_id_number(value)
    if not value:
        return Protected("", "", "")
    return Protected(
        _fernet().encrypt(value.encode()).decode(), mask_id_number(value), _digest(value)
    )


def protect_phone(value: str) -> Protected:
    value = (value or "").strip()
    if not value:
        return Protected("", "", "")
    return Protected(_fernet().encrypt(value.encode()).decode(), mask_phone(value), _digest(value))


def id_number_digest(value: str) -> str:
    return _digest(normalize_id_number(value))


def reveal(encrypted: str) -> str:
    """The clear value. Callers decide who may see it (governance.selectors.can_see_personal_data)."""
    if not encrypted:
        return ""
    try:
        return _fernet().decrypt(encrypted.encode()).decode()
    except InvalidToken:
        return ""


def birth_date_from_id_number(value: str) -> date | None:
    value = normalize_id_number(value)
    if id_number_problem(value):
        return None
    return date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


def gender_from_id_number(value: str) -> str:
    value = normalize_id_number(value)
    if len(value) != 18 or not value[16].isdigit():
        return ""
    return "M" if int(value[16]) % 2 else "F"


def mask_name(name: str) -> str:
    """王小明 → 王*明, 王明 → 王*: enough for a neighbour to recognise, not to look up."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return f"{name[0]}*"
    return f"{name[0]}{'*' * (len(name) - 2)}{name[-1]}"
