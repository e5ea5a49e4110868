"""Reads of the scoring app, scoped to an actor (fail-closed; 404 out of sight, 403 not allowed)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from governance.actors import VIEW, Actor
from governance.selectors import forbidden, household_scope
from scoring.models import (
    Category,
    HouseholdMonthResult,
    Indicator,
    LeaderMonthResult,
    Month,
    MonthSnapshot,
    Objection,
    PointRecord,
    UnitMonthResult,
)
from scoring.services import parse_period
from tenants.errors import NotFound


def category_list() -> QuerySet[Category]:
    return Category.objects.order_by("position", "id")


def indicator_list() -> QuerySet[Indicator]:
    """The catalog is public within the township: every account may read it."""
    return Indicator.objects.select_related("category").order_by("category__position", "code")


def record_list_for(*, actor: Actor) -> QuerySet[PointRecord]:
    return (
        PointRecord.objects.filter(household_scope(actor, "household"))
        .select_related("household", "household__unit", "month", "submitted_by", "reviewed_by")
        .order_by("-submitted_at", "-id")
    )


def record_get_for(*, actor: Actor, record_id: int, action: str = VIEW) -> PointRecord:
    record = record_list_for(actor=actor).filter(pk=record_id).first()
    if record is None:
        raise NotFound("没有找到该积分记录。", code="record_not_found")
    if action != VIEW and not actor.can(action, record.household.unit.path):
        raise forbidden(action)
    return record


def month_list() -> QuerySet[Month]:
    return Month.objects.order_by("-period")


def month_get(*, label: str) -> Month:
    month = Month.objects.filter(period=parse_period(label)).first()
    if month is None:
        raise NotFound(f"没有 {label} 的月度。", code="month_not_found")
    return month


def month_current_snapshot(month: Month) -> MonthSnapshot | None:
    return MonthSnapshot.objects.filter(month=month, superseded_at__isnull=True).first()


def household_results_for(*, actor: Actor, month: Month) -> QuerySet[HouseholdMonthResult]:
    return (
        HouseholdMonthResult.objects.filter(household_scope(actor, "household"), month=month)
        .select_related("household", "unit")
        .order_by("-points", "household__number")
    )


def unit_results_for(*, actor: Actor, month: Month) -> QuerySet[UnitMonthResult]:
    return (
        UnitMonthResult.objects.filter(actor.scope_q(VIEW, "unit__path"), month=month)
        .select_related("unit", "unit__level")
        .order_by("unit__path")
    )


def leader_results_for(*, actor: Actor, month: Month) -> QuerySet[LeaderMonthResult]:
    return (
        LeaderMonthResult.objects.filter(actor.scope_q(VIEW, "unit__path"), month=month)
        .select_related("user", "unit", "unit__level", "own_household")
        .order_by("unit__path")
    )


def objection_list_for(*, actor: Actor) -> QuerySet[Objection]:
    return (
        Objection.objects.filter(household_scope(actor, "household") | Q(raised_by=actor.user))
        .select_related(
            "household", "household__unit", "month", "record", "raised_by", "decided_by"
        )
        .order_by("-raised_at", "-id")
    )


def objection_get_for(*, actor: Actor, objection_id: int) -> Objection:
    objection = objection_list_for(actor=actor).filter(pk=objection_id).first()
    if objection is None:
        raise NotFound("没有找到该异议。", code="objection_not_found")
    return objection
