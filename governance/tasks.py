"""Celery tasks of the governance app: thin wrappers over services.

Each runs in the schema of the township that queued it (tenant-schemas-celery reads the
``_schema_name`` header that tenants.tasking.enqueue_on_commit sets).
"""

from __future__ import annotations

import logging

from celery import shared_task

from governance.models import RosterImport
from governance.roster import roster_import_apply

logger = logging.getLogger(__name__)


@shared_task(name="governance.tasks.roster_import_run")
def roster_import_run(import_id: int) -> str:
    """Import an uploaded roster; the job row carries its progress and its report."""
    job = RosterImport.objects.defer("content").filter(pk=import_id).first()
    if job is None:  # deleted before the worker reached it
        logger.warning("roster import %s not found", import_id)
        return "missing"
    return roster_import_apply(roster_import=job).status
