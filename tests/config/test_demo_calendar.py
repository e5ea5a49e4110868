"""The demo's calendar (config/demo/months.py) on any day: a pure function, no database.

The suite seeds the demo with the calendar of the day it runs on and names the demo's months
through it; these tests check what the seed and the tests rely on, for days the real clock
cannot be moved to (month and year ends, leap days, the township's midnight in UTC).
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from config.demo.months import (
    FINAL_MONTHS,
    DemoCalendar,
    demo_calendar,
    month_label,
    previous_period,
    quarter_label,
)
from rewards.services import parse_quarter, quarter_periods
from scoring.services import next_period, period_end, period_of

# Instants in UTC (the machine's clock) with the township's (Asia/Shanghai) local date.
INSTANTS = {
    "the 1st, 00:10 local (still the last day of the month before in UTC)": (
        datetime(2027, 2, 28, 16, 10, tzinfo=UTC),
        date(2027, 3, 1),
    ),
    "the last day of a month, 23:50 local": (
        datetime(2027, 4, 30, 15, 50, tzinfo=UTC),
        date(2027, 4, 30),
    ),
    "new year's day, 00:10 local": (datetime(2026, 12, 31, 16, 10, tzinfo=UTC), date(2027, 1, 1)),
    "the end of a quarter, 23:50 local": (
        datetime(2027, 3, 31, 15, 50, tzinfo=UTC),
        date(2027, 3, 31),
    ),
    "a leap day": (datetime(2028, 2, 29, 4, 0, tzinfo=UTC), date(2028, 2, 29)),
    "the day the tests were written": (datetime(2026, 12, 4, 22, 0, tzinfo=UTC), date(2026, 12, 5)),
}

DAYS = [
    date(2026, 12, 1),
    date(2026, 12, 9),
    date(2026, 12, 31),
    date(2027, 1, 1),
    date(2027, 1, 31),
    date(2027, 2, 28),
    date(2027, 3, 1),
    date(2027, 3, 31),
    date(2027, 4, 1),
    date(2027, 6, 30),
    date(2027, 7, 1),
    date(2027, 10, 1),
    date(2028, 2, 29),
    date(2028, 3, 1),
    date(2030, 12, 31),
]


def months_between(first: date, last: date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month


def check(calendar: DemoCalendar, today: date) -> None:
    """Everything the seed and the tests rely on."""
    assert calendar.today == today
    # This month: open, its records dated from its first day up to today.
    assert calendar.current == period_of(today) == today.replace(day=1)
    assert calendar.current <= today <= period_end(calendar.current)
    # Last month: in publicity (published when the demo is seeded, today, after it ended).
    assert next_period(calendar.publicity) == calendar.current
    assert period_end(calendar.publicity) < today
    # The six months before it: final, consecutive, oldest first.
    assert len(calendar.finals) == FINAL_MONTHS == 6
    assert all(p.day == 1 for p in calendar.finals)
    assert next_period(calendar.finals[-1]) == calendar.publicity
    assert all(next_period(a) == b for a, b in itertools.pairwise(calendar.finals))
    assert calendar.last_final == calendar.finals[-1]
    assert months_between(calendar.finals[0], today) == 7
    # The rated quarter: the latest whose three months are all final (there always is one).
    year, quarter = parse_quarter(calendar.quarter)
    assert calendar.quarter == f"{year}-Q{quarter}"
    assert set(quarter_periods(year, quarter)) <= set(calendar.finals)
    complete = {
        quarter_label(p)
        for p in calendar.finals
        if set(quarter_periods(*parse_quarter(quarter_label(p)))) <= set(calendar.finals)
    }
    assert calendar.quarter == max(complete, key=parse_quarter)
    # The quarter of the publicity month cannot be rated: a month of it is not final.
    unfinished = quarter_periods(*parse_quarter(calendar.unfinished_quarter))
    assert calendar.publicity in unfinished
    assert not set(unfinished) <= set(calendar.finals)
    assert calendar.unfinished_quarter != calendar.quarter
    # The year of the annual awards: the last final month's, so it has final months.
    assert calendar.year == calendar.finals[-1].year
    assert any(p.year == calendar.year for p in calendar.finals)
    # Labels as the API and the pages write them.
    assert calendar.current_label == f"{calendar.current:%Y-%m}"
    assert calendar.publicity_label == month_label(calendar.publicity)
    assert calendar.last_final_label == calendar.final_labels[-1]
    assert calendar.final_labels == tuple(f"{p:%Y-%m}" for p in calendar.finals)
    assert len(set(calendar.final_labels)) == 6
    assert calendar.current_label not in calendar.final_labels
    # The demo's redemptions fall on days 10…27 of the publicity month.
    for offset in (9, 9 + 17):
        assert period_of(calendar.publicity + timedelta(days=offset)) == calendar.publicity
    # The demo's negative-list entry runs a year from the first final month: in force today.
    starts = calendar.finals[0]
    ends = starts.replace(year=starts.year + 1) - timedelta(days=1)
    assert starts <= today <= ends


@pytest.mark.parametrize("day", DAYS, ids=str)
def test_the_calendar_on_chosen_days(day: date) -> None:
    check(demo_calendar(day), day)


@pytest.mark.parametrize("instant", list(INSTANTS), ids=list(INSTANTS))
def test_the_calendar_follows_the_townships_local_date_not_utc(instant: str) -> None:
    utc, local = INSTANTS[instant]
    assert timezone.localdate(utc) == local  # TIME_ZONE is the township's, Asia/Shanghai
    check(demo_calendar(timezone.localdate(utc)), local)


def test_every_day_of_five_years() -> None:
    day = date(2026, 12, 1)
    while day < date(2032, 1, 1):
        check(demo_calendar(day), day)
        day += timedelta(days=1)


def test_worked_examples() -> None:
    december = demo_calendar(date(2026, 12, 5))
    assert december.current_label == "2026-12"
    assert december.publicity_label == "2026-11"
    assert december.final_labels == (
        "2026-05",
        "2026-06",
        "2026-07",
        "2026-08",
        "2026-09",
        "2026-10",
    )
    assert (december.quarter, december.unfinished_quarter, december.year) == (
        "2026-Q3",
        "2026-Q4",
        2026,
    )

    new_year = demo_calendar(date(2027, 1, 1))
    assert new_year.publicity_label == "2026-12"
    assert new_year.final_labels[-1] == "2026-11"
    assert (new_year.quarter, new_year.unfinished_quarter, new_year.year) == (
        "2026-Q3",
        "2026-Q4",
        2026,
    )

    february = demo_calendar(date(2027, 2, 28))
    assert february.publicity_label == "2027-01"
    assert february.final_labels == (
        "2026-07",
        "2026-08",
        "2026-09",
        "2026-10",
        "2026-11",
        "2026-12",
    )
    assert (february.quarter, february.unfinished_quarter, february.year) == (
        "2026-Q4",
        "2027-Q1",
        2026,
    )

    spring = demo_calendar(date(2027, 3, 31))
    assert spring.final_labels[-1] == "2027-01"
    assert (spring.quarter, spring.year) == ("2026-Q4", 2027)

    leap = demo_calendar(date(2028, 2, 29))
    assert leap.current == date(2028, 2, 1)
    assert leap.publicity == date(2028, 1, 1)
    assert leap.finals[0] == date(2027, 7, 1)
    assert leap.quarter == "2027-Q4"


def test_previous_period_and_labels() -> None:
    assert previous_period(date(2027, 1, 1)) == date(2026, 12, 1)
    assert previous_period(date(2028, 3, 15)) == date(2028, 2, 1)
    assert month_label(date(2027, 1, 1)) == "2027-01"
    assert [quarter_label(date(2027, m, 1)) for m in (1, 3, 4, 6, 7, 9, 10, 12)] == [
        "2027-Q1", "2027-Q1", "2027-Q2", "2027-Q2", "2027-Q3", "2027-Q3", "2027-Q4", "2027-Q4",
    ]  # fmt: skip
