"""Sentry for web and worker. Every event carries the township's slug as a tag."""

from __future__ import annotations

from typing import Any

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.types import Event, Hint


def current_township_slug() -> str:
    from django.db import connection

    return getattr(connection, "schema_name", None) or "public"


def tag_township(event: Event, hint: Hint) -> Event:
    """before_send: tag the event with the schema the request or task ran in.

    The web middleware and the worker's task_prerun hook set the same tag on the scope;
    this is the fallback for events raised outside both (management commands).
    """
    tags = event.setdefault("tags", {})
    if isinstance(tags, dict):
        tags.setdefault("township", current_township_slug())
    return event


def init_sentry(*, dsn: str, environment: str, transport: Any = None) -> None:
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        # ID numbers and phones must never leave the machine: no user identity, request
        # bodies, local variables or query parameters in events.
        data_collection={
            "user_info": False,
            "http_bodies": [],
            "stack_frame_variables": False,
            "database_query_data": False,
        },
        traces_sample_rate=0.0,
        before_send=tag_township,
        transport=transport,
    )
