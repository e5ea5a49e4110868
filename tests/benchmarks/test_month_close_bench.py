"""Closing a big township's month: 30,000 households in 4,000 groups, 300,000 approved
records. Printed beside the plainest possible query over the same records:

    SELECT household_id, SUM(points) FROM records WHERE … GROUP BY household_id

The issue asks for close / plain ≤ 3. Both run in the same database, same run; each of three
months is closed once, and deferred constraints are checked inside the timing as a commit would."""

from __future__ import annotations

import statistics
import time
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from governance.actors import Actor
from scoring import services
from scoring.models import (
    HouseholdMonthResult,
    LeaderMonthResult,
    Month,
    PointRecord,
    UnitMonthResult,
)
from tenants.accounts.models import User
from tenants.models import Township
from tenants.services import township_create

pytestmark = pytest.mark.django_db

HOUSEHOLDS = 30_000
GROUPS = 4_000
MICROGRIDS = 600
VILLAGES = 30
RECORDS = 300_000


PERIODS = [date(2025, 4, 1), date(2025, 5, 1), date(2025, 6, 1)]


def build(slug: str) -> list[Month]:
    """Grid, households, leaders and records, with INSERT … SELECT (seconds, not minutes)."""
    with connection.cursor() as c:
        c.execute("SELECT id FROM governance_gridlevel ORDER BY depth")
        village_level, microgrid_level, group_level = (row[0] for row in c.fetchall())
        c.execute(
            """
            INSERT INTO governance_gridunit (id, level_id, parent_id, name, path, is_active, created_at)
            SELECT v, %s, NULL, '村' || v, '/' || lpad(v::text, 8, '0') || '/', true, now()
            FROM generate_series(1, %s) v
            """,
            [village_level, VILLAGES],
        )
        c.execute(
            """
            INSERT INTO governance_gridunit (id, level_id, parent_id, name, path, is_active, created_at)
            SELECT 100000 + m, %s, 1 + (m - 1) %% %s, '微网格' || m,
                   '/' || lpad((1 + (m - 1) %% %s)::text, 8, '0') || '/' || lpad((100000 + m)::text, 8, '0') || '/', true, now()
            FROM generate_series(1, %s) m
            """,
            [microgrid_level, VILLAGES, VILLAGES, MICROGRIDS],
        )
        c.execute(
            """
            INSERT INTO governance_gridunit (id, level_id, parent_id, name, path, is_active, created_at)
            SELECT 200000 + g, %s, p.id, '联户小组' || g, p.path || lpad((200000 + g)::text, 8, '0') || '/', true, now()
            FROM generate_series(1, %s) g
            JOIN governance_gridunit p ON p.id = 100000 + 1 + (g - 1) %% %s
            """,
            [group_level, GROUPS, MICROGRIDS],
        )
        c.execute(
            """
            INSERT INTO governance_household (id, number, address, unit_id, card_code, is_active, created_at)
            SELECT h, 'B' || h, '', 200000 + 1 + (h - 1) %% %s, 'C' || h, true, now()
            FROM generate_series(1, %s) h
            """,
            [GROUPS, HOUSEHOLDS],
        )
        c.execute(
            """
            INSERT INTO accounts_user (id, password, is_superuser, username, email, is_staff, is_active,
                                       date_joined, display_name, township_role)
            SELECT 1000000 + u.id, '!', false, 'l' || u.id, '', false, true, now(), '组长', ''
            FROM governance_gridunit u
            """
        )
        c.execute(
            """
            INSERT INTO governance_roleassignment (kind, unit_id, user_id, own_household_id, started_at)
            SELECT 'leader', u.id, 1000000 + u.id,
                   (SELECT min(h.id) FROM governance_household h
                    JOIN governance_gridunit leaf ON leaf.id = h.unit_id
                    WHERE leaf.path LIKE u.path || '%%'), now()
            FROM governance_gridunit u
            """
        )
        c.execute("SELECT setval(pg_get_serial_sequence('governance_gridunit', 'id'), 300000)")
    months = [Month.objects.create(period=period) for period in PERIODS]
    submitter = User.objects.order_by("id").first()
    with connection.cursor() as c:
        for month in months:
            c.execute(
                """
                INSERT INTO scoring_pointrecord (month_id, household_id, indicator_id, indicator_code, indicator_name,
                    indicator_version, standard_category, points_each, quantity, points, occurred_on, note, evidence,
                    kind, status, submitted_by_id, submitted_at, review_reason, idempotency_key, request_fingerprint)
                SELECT %s, 1 + (r - 1) %% %s, NULL, 'B01', '基准', 1, 'virtue',
                       (ARRAY[3, 2, 5, -5, 1])[1 + r %% 5], 1, (ARRAY[3, 2, 5, -5, 1])[1 + r %% 5], %s, '', '',
                       'normal', 'approved', %s, now(), '', '', ''
                FROM generate_series(1, %s) r
                """,
                [month.pk, HOUSEHOLDS, month.period.replace(day=15), submitter.pk, RECORDS],
            )
        c.execute("ANALYZE")
    return months


