"""县域对比: a county's townships side by side, shaped as the API's /county/compare/ shapes
them (tenants.selectors.counties_for and rollups_for), plus the drawing of its two small
charts as inline SVG geometry (no charting library: a bar and a line are a few numbers).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rewards.rollups import rollup_figures
from scoring.models import StandardCategory
from tenants.models import County, Township, TownshipMonthRollup
from tenants.selectors import rollups_for

# One colour per 四治 category, the same on every township's bar and in the legend.
CATEGORY_COLOURS: dict[str, str] = {
    StandardCategory.AUTONOMY.value: "#b3261e",
    StandardCategory.RULE_OF_LAW.value: "#0969da",
    StandardCategory.VIRTUE.value: "#1a7f37",
    StandardCategory.SMART.value: "#9a6700",
}
TREND_MONTHS = 6


def figures(rollup: TownshipMonthRollup) -> dict[str, Any]:
    """One township's month, exactly as api/county.py gives it."""
    return rollup_figures(rollup)


@dataclass
class Segment:
    category: str
    label: str
    colour: str
    points: int
    x: float
    width: float


@dataclass
class Spark:
    points: str  # the polyline's "x,y x,y …"
    last_x: float
    last_y: float
    labels: list[str]
    values: list[float]


@dataclass
class TownshipColumn:
    township: Township
    bean_name: str
    figures: dict[str, Any] | None
    trend: list[dict[str, Any]]
    mix: list[Segment] = field(default_factory=list)
    spark: Spark | None = None


@dataclass
class Comparison:
    county: County
    month: date | None
    townships: list[TownshipColumn]
    zero_x: float = 0.0


BAR_WIDTH = 240.0
SPARK_WIDTH = 120.0
SPARK_HEIGHT = 32.0
SPARK_PAD = 3.0


def comparison_for(*, county: County, period: date | None) -> Comparison:
    period, townships, rollups = rollups_for(county=county, period=period, months=TREND_MONTHS)
    columns = []
    for township in townships:
        series = rollups.get(township.pk, [])
        current = series[0] if series and series[0].period == period else None
        columns.append(
            TownshipColumn(
                township=township,
                bean_name=township.settings.bean_name,
                figures=figures(current) if current else None,
                trend=[
                    {
                        "month": r.period.strftime("%Y-%m"),
                        "points_per_household": figures(r)["points_per_household"],
                    }
                    for r in reversed(series)
                ],
            )
        )
    comparison = Comparison(county=county, month=period, townships=columns)
    _draw_mix(comparison)
    for column in columns:
        column.spark = sparkline([t["points_per_household"] for t in column.trend], column.trend)
    return comparison


def _draw_mix(comparison: Comparison) -> None:
    """Each township's 四治 points as one bar on a shared scale: additions stack right of the
    zero line, net deductions (a category can be negative: 法治 is mostly deductions) left."""
    labels = dict(StandardCategory.choices)
    mixes = [(c, _mix(c)) for c in comparison.townships if c.figures is not None]
    widest_right = max((sum(max(v, 0) for v in mix.values()) for _, mix in mixes), default=0)
    widest_left = max((sum(-min(v, 0) for v in mix.values()) for _, mix in mixes), default=0)
    span = widest_right + widest_left
    if not span:
        return
    scale = BAR_WIDTH / span
    comparison.zero_x = round(widest_left * scale, 2)
    for column, mix in mixes:
        right = left = comparison.zero_x
        for category in StandardCategory.values:
            value = mix[category]
            if not value:
                continue
            width = abs(value) * scale
            if value > 0:
                x, right = right, right + width
            else:
                left -= width
                x = left
            column.mix.append(
                Segment(
                    category=category,
                    label=str(labels[category]),
                    colour=CATEGORY_COLOURS[category],
                    points=value,
                    x=round(x, 2),
                    width=round(width, 2),
                )
            )


def _mix(column: TownshipColumn) -> dict[str, int]:
    return (column.figures or {}).get("category_mix", {})


def sparkline(values: list[float], trend: list[dict[str, Any]]) -> Spark | None:
    """A line through the values, scaled to the box (its own min and max)."""
    if not values:
        return None
    low, high = min(values), max(values)
    spread = (high - low) or 1.0
    step = (SPARK_WIDTH - 2 * SPARK_PAD) / max(len(values) - 1, 1)
    coordinates = []
    for index, value in enumerate(values):
        x = SPARK_PAD + index * step if len(values) > 1 else SPARK_WIDTH / 2
        y = SPARK_HEIGHT - SPARK_PAD - (value - low) / spread * (SPARK_HEIGHT - 2 * SPARK_PAD)
        coordinates.append((round(x, 2), round(y, 2)))
    return Spark(
        points=" ".join(f"{x},{y}" for x, y in coordinates),
        last_x=coordinates[-1][0],
        last_y=coordinates[-1][1],
        labels=[t["month"] for t in trend],
        values=values,
    )


def category_labels() -> dict[str, str]:
    return {str(value): str(label) for value, label in StandardCategory.choices}


def legend() -> list[tuple[str, str]]:
    labels = dict(StandardCategory.choices)
    return [(str(labels[c]), CATEGORY_COLOURS[c]) for c in StandardCategory.values]


def months_compared(county: County) -> list[date]:
    """The months with figures in the county, newest first (for the month picker)."""
    return list(
        TownshipMonthRollup.objects.filter(township__county=county)
        .order_by("-period")
        .values_list("period", flat=True)
        .distinct()[:36]
    )
