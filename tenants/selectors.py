"""Reads of the public schema."""

from __future__ import annotations

from django.db.models import QuerySet

from tenants.models import County, Township


def township_list_active() -> QuerySet[Township]:
    return Township.objects.filter(status=Township.Status.ACTIVE).order_by("schema_name")


def township_get_by_slug(slug: str) -> Township | None:
    return Township.objects.select_related("settings", "county").filter(schema_name=slug).first()


def county_list() -> QuerySet[County]:
    return County.objects.order_by("slug")
