"""The demo's months: four finalized (2026-07 … 2026-10), November in publicity with an
open objection, and the current month open with approved and pending records."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from config.demo.required import required
from governance.actors import Actor
from governance.models import GridUnit, Household, RoleAssignment
from scoring import services
from scoring.models import Indicator, Month, PointRecord, Review
from tenants.accounts.models import User
from tenants.models import Township

FINAL = [date(2026, 7, 1), date(2026, 8, 1), date(2026, 9, 1), date(2026, 10, 1)]
PUBLICITY = date(2026, 11, 1)


def seed_months(township: Township) -> None:
    if Month.objects.exists():
        return
    rng = random.Random(f"jifenbao-demo-months-{township.slug}")
    tz = ZoneInfo(township.settings.timezone)
    admin = Actor(user=User.objects.get(username="town_admin"), township=township)
    households = list(
        Household.objects.filter(is_active=True).select_related("unit").order_by("pk")
    )
    indicators = list(
        Indicator.objects.filter(is_active=True, evidence_required=False).select_related("category")
    )
    reviewers = _village_reviewers()
    for period in [*FINAL, PUBLICITY]:
        month = Month.objects.create(period=period)
        _records(rng, month, households, indicators, reviewers, approved=True)
        closing = datetime.combine(
            services.next_period(period), datetime.min.time(), tzinfo=tz
        ) + timedelta(hours=9)
        services.month_close(actor=admin, month=month, at=closing)
        for village, leader in reviewers.items():
            services.month_confirm(
                actor=Actor(user=leader, township=township),
                month=month,
                village=village,
                meeting_type=rng.choice(["party_day", "deliberation_day"]),
                meeting_date=(closing + timedelta(days=1)).date(),
                attendees="村“两委”干部、网格员、联户小组长",
                at=closing + timedelta(days=1),
            )
        month.refresh_from_db()
        if period in FINAL:
            services.month_finalize(
                actor=None,
                month=month,
                at=required(month.publicity_ends_at, "publicity end") + timedelta(hours=1),
            )
    _open_objection(township)
    current = services.period_of(timezone.localdate())
    month, _ = Month.objects.get_or_create(period=current)
    _records(rng, month, households, indicators, reviewers, approved=True, share=0.25)
    _records(rng, month, households, indicators, reviewers, approved=False, share=0.15)


def _village_reviewers() -> dict[GridUnit, User]:
    return {
        a.unit: a.user
        for a in RoleAssignment.objects.filter(
            unit__level__is_village=True, kind="leader", ended_at__isnull=True
        )
        .select_related("unit", "user")
        .order_by("unit__path")
    }


def _records(
    rng: random.Random,
    month: Month,
    households: list[Household],
    indicators: list[Indicator],
    reviewers: dict[GridUnit, User],
    *,
    approved: bool,
    share: float = 0.8,
) -> None:
    """Bulk records within caps: most households earn a few points, some lose a few."""
    last_day = min(services.period_end(month.period), timezone.localdate())
    submitter = User.objects.get(username="info_admin")
    village_of = {v.path: leader for v, leader in reviewers.items()}
    now = timezone.now()
    records = []
    for household in households:
        if rng.random() > share:
            continue
        for indicator in rng.sample(indicators, k=min(len(indicators), rng.choice([1, 1, 2, 3]))):
            if indicator.points < 0 and rng.random() > 0.25:
                continue
            quantity = (
                1
                if indicator.monthly_cap is None
                else rng.randint(1, min(indicator.monthly_cap, 3))
            )
            reviewer = next(
                leader
                for path, leader in village_of.items()
                if household.unit.path.startswith(path)
            )
            records.append(
                PointRecord(
                    month=month,
                    household=household,
                    indicator=indicator,
                    indicator_code=indicator.code,
                    indicator_name=indicator.name,
                    indicator_version=indicator.version,
                    standard_category=indicator.category.standard,
                    points_each=indicator.points,
                    quantity=quantity,
                    points=indicator.points * quantity,
                    occurred_on=month.period
                    + timedelta(days=rng.randint(0, (last_day - month.period).days)),
                    note="",
                    status=PointRecord.Status.APPROVED if approved else PointRecord.Status.PENDING,
                    submitted_by=submitter,
                    reviewed_by=reviewer if approved else None,
                    reviewed_at=now if approved else None,
                )
            )
    created = PointRecord.objects.bulk_create(records, batch_size=2000)
    if approved:
        Review.objects.bulk_create(
            (
                Review(record=r, decision=Review.Decision.APPROVED, reviewer=r.reviewed_by)
                for r in created
            ),
            batch_size=2000,
        )


def _open_objection(township: Township) -> None:
    """The demo resident objects to a deduction on their household in November."""
    resident = User.objects.get(username="resident")
    household = resident.resident.household
    month = Month.objects.get(period=PUBLICITY)
    record = (
        PointRecord.objects.filter(month=month, household=household, status="approved")
        .order_by("points")
        .first()
    )
    services.objection_raise(
        actor=Actor(user=resident, township=township),
        household=household,
        month=month,
        record=record,
        reason="这条记录的日期我家不在村里，请核实。",
        at=required(month.published_at, "publication time") + timedelta(hours=2),
    )
