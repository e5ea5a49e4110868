"""Reads of the public schema."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from tenants.models import County, Township, TownshipMonthRollup


def township_list_active() -> QuerySet[Township]:
    return Township.objects.filter(status=Township.Status.ACTIVE).order_by("schema_name")


def township_get_by_slug(slug: str) -> Township | None:
    return Township.objects.select_related("settings", "county").filter(schema_name=slug).first()


def county_list() -> QuerySet[County]:
    return County.objects.order_by("slug")


def counties_for(*, user: object) -> QuerySet[County]:
    """The counties a public-site user may compare: those on which guardian grants them
    ``view_county`` (platform operators: all)."""
    from guardian.shortcuts import get_objects_for_user

    if getattr(user, "is_superuser", False):
        return County.objects.order_by("slug")
    return get_objects_for_user(
        user, "tenants.view_county", klass=County, accept_global_perms=False
    ).order_by("slug")


def rollups_for(
    *, county: County, period: date | None, months: int = 6
) -> tuple[date | None, list[Township], dict]:
    """The comparison month (the latest month final in the county unless given), the county's
    townships, and their rollups for that month and the months before it (for the trend)."""
    townships = list(county.townships.select_related("settings").order_by("schema_name"))
    rollups = TownshipMonthRollup.objects.filter(township__in=townships)
    if period is None:
        period = rollups.order_by("-period").values_list("period", flat=True).first()
    if period is None:
        return None, townships, {}
    window = rollups.filter(period__lte=period).order_by("-period")
    by_township: dict[int, list[TownshipMonthRollup]] = {}
    for rollup in window:
        rows = by_township.setdefault(rollup.township_id, [])
        if len(rows) < months:
            rows.append(rollup)
    return period, townships, by_township
