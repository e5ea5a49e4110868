"""Reads of the governance app, scoped to an actor where they concern people."""

from __future__ import annotations

from django.db.models import QuerySet

from governance.models import GridLevel


def level_list() -> QuerySet[GridLevel]:
    """The township's grid levels, top to bottom (configuration, visible to everyone)."""
    return GridLevel.objects.order_by("depth")
