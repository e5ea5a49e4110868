"""Writes of the scoring app. Each service is one transaction."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from scoring.models import Category, Indicator, IndicatorRevision


def indicator_snapshot(indicator: Indicator) -> dict[str, Any]:
    return {
        "code": indicator.code,
        "name": indicator.name,
        "category": indicator.category.code,
        "points": indicator.points,
        "unit": indicator.unit,
        "evidence_required": indicator.evidence_required,
        "monthly_cap": indicator.monthly_cap,
        "valid_from": indicator.valid_from.isoformat() if indicator.valid_from else None,
        "valid_to": indicator.valid_to.isoformat() if indicator.valid_to else None,
        "is_active": indicator.is_active,
    }


@transaction.atomic
def catalog_seed(*, categories: list[dict[str, Any]]) -> None:
    """Seed a new township's catalog from its template (first revision of every indicator)."""
    for position, item in enumerate(categories):
        category = Category.objects.create(
            code=item["code"], name=item["name"], standard=item["standard"], position=position
        )
        indicators = Indicator.objects.bulk_create(
            Indicator(
                category=category,
                code=row["code"],
                name=row["name"],
                points=row["points"],
                unit=row.get("unit", "次"),
                evidence_required=bool(row.get("evidence_required", False)),
                monthly_cap=row.get("monthly_cap"),
            )
            for row in item.get("indicators", [])
        )
        IndicatorRevision.objects.bulk_create(
            IndicatorRevision(indicator=ind, version=1, snapshot=indicator_snapshot(ind))
            for ind in indicators
        )
