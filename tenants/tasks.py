"""Periodic work: one beat entry per job, fanned out to one task per active township."""

from __future__ import annotations

import logging

from celery import current_app, shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone

from tenants.db import tenant_connection
from tenants.selectors import township_list_active

logger = logging.getLogger(__name__)


@shared_task(name="tenants.tasks.fan_out")
def fan_out(task_name: str) -> int:
    """Queue ``task_name`` once per active township, each in that township's schema."""
    tenant_connection().set_schema_to_public()
    count = 0
    for schema in township_list_active().values_list("schema_name", flat=True):
        current_app.send_task(task_name, headers={"_schema_name": schema})
        count += 1
    return count


@shared_task(name="tenants.tasks.sessions_clear")
def sessions_clear() -> int:
    """Delete expired web sessions of the township the task runs in (sessions are per schema)."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    logger.info("cleared %s expired sessions", deleted)
    return deleted
