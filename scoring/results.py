"""Computing a month's results, set-based in SQL (no Python loop over households).

- household points = SUM of its approved records in the month (every active household
  gets a row, zero included, so averages count zero-point households);
- unit points (every level) = SUM of the households hanging anywhere below the unit. Each
  household's leaf unit path already lists every ancestor id, so one pass over the leaves
  expands them to all levels;
- leader score = w × own household points + (1 − w) × unit average, with the average
  kept exact (numeric) and the score rounded ONCE to 2 decimals, half away from zero
  (PostgreSQL's ROUND on numeric); see docs/adr/0004-scoring-rules.md.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import Any

from django.db import connection

from governance.models import GridUnit, Household, RoleAssignment
from scoring.models import (
    HouseholdMonthResult,
    LeaderMonthResult,
    Month,
    PointRecord,
    UnitMonthResult,
)


def _tables() -> dict[str, str]:
    return {
        "household": Household._meta.db_table,
        "unit": GridUnit._meta.db_table,
        "record": PointRecord._meta.db_table,
        "assignment": RoleAssignment._meta.db_table,
        "hr": HouseholdMonthResult._meta.db_table,
        "ur": UnitMonthResult._meta.db_table,
        "lr": LeaderMonthResult._meta.db_table,
    }


def month_results_compute(*, month: Month, own_weight: Decimal) -> dict[str, int]:
    """Replace the month's results with ones computed from its approved records.

    Runs inside the caller's transaction (close, or an upheld objection's recompute).
    Returns the row counts written.
    """
    t = _tables()
    params: dict[str, int | Decimal] = {"month": month.pk, "w": own_weight}
    partition = f"{t['hr']}_m{int(month.pk)}"
    with connection.cursor() as cursor:
        for table in (t["lr"], t["ur"]):
            cursor.execute(f"DELETE FROM {table} WHERE month_id = %(month)s", params)  # noqa: S608
        # Household results live in one partition per month: load it without an index, then
        # build the primary key in bulk and attach it (far cheaper than 30,000 index inserts).
        cursor.execute(f"DROP TABLE IF EXISTS {partition}")
        cursor.execute(f"CREATE TABLE {partition} (LIKE {t['hr']} INCLUDING CONSTRAINTS)")
        cursor.execute(
            f"""
            INSERT INTO {partition} (month_id, household_id, unit_id, points, record_count)
            SELECT %(month)s, h.id, h.unit_id, COALESCE(r.points, 0), COALESCE(r.n, 0)
            FROM {t["household"]} h
            LEFT JOIN (
                SELECT household_id, SUM(points) AS points, COUNT(*) AS n
                FROM {t["record"]}
                WHERE month_id = %(month)s AND status = 'approved'
                GROUP BY household_id
            ) r ON r.household_id = h.id
            WHERE h.is_active OR r.household_id IS NOT NULL
            """,  # noqa: S608
            params,
        )
        households = cursor.rowcount
        cursor.execute(f"ALTER TABLE {partition} ADD CHECK (month_id = {int(month.pk)})")
        cursor.execute(
            f"ALTER TABLE {t['hr']} ATTACH PARTITION {partition} FOR VALUES IN ({int(month.pk)})"
        )
        cursor.execute(
            f"""
            INSERT INTO {t["ur"]} (month_id, unit_id, points, households)
            SELECT %(month)s, u.id, COALESCE(agg.points, 0), COALESCE(agg.households, 0)
            FROM {t["unit"]} u
            LEFT JOIN (
                SELECT ancestor::bigint AS unit_id, SUM(leaf.points) AS points, SUM(leaf.households) AS households
                FROM (
                    SELECT unit_id, SUM(points) AS points, COUNT(*) AS households
                    FROM {partition} GROUP BY unit_id
                ) leaf
                JOIN {t["unit"]} lu ON lu.id = leaf.unit_id
                CROSS JOIN LATERAL unnest(string_to_array(trim(both '/' from lu.path), '/')) AS ancestor
                GROUP BY ancestor
            ) agg ON agg.unit_id = u.id
            """,  # noqa: S608
            params,
        )
        units = cursor.rowcount
        cursor.execute(
            f"""
            INSERT INTO {t["lr"]} (month_id, assignment_id, user_id, unit_id, own_household_id, own_points,
                                   unit_points, unit_households, unit_average, own_weight, score)
            SELECT %(month)s, a.id, a.user_id, a.unit_id, a.own_household_id, COALESCE(own.points, 0),
                   ur.points, ur.households, avg.value, %(w)s,
                   ROUND(%(w)s * COALESCE(own.points, 0) + (1 - %(w)s) * avg.value, 2)
            FROM {t["assignment"]} a
            JOIN {t["ur"]} ur ON ur.month_id = %(month)s AND ur.unit_id = a.unit_id
            LEFT JOIN {partition} own ON own.household_id = a.own_household_id
            CROSS JOIN LATERAL (
                SELECT CASE WHEN ur.households = 0 THEN 0::numeric
                            ELSE ur.points::numeric / ur.households END AS value
            ) avg
            WHERE a.kind = 'leader' AND a.ended_at IS NULL
            """,  # noqa: S608
            params,
        )
        leaders = cursor.rowcount
    return {"households": households, "units": units, "leaders": leaders}


def month_results_content(*, month: Month) -> dict[str, Any]:
    """The results as the snapshot stores them (canonical, ordered by id)."""
    households = list(
        HouseholdMonthResult.objects.filter(month=month)
        .order_by("household_id")
        .values_list("household_id", "household__number", "unit_id", "points", "record_count")
    )
    units = list(
        UnitMonthResult.objects.filter(month=month)
        .order_by("unit_id")
        .values_list("unit_id", "points", "households")
    )
    leaders = [
        [a, u, unit, h, own, str(avg.quantize(Decimal("0.000001"))), str(w), str(score)]
        for a, u, unit, h, own, avg, w, score in LeaderMonthResult.objects.filter(month=month)
        .order_by("assignment_id")
        .values_list(
            "assignment_id",
            "user_id",
            "unit_id",
            "own_household_id",
            "own_points",
            "unit_average",
            "own_weight",
            "score",
        )
    ]
    return {
        "month": month.label,
        "households": [list(row) for row in households],
        "units": [list(row) for row in units],
        "leaders": leaders,
    }


def content_hash(content: dict[str, Any]) -> str:
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()