def test_close_a_month_of_300k_records(table) -> None:
    township_create(
        slug="benchclose", name="基准镇", county_slug="zouping", template_code="changshan"
    )
    with schema_context("benchclose"):
        township = Township.objects.get(schema_name="benchclose")
        started = time.perf_counter()
        months = build("benchclose")
        with connection.cursor() as c:  # settle the build's own deferred checks, untimed
            c.execute("SET CONSTRAINTS ALL IMMEDIATE")
            c.execute("SET CONSTRAINTS ALL DEFERRED")
        build_seconds = time.perf_counter() - started
        admin = Actor(user=User.objects.get(username="town_admin"), township=township)
        after = datetime(2025, 7, 2, 9, tzinfo=ZoneInfo("Asia/Shanghai"))

        plain, close = [], []
        for month in months:  # each month closed once, as in production
            with connection.cursor() as c:
                t0 = time.perf_counter()
                c.execute(
                    "SELECT household_id, SUM(points) FROM scoring_pointrecord "
                    "WHERE month_id = %s AND status = 'approved' GROUP BY household_id",
                    [month.pk],
                )
                rows = c.fetchall()
                plain.append(time.perf_counter() - t0)
            assert len(rows) == HOUSEHOLDS
            t0 = time.perf_counter()
            with connection.cursor() as c:
                # The suite's transaction never commits: check deferred constraints as a commit would.
                c.execute("SET CONSTRAINTS ALL IMMEDIATE")
            services.month_close(actor=admin, month=month, at=after)
            with connection.cursor() as c:
                c.execute("SET CONSTRAINTS ALL DEFERRED")
            close.append(time.perf_counter() - t0)

        # The results are right, not just fast.
        month = months[-1]
        assert HouseholdMonthResult.objects.filter(month=month).count() == HOUSEHOLDS
        total = PointRecord.objects.filter(month=month).values_list("points", flat=True)
        assert sum(
            HouseholdMonthResult.objects.filter(month=month).values_list("points", flat=True)
        ) == sum(total)
        village_sum = sum(
            UnitMonthResult.objects.filter(month=month, unit__level__depth=1).values_list(
                "points", flat=True
            )
        )
        assert village_sum == sum(total)
        assert (
            LeaderMonthResult.objects.filter(month=month).count() == VILLAGES + MICROGRIDS + GROUPS
        )

    t = table(
        f"month close: {HOUSEHOLDS:,} households, {GROUPS:,} groups, {RECORDS:,} approved records",
        ["measure", "median s", "min s", "max s"],
    )
    t.add("build the township (not timed below)", build_seconds, build_seconds, build_seconds)
    t.add(
        "plain SELECT … SUM(points) GROUP BY household_id",
        statistics.median(plain),
        min(plain),
        max(plain),
    )
    t.add(
        "month_close (households + every unit + leaders)",
        statistics.median(close),
        min(close),
        max(close),
    )
    t.add(
        "ratio close / plain (median)", statistics.median(close) / statistics.median(plain), "", ""
    )
