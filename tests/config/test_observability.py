"""Sentry events and log lines carry the township; personal numbers never reach a log."""

from __future__ import annotations

import logging

import pytest
import sentry_sdk
from django.http import HttpResponse
from django.test import RequestFactory
from django_tenants.utils import schema_context

from config.sentry import init_sentry, tag_township
from tenants.logging import PersonalDataFilter, TownshipFilter, mask_personal_numbers
from tenants.middleware import TownshipMiddleware


class CapturingTransport(sentry_sdk.transport.Transport):
    """Stands in for Sentry's server (outside the machine): keeps the events."""

    def __init__(self, options=None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(options)
        self.events: list[dict] = []

    def capture_envelope(self, envelope) -> None:  # type: ignore[no-untyped-def]
        for item in envelope.items:
            if item.type == "event":
                self.events.append(item.payload.json)


@pytest.fixture
def sentry_events():  # type: ignore[no-untyped-def]
    transport = CapturingTransport()
    init_sentry(dsn="https://key@sentry.invalid/1", environment="test", transport=transport)
    yield transport.events
    sentry_sdk.init()  # no DSN: back to off


@pytest.mark.django_db
def test_web_events_are_tagged_with_the_township(sentry_events) -> None:
    def view(request):  # type: ignore[no-untyped-def]
        sentry_sdk.capture_message("something odd")
        return HttpResponse("ok")

    with sentry_sdk.isolation_scope():
        TownshipMiddleware(view)(RequestFactory().get("/", HTTP_HOST="weiqiao.localhost"))
    sentry_sdk.flush()
    assert sentry_events[-1]["tags"]["township"] == "weiqiao"


@pytest.mark.django_db
def test_worker_and_command_events_fall_back_to_the_current_schema() -> None:
    with schema_context("changshan"):
        assert tag_township({}, {})["tags"]["township"] == "changshan"


def test_log_records_carry_the_township_and_mask_personal_numbers() -> None:
    record = logging.LogRecord(
        "x",
        logging.INFO,
        __file__,
        1,
        "resident %s phone %s",
        ("371626199001011234", "13812345678"),
        None,
    )
    assert TownshipFilter().filter(record)
    assert PersonalDataFilter().filter(record)
    message = record.getMessage()
    assert "371626199001011234" not in message
    assert "13812345678" not in message
    assert "3716**********1234" in message
    assert "138****5678" in message
    assert record.township


def test_masking_keeps_other_numbers() -> None:
    assert mask_personal_numbers("订单 20261204 共 3 件") == "订单 20261204 共 3 件"
