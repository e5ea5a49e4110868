"""The county's view of a township's final month (public schema, written at finalization)."""

from __future__ import annotations

from django.db.models import Count, Q, Sum

from governance.models import Household
from rewards.models import MonthCredit, Redemption
from scoring.models import Month, Objection, PointRecord, StandardCategory
from scoring.services import next_period
from tenants.models import Township, TownshipMonthRollup


def township_month_rollup_compute(*, township: Township, month: Month) -> TownshipMonthRollup:
    """Aggregate one final month of the township whose schema the connection is in."""
    approved = PointRecord.objects.filter(month=month, status=PointRecord.Status.APPROVED)
    by_category = {
        row["standard_category"]: row["points"]
        for row in approved.values("standard_category").annotate(points=Sum("points")).order_by()
    }
    objections = Objection.objects.filter(month=month).aggregate(
        total=Count("id"), upheld=Count("id", filter=Q(status=Objection.Status.UPHELD))
    )
    spent = Redemption.objects.filter(
        status=Redemption.Status.COMPLETED,
        created_at__date__gte=month.period,
        created_at__date__lt=next_period(month.period),
    ).aggregate(count=Count("id"), beans=Sum("total_beans"))
    credit = MonthCredit.objects.filter(month=month).values_list("beans", flat=True).first()
    rollup, _ = TownshipMonthRollup.objects.update_or_create(
        township=township,
        period=month.period,
        defaults={
            "households": Household.objects.filter(is_active=True).count(),
            "participating_households": approved.values("household_id").distinct().count(),
            "points_total": sum(by_category.values()),
            "points_by_category": by_category,
            "objections": objections["total"],
            "objections_upheld": objections["upheld"],
            "redemptions": spent["count"] or 0,
            "redemption_beans": spent["beans"] or 0,
            "beans_credited": credit or 0,
        },
    )
    return rollup


def rollup_figures(rollup: TownshipMonthRollup) -> dict[str, object]:
    """A township's month as the county comparison shows it (API and page alike)."""
    households = rollup.households or 0
    return {
        "month": rollup.period.strftime("%Y-%m"),
        "households": households,
        "participating_households": rollup.participating_households,
        "participation_rate": round(rollup.participating_households / households, 4)
        if households
        else 0,
        "points_total": rollup.points_total,
        "points_per_household": round(rollup.points_total / households, 2) if households else 0,
        "category_mix": {
            category: rollup.points_by_category.get(category, 0)
            for category in StandardCategory.values
        },
        "objections": rollup.objections,
        "objections_upheld": rollup.objections_upheld,
        "redemptions": rollup.redemptions,
        "redemption_beans": rollup.redemption_beans,
        "beans_credited": rollup.beans_credited,
    }
