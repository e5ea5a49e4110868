"""Filters shared by list endpoints."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet

from governance.models import GridUnit


class SubtreeFilter(django_filters.NumberFilter):
    """``?under=<unit id>``: objects whose unit lies under that unit (one indexed prefix)."""

    def __init__(self, *args: Any, path_field: str, **kwargs: Any) -> None:
        self.path_field = path_field
        kwargs.setdefault("label", "网格（含下级）")
        super().__init__(*args, **kwargs)

    def filter(self, qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
        if value in (None, ""):
            return qs
        path = GridUnit.objects.filter(pk=value).values_list("path", flat=True).first()
        if path is None:
            return qs.none()
        return qs.filter(**{f"{self.path_field}__startswith": path})
