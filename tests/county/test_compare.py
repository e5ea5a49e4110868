"""GET /api/v1/county/compare/ on the public site: townships side by side."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from scoring.models import HouseholdMonthResult, Month

pytestmark = pytest.mark.django_db


def test_county_viewer_compares_both_townships_for_the_latest_final_month(
    api, demo_calendar
) -> None:
    response = api(None, "county_viewer").get("/api/v1/county/compare/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["county"] == {"slug": "zouping", "name": "邹平市"}
    # the latest final month: the one after it is still in publicity
    assert body["month"] == demo_calendar.last_final_label
    rows = {row["slug"]: row for row in body["townships"]}
    assert rows["changshan"]["bean_name"] == "山药豆"
    assert rows["weiqiao"]["bean_name"] == "棉花豆"
    for slug, row in rows.items():
        figures = row["figures"]
        with schema_context(slug):
            month = Month.objects.get(period=demo_calendar.last_final)
            total = sum(
                HouseholdMonthResult.objects.filter(month=month).values_list("points", flat=True)
            )
        assert figures["points_total"] == total
        assert sum(figures["category_mix"].values()) == total
        assert set(figures["category_mix"]) == {"autonomy", "rule_of_law", "virtue", "smart"}
        assert 0 < figures["participation_rate"] <= 1
        assert [t["month"] for t in row["trend"]] == list(demo_calendar.final_labels[-6:])


def test_an_earlier_month_can_be_asked_for(api, demo_calendar) -> None:
    earlier = demo_calendar.final_labels[1]
    body = api(None, "county_viewer").get(f"/api/v1/county/compare/?month={earlier}").json()
    assert body["month"] == earlier
    assert all(row["trend"][-1]["month"] == earlier for row in body["townships"])


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


def test_rollups_can_be_rebuilt(capsys, demo_calendar) -> None:
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
    assert f"changshan: {len(demo_calendar.finals)} month(s)" in capsys.readouterr().out
