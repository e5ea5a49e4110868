"""GET /api/v1/county/compare/ on the public site: townships side by side."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from scoring.models import HouseholdMonthResult, Month

pytestmark = pytest.mark.django_db


def test_county_viewer_compares_both_townships_for_the_latest_final_month(api) -> None:
    response = api(None, "county_viewer").get("/api/v1/county/compare/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["county"] == {"slug": "zouping", "name": "邹平市"}
    assert body["month"] == "2026-10"  # November is still in publicity
    rows = {row["slug"]: row for row in body["townships"]}
    assert rows["changshan"]["bean_name"] == "山药豆"
    assert rows["weiqiao"]["bean_name"] == "棉花豆"
    for slug, row in rows.items():
        figures = row["figures"]
        with schema_context(slug):
            month = Month.objects.get(period="2026-10-01")
            total = sum(
                HouseholdMonthResult.objects.filter(month=month).values_list("points", flat=True)
            )
        assert figures["points_total"] == total
        assert sum(figures["category_mix"].values()) == total
        assert set(figures["category_mix"]) == {"autonomy", "rule_of_law", "virtue", "smart"}
        assert 0 < figures["participation_rate"] <= 1
        assert [t["month"] for t in row["trend"]] == ["2026-07", "2026-08", "2026-09", "2026-10"]


def test_an_earlier_month_can_be_asked_for(api) -> None:
    body = api(None, "county_viewer").get("/api/v1/county/compare/?month=2026-08").json()
    assert body["month"] == "2026-08"
    assert all(row["trend"][-1]["month"] == "2026-08" for row in body["townships"])


def test_only_county_officers_and_platform_operators_compare(api) -> None:
    from tenants.accounts.models import User

    User.objects.create_user(username="stranger", password="x-long-enough-1")
    assert api(None, "stranger").get("/api/v1/county/compare/").status_code == 403
    assert api(None).get("/api/v1/county/compare/").status_code == 401
    assert (
        api(None, "platform_admin").get("/api/v1/county/compare/?county=zouping").status_code == 200
    )
    assert (
        api(None, "county_viewer").get("/api/v1/county/compare/?county=nowhere").status_code == 404
    )
    # township hosts do not serve it, and township tokens mean nothing on the public site
    assert api("changshan", "town_admin").get("/api/v1/county/compare/").status_code == 404


def test_rollups_can_be_rebuilt(capsys) -> None:
    from django.core.management import call_command

    from tenants.models import TownshipMonthRollup

    before = sorted(
        TownshipMonthRollup.objects.values_list("township_id", "period", "points_total")
    )
    TownshipMonthRollup.objects.update(points_total=0)
    call_command("county_rollups")
    assert (
        sorted(TownshipMonthRollup.objects.values_list("township_id", "period", "points_total"))
        == before
    )
    assert "changshan: 4 month(s)" in capsys.readouterr().out
