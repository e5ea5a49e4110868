"""Periodic scoring work (fanned out per township by tenants.tasks.fan_out)."""

from __future__ import annotations

import logging

from celery import shared_task

from scoring.services import months_advance

logger = logging.getLogger(__name__)


@shared_task(name="scoring.tasks.months_advance")
def months_advance_task() -> dict[str, list[str]]:
    """Open, close and finalize this township's months on schedule."""
    done = months_advance()
    if done["blocked"]:
        logger.warning("month transitions waiting: %s", "; ".join(done["blocked"]))
    return done
