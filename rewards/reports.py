"""Year-end and eligibility reports (read-only, scoped to the actor, set-based)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from django.db import connection
from django.db.models import Count, Q

from governance.actors import VIEW, Actor
from governance.models import GridLevel, GridUnit, Household, Resident
from governance.selectors import forbidden
from rewards.models import MonthCredit, NegativeListEntry
from rewards.services import restrictions_in_force
from scoring.models import HouseholdMonthResult, Month, PointRecord, VillageConfirmation


def household_beans_by_month(
    *, year: int, household_ids: list[int] | None = None
) -> dict[int, dict[int, int]]:
    """{household: {month number: beans}} for the year's credited months."""
    hr = HouseholdMonthResult._meta.db_table
    credit = MonthCredit._meta.db_table
    month = Month._meta.db_table
    where = "AND hr.household_id = ANY(%(ids)s)" if household_ids is not None else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT hr.household_id, EXTRACT(MONTH FROM m.period)::int, ROUND(hr.points * c.ratio)::bigint
            FROM {hr} hr JOIN {credit} c ON c.month_id = hr.month_id JOIN {month} m ON m.id = hr.month_id
            WHERE m.period >= %(start)s AND m.period < %(end)s {where}
            """,  # noqa: S608
            {"start": date(year, 1, 1), "end": date(year + 1, 1, 1), "ids": household_ids or []},
        )
        result: dict[int, dict[int, int]] = defaultdict(dict)
        for household_id, month_no, beans in cursor.fetchall():
            result[household_id][month_no] = beans
    return result


def party_member_report(*, actor: Actor, year: int) -> list[list[Any]]:
    """One row per party member the actor can see: the household's beans, month by month
    (the basis for the democratic evaluation of party members)."""
    members = list(
        Resident.objects.filter(
            actor.scope_q(VIEW, "household__unit__path"), is_party_member=True, is_active=True
        )
        .select_related("household", "household__unit")
        .order_by("household__unit__path", "household__number", "id")
    )
    beans = household_beans_by_month(year=year, household_ids=[m.household_id for m in members])
    villages = _village_names()
    rows = []
    for member in members:
        by_month = beans.get(member.household_id, {})
        rows.append(
            [
                villages.get(member.household.unit.path_ids[_village_index()], ""),
                member.household.unit.name,
                member.household.number,
                member.name,
                "流动党员" if member.is_floating_party_member else "",
                sum(by_month.values()),
                *[by_month.get(m, "") for m in range(1, 13)],
            ]
        )
    return rows


PARTY_HEADERS = ["村", "网格", "户号", "党员", "备注", "全年", *[f"{m}月" for m in range(1, 13)]]


def _village_index() -> int:
    level = GridLevel.objects.get(is_village=True)
    return level.depth - 1


def _village_names() -> dict[int, str]:
    return dict(GridUnit.objects.filter(level__is_village=True).values_list("pk", "name"))


def assessment(*, actor: Actor, year: int) -> dict[str, list[dict[str, Any]]]:
    """Figures for the year-end assessment of villages and cadres: per village its
    activity (records, participating households, confirmed months) and beans; per unit of
    the level below the village (微网格) its beans in total and per household."""
    if not actor.sees_whole_township:
        raise forbidden(VIEW)
    village_level = GridLevel.objects.get(is_village=True)
    below = GridLevel.objects.filter(depth=village_level.depth + 1).first()
    start, end = date(year, 1, 1), date(year + 1, 1, 1)
    beans = household_beans_by_month(year=year)
    households = list(Household.objects.filter(is_active=True).select_related("unit"))
    records = dict(
        PointRecord.objects.filter(
            status="approved", month__period__gte=start, month__period__lt=end
        )
        .values_list("household_id")
        .annotate(n=Count("id"))
        .values_list("household_id", "n")
    )
    confirmations = dict(
        VillageConfirmation.objects.filter(month__period__gte=start, month__period__lt=end)
        .values_list("village_id")
        .annotate(n=Count("id"))
        .values_list("village_id", "n")
    )

    # One pass over the households, adding each to every unit above it (O(households × depth)).
    totals: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for household in households:
        earned = sum(beans.get(household.pk, {}).values())
        for unit_id in household.unit.path_ids:
            row = totals[unit_id]
            row["households"] += 1
            row["participating_households"] += 1 if records.get(household.pk) else 0
            row["approved_records"] += records.get(household.pk, 0)
            row["beans"] += earned

    def figures(units: list[GridUnit]) -> list[dict[str, Any]]:
        out = []
        for unit in units:
            row = totals.get(unit.pk, {})
            count = row.get("households", 0)
            out.append(
                {
                    "unit": unit.pk,
                    "name": unit.name,
                    "households": count,
                    "participating_households": row.get("participating_households", 0),
                    "approved_records": row.get("approved_records", 0),
                    "confirmed_months": confirmations.get(unit.pk, 0),
                    "beans": row.get("beans", 0),
                    "beans_per_household": round(row.get("beans", 0) / count, 2) if count else 0,
                }
            )
        return out

    villages = list(GridUnit.objects.filter(level=village_level, is_active=True).order_by("path"))
    lower = (
        list(GridUnit.objects.filter(level=below, is_active=True).order_by("path")) if below else []
    )
    return {"villages": figures(villages), "units_below_village": figures(lower)}


def eligibility(*, actor: Actor, on: date, village: GridUnit | None = None) -> list[dict[str, Any]]:
    """Households with a negative-list restriction in force on a day, and what it bars
    (awards, tier shares, preferential redemptions — docs/adr/0005)."""
    entries = NegativeListEntry.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=on),
        actor.scope_q(VIEW, "household__unit__path"),
        starts_on__lte=on,
        removed_at__isnull=True,
    )
    if village is not None:
        entries = entries.filter(household__unit__path__startswith=village.path)
    in_force = restrictions_in_force(
        household_ids=list(entries.values_list("household_id", flat=True)), on=on
    )
    households = (
        Household.objects.filter(pk__in=list(in_force)).select_related("unit").order_by("number")
    )
    labels = dict(NegativeListEntry.Kind.choices)
    return [
        {
            "household": h.pk,
            "number": h.number,
            "unit": h.unit.name,
            "restrictions": sorted(in_force[h.pk]),
            "labels": [str(labels[k]) for k in sorted(in_force[h.pk])],
            "annual_awards": NegativeListEntry.Kind.NO_AWARDS not in in_force[h.pk],
            "tier_share": "none"
            if NegativeListEntry.Kind.NO_AWARDS in in_force[h.pk]
            else ("half" if NegativeListEntry.Kind.REDUCED_REWARDS in in_force[h.pk] else "full"),
            "preferential_products": NegativeListEntry.Kind.NO_PREFERENTIAL_POLICIES
            not in in_force[h.pk],
            "subsidies": NegativeListEntry.Kind.NO_SUBSIDIES not in in_force[h.pk],
            "village_affairs": NegativeListEntry.Kind.NO_VILLAGE_AFFAIRS not in in_force[h.pk],
        }
        for h in households
    ]


# ---------------------------------------------------------------- workbooks, shared by the API and the pages
ASSESSMENT_KEYS = [
    "name",
    "households",
    "participating_households",
    "approved_records",
    "confirmed_months",
    "beans",
    "beans_per_household",
]
ASSESSMENT_HEADERS = [
    "层级",
    "网格",
    "户数",
    "参与户数",
    "通过记录",
    "认定月份",
    "积分豆",
    "户均积分豆",
]
ELIGIBILITY_HEADERS = [
    "户号",
    "网格",
    "惩戒",
    "年度评优",
    "季度奖励",
    "优惠兑换",
    "补贴补助",
    "村级事务",
]
ELIGIBILITY_YES = {True: "可以", False: "不可以"}
ELIGIBILITY_SHARE = {"full": "全额", "half": "减半", "none": "不享受"}


def assessment_rows(data: dict[str, list[dict[str, Any]]]) -> list[list[Any]]:
    return [
        [kind, *(row[key] for key in ASSESSMENT_KEYS)]
        for kind, section in (("村", "villages"), ("下级网格", "units_below_village"))
        for row in data[section]
    ]


def eligibility_rows(rows: list[dict[str, Any]]) -> list[list[Any]]:
    return [
        [
            r["number"],
            r["unit"],
            "、".join(r["labels"]),
            ELIGIBILITY_YES[r["annual_awards"]],
            ELIGIBILITY_SHARE[r["tier_share"]],
            ELIGIBILITY_YES[r["preferential_products"]],
            ELIGIBILITY_YES[r["subsidies"]],
            ELIGIBILITY_YES[r["village_affairs"]],
        ]
        for r in rows
    ]
