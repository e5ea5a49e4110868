"""Reads the pages combine from the domain's selectors (never around them).

Each function narrows what a selector returns (by status, by the actor's reach for an
action, by ids on a page); none widens it. All are constant in queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import reduce
from typing import Any

from django.db.models import Count, QuerySet

from governance.actors import AUDIT, Actor
from governance.models import GridUnit, Household
from governance.selectors import household_list_for, unit_list_for
from rewards.models import Merchant, MerchantUserObjectPermission
from scoring import selectors
from scoring.models import LeaderMonthResult, Month, Objection, PointRecord
from scoring.services import next_period, villages_unconfirmed
from tenants.accounts.models import User
from tenants.models import Township


def latest_results_month() -> Month | None:
    """The latest month that has results (closed, in publicity or final)."""
    return selectors.month_list().exclude(state=Month.State.OPEN).first()


def current_open_month() -> Month | None:
    return selectors.month_list().filter(state=Month.State.OPEN).first()


def head_names(*, actor: Actor, household_ids: list[int]) -> dict[int, str]:
    """Household id → the head's name, for the households the actor can see (2 queries)."""
    names: dict[int, str] = {}
    for household in household_list_for(actor=actor).filter(pk__in=set(household_ids)):
        residents = list(household.residents.all())
        names[household.pk] = residents[0].name if residents else ""
    return names


def can_audit_anything(actor: Actor) -> bool:
    return bool(actor.paths_for(AUDIT))


def can_see_awards(actor: Actor) -> bool:
    """The quarter's tiers and the year's awards: the township admin and leading group, and
    leaders (for the units they reach)."""
    return actor.sees_whole_township or bool(actor.unit_grants)


def review_queue(*, actor: Actor) -> QuerySet[PointRecord]:
    """Pending records the actor may audit, oldest first. A leader's own household is left
    to the township admin (the service refuses self-audit), so it is not offered."""
    queryset = (
        selectors.record_list_for(actor=actor)
        .filter(actor.scope_q(AUDIT, "household__unit__path"), status=PointRecord.Status.PENDING)
        .order_by("submitted_at", "id")
    )
    if actor.own_household_id is not None:
        queryset = queryset.exclude(household_id=actor.own_household_id)
    return queryset


def objections_to_decide(*, actor: Actor) -> QuerySet[Objection]:
    queryset = (
        selectors.objection_list_for(actor=actor)
        .filter(actor.scope_q(AUDIT, "household__unit__path"), status=Objection.Status.OPEN)
        .order_by("raised_at", "id")
    )
    if actor.own_household_id is not None:
        queryset = queryset.exclude(household_id=actor.own_household_id)
    return queryset


def my_records(*, actor: Actor) -> QuerySet[PointRecord]:
    return selectors.record_list_for(actor=actor).filter(submitted_by=actor.user)


def month_points_history(
    *, actor: Actor, household: Household, months: list[Month]
) -> dict[int, tuple[int, int]]:
    """Month id → (points, record count) of ``household`` for each of ``months`` that has a
    result. One query: the per-month selector's querysets, united."""
    parts = [
        selectors.household_results_for(actor=actor, month=month)
        .filter(household=household)
        .order_by()
        .values_list("month_id", "points", "record_count")
        for month in months
        if month.state != Month.State.OPEN
    ]
    if not parts:
        return {}
    united = reduce(lambda a, b: a.union(b, all=True), parts)
    return {month_id: (points, count) for month_id, points, count in united}


def auto_close_on(month: Month, township: Township) -> date:
    """The day the schedule closes ``month`` (the township's close day of the next month)."""
    return next_period(month.period).replace(day=township.settings.month_close_day)


@dataclass
class MonthRow:
    month: Month
    pending: int = 0
    open_objections: int = 0
    unconfirmed: list[GridUnit] | None = None
    close_on: date | None = None


