"""The demo's months, relative to the day the demo is seeded (see ``DemoCalendar``): six
months final and credited as beans, last month in publicity with an open objection, and the
current month open with approved and pending records."""

from __future__ import annotations

import random
from dataclasses import dataclass
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

FINAL_MONTHS = 6  # six consecutive months always hold one complete calendar quarter


# ---------------------------------------------------------------- the calendar
def month_label(period: date) -> str:
    """``YYYY-MM``: how the API and the pages name a month."""
    return f"{period:%Y-%m}"


def quarter_label(period: date) -> str:
    """``YYYY-Qn``: the calendar quarter a month belongs to."""
    return f"{period.year}-Q{(period.month - 1) // 3 + 1}"


def previous_period(period: date) -> date:
    return (period.replace(day=1) - timedelta(days=1)).replace(day=1)


@dataclass(frozen=True)
class DemoCalendar:
    """Which months the demo holds, for a given day (the township's local date).

    - ``current``: the first day of today's month; open, with approved and pending records
      dated from its first day up to ``today``.
    - ``publicity``: the month before; closed, confirmed by every village and published when
      the demo is seeded, so its objections are open for ``publicity_days`` from then on (the
      demo's open objection is raised at that moment too). Redemptions are dated in it.
    - ``finals``: the six months before ``publicity``, oldest first; all final and credited.
    - ``quarter``: the latest calendar quarter all of whose months are in ``finals``; rated.
    - ``year``: the year of the last final month (the annual awards the tests decide).

    The tests compute it with the same function and day as the seed (tests/fixtures.py).
    """

    today: date
    current: date
    publicity: date
    finals: tuple[date, ...]
    quarter: str
    year: int

    @property
    def current_label(self) -> str:
        return month_label(self.current)

    @property
    def publicity_label(self) -> str:
        return month_label(self.publicity)

    @property
    def final_labels(self) -> tuple[str, ...]:
        return tuple(month_label(p) for p in self.finals)

    @property
    def last_final(self) -> date:
        return self.finals[-1]

    @property
    def last_final_label(self) -> str:
        return month_label(self.finals[-1])

    @property
    def unfinished_quarter(self) -> str:
        """The quarter of the publicity month: not all of its months are final yet."""
        return quarter_label(self.publicity)


def demo_calendar(today: date) -> DemoCalendar:
    """The demo's calendar on ``today`` (a pure function of the date)."""
    current = today.replace(day=1)
    publicity = previous_period(current)
    finals = [previous_period(publicity)]
    while len(finals) < FINAL_MONTHS:
        finals.insert(0, previous_period(finals[0]))
    complete = [
        quarter_label(end)
        for end in finals
        if end.month % 3 == 0 and previous_period(previous_period(end)) in finals
    ]
    return DemoCalendar(
        today=today,
        current=current,
        publicity=publicity,
        finals=tuple(finals),
        quarter=complete[-1],
        year=finals[-1].year,
    )


def township_today(township: Township) -> date:
    """The township's local date now."""
    return services.township_now(township).date()


# ---------------------------------------------------------------- seeding
def seed_months(township: Township, calendar: DemoCalendar) -> None:
    """Seed the months of ``calendar`` once (a township with months is left as it is)."""
    if Month.objects.exists():
        return
    # Who earns what comes from one stream and the days of the records from another, so the
    # demo's points (and everything that follows from them: beans, deficits, tiers, the review
    # queue) are the same whatever day it is seeded on; only the dates move.
    rng = random.Random(f"jifenbao-demo-months-{township.slug}")
    days = random.Random(f"jifenbao-demo-days-{township.slug}")
    tz = ZoneInfo(township.settings.timezone)
    admin = Actor(user=User.objects.get(username="town_admin"), township=township)
    households = list(
        Household.objects.filter(is_active=True).select_related("unit").order_by("pk")
    )
    indicators = list(
        Indicator.objects.filter(is_active=True, evidence_required=False).select_related("category")
    )
    reviewers = _village_reviewers()
    # The final months: closed the morning after, confirmed the next day, finalized once
    # their publicity was over (all of it in the past).
    for period in calendar.finals:
        month = Month.objects.create(period=period)
        _records(rng, month, households, indicators, reviewers, days=days, approved=True)
        closing = datetime.combine(
            services.next_period(period), datetime.min.time(), tzinfo=tz
        ) + timedelta(hours=9)
        services.month_close(actor=admin, month=month, at=closing)
        _confirm(
            rng,
            township,
            month,
            reviewers,
            on=(closing + timedelta(days=1)).date(),
            at=closing + timedelta(days=1),
        )
        month.refresh_from_db()
        services.month_finalize(
            actor=None,
            month=month,
            at=required(month.publicity_ends_at, "publicity end") + timedelta(hours=1),
        )
    # Last month: closed, confirmed and published now, so its objection window is open for
    # the township's publicity_days from the moment the demo is seeded, whatever the date.
    now = timezone.now()
    month = Month.objects.create(period=calendar.publicity)
    _records(rng, month, households, indicators, reviewers, days=days, approved=True)
    services.month_close(actor=admin, month=month, at=now)
    _confirm(rng, township, month, reviewers, on=calendar.today, at=now)
    month.refresh_from_db()
    _open_objection(township, month, at=now)
    # This month: open, records from its first day up to today.
    month, _ = Month.objects.get_or_create(period=calendar.current)
    for approved, share in ((True, 0.25), (False, 0.15)):
        _records(
            rng,
            month,
            households,
            indicators,
            reviewers,
            days=days,
            approved=approved,
            share=share,
            last_day=calendar.today,
        )


def _confirm(
    rng: random.Random,
    township: Township,
    month: Month,
    reviewers: dict[GridUnit, User],
    *,
    on: date,
    at: datetime,
) -> None:
    """Every village's leading group confirms the month (the last confirmation publishes it)."""
    for village, leader in reviewers.items():
        services.month_confirm(
            actor=Actor(user=leader, township=township),
            month=month,
            village=village,
            meeting_type=rng.choice(["party_day", "deliberation_day"]),
            meeting_date=on,
            attendees="村“两委”干部、网格员、联户小组长",
            at=at,
        )


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
    days: random.Random,
    approved: bool,
    share: float = 0.8,
    last_day: date | None = None,
) -> None:
    """Bulk records within caps: most households earn a few points, some lose a few; dated
    from the month's first day to ``last_day`` (its last day unless said)."""
    last_day = last_day or services.period_end(month.period)
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
                    + timedelta(days=days.randint(0, (last_day - month.period).days)),
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


def _open_objection(township: Township, month: Month, *, at: datetime) -> None:
    """The demo resident objects to a deduction on their household in the publicity month."""
    resident = User.objects.get(username="resident")
    household = resident.resident.household
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
        at=at,
    )
