"""Queue Celery work after the transaction commits, in the township that queued it."""

from __future__ import annotations

from typing import Any

from celery import Task
from django.db import transaction

from tenants.db import tenant_connection


def enqueue_on_commit(task: Task, *args: Any, **kwargs: Any) -> None:
    """Send ``task`` once the current transaction commits (never for a rolled-back one).

    The schema is captured now, not at commit time, so the worker runs the task in the
    township whose request queued it (tenant-schemas-celery reads ``_schema_name``).
    """
    schema = tenant_connection().schema_name
    transaction.on_commit(
        lambda: task.apply_async(args=args, kwargs=kwargs, headers={"_schema_name": schema})
    )