def month_rows(*, actor: Actor, months: list[Month], township: Township) -> list[MonthRow]:
    """Months with what a panel needs: pending records (open), open objections
    (publicity), villages still to confirm (closed) — counted within the actor's reach."""
    ids = [m.pk for m in months]
    # An auditor counts what awaits them (the queue); anyone else what is pending in reach.
    records = (
        review_queue(actor=actor)
        if can_audit_anything(actor)
        else selectors.record_list_for(actor=actor).filter(status=PointRecord.Status.PENDING)
    )
    pending = dict(
        records.filter(month_id__in=ids).order_by().values_list("month_id").annotate(n=Count("id"))
    )
    objections = dict(
        selectors.objection_list_for(actor=actor)
        .filter(month_id__in=ids, status=Objection.Status.OPEN)
        .order_by()
        .values_list("month_id")
        .annotate(n=Count("id"))
    )
    rows = []
    for month in months:
        row = MonthRow(
            month=month,
            pending=pending.get(month.pk, 0),
            open_objections=objections.get(month.pk, 0),
        )
        if month.state == Month.State.OPEN:
            row.close_on = auto_close_on(month, township)
        if month.state == Month.State.CLOSED:
            row.unconfirmed = villages_unconfirmed(month)
        rows.append(row)
    return rows


def villages_to_confirm(*, actor: Actor, month: Month) -> list[GridUnit]:
    """The villages the actor audits whose leading group has not yet confirmed ``month``."""
    if month.state != Month.State.CLOSED:
        return []
    mine = set(
        unit_list_for(actor=actor, action=AUDIT)
        .filter(level__is_village=True)
        .values_list("pk", flat=True)
    )
    return [v for v in villages_unconfirmed(month) if v.pk in mine]


@dataclass
class LeaderHalves:
    result: LeaderMonthResult
    own_weight_percent: Decimal
    average_weight_percent: Decimal
    own_half: Decimal
    unit_half: Decimal


def leader_halves(result: LeaderMonthResult) -> LeaderHalves:
    """A leader's score and its two halves (the score itself is rounded once, docs/adr/0004)."""
    cent = Decimal("0.01")
    own_weight = result.own_weight
    return LeaderHalves(
        result=result,
        own_weight_percent=(own_weight * 100).quantize(Decimal(1)),
        average_weight_percent=((1 - own_weight) * 100).quantize(Decimal(1)),
        own_half=(own_weight * result.own_points).quantize(cent),
        unit_half=((1 - own_weight) * result.unit_average).quantize(cent),
    )


def my_leader_results(*, actor: Actor, month: Month | None) -> list[LeaderHalves]:
    if month is None or month.state == Month.State.OPEN:
        return []
    return [
        leader_halves(r)
        for r in selectors.leader_results_for(actor=actor, month=month).filter(user=actor.user)
    ]


def top_units(*, actor: Actor) -> dict[str, Any]:
    """Filter for the highest units the actor reaches (the roots of their drill-down)."""
    paths = actor.paths_for("view")
    if not isinstance(paths, list):
        return {"unit__parent__isnull": True}
    return {"unit__path__in": paths}


OPERATE_MERCHANT = "operate_merchant"


def merchant_operators(*, actor: Actor, merchant: Merchant) -> QuerySet[User]:
    """The accounts that operate ``merchant``'s counter (its ``operate_merchant`` object
    permissions), by username.

    No selector lists a merchant's operators, so this reads guardian's permission rows
    itself — for the township admin only, who grants them (anyone else gets none)."""
    if not actor.is_township_admin:
        return User.objects.none()
    user_ids = MerchantUserObjectPermission.objects.filter(
        content_object=merchant, permission__codename=OPERATE_MERCHANT
    ).values("user_id")
    return User.objects.filter(pk__in=user_ids).order_by("username")


def operator_counts(*, actor: Actor, merchant_ids: list[int]) -> dict[int, int]:
    """Merchant id → how many accounts operate it, for the merchants on a page (1 query)."""
    if not actor.is_township_admin:
        return {}
    return dict(
        MerchantUserObjectPermission.objects.filter(
            content_object_id__in=merchant_ids, permission__codename=OPERATE_MERCHANT
        )
        .order_by()
        .values_list("content_object_id")
        .annotate(n=Count("id"))
    )
