"""评比: the quarter's tiers by level with titles and awards, the year's commended households
with certificates and reports; rating and deciding are the township admin's."""

from __future__ import annotations

import io

import pytest
from django_tenants.utils import schema_context
from openpyxl import load_workbook

from governance.models import RoleAssignment
from rewards.models import AnnualAward, LedgerEntry, NegativeListEntry, TierRating, TierShare
from tests.fixtures import session_calendar
from tests.frontend.conftest import count_queries, field_errors, html

pytestmark = pytest.mark.django_db

SLUG = "changshan"
CALENDAR = session_calendar()
QUARTER = CALENDAR.quarter  # rated by the demo
UNFINISHED = CALENDAR.unfinished_quarter  # its last month or more is not final yet
YEAR = CALENDAR.year


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("town_admin", 200),
        ("village_leader", 200),
        ("microgrid_leader", 200),
        ("resident", 403),
        ("merchant", 403),
    ],
)
def test_the_award_pages_by_role(web, username, status) -> None:
    client = web(SLUG, username)
    assert client.get("/awards/quarters/").status_code == status
    assert client.get(f"/awards/years/{YEAR}/").status_code == status


def test_the_quarter_shows_its_tiers_by_level_with_titles_and_awards(web) -> None:
    page = html(web(SLUG, "town_admin").get(f"/awards/quarters/?quarter={QUARTER}"))
    assert f"{QUARTER} 季度评比" in page
    assert "<h2>微网格</h2>" in page
    assert "<h2>联户小组</h2>" in page
    with schema_context(SLUG):
        gold = TierRating.objects.filter(quarter=QUARTER, tier="gold").select_related("unit")
        assert gold
        for rating in gold:
            assert f'data-unit="{rating.unit_id}"' in page
        silent = TierRating.objects.filter(quarter=QUARTER, tier="").first()
    assert "金豆微网格" in page
    assert "银豆联户小组" in page
    assert ">300<" in page  # the gold award, in beans
    assert f'data-unit="{silent.unit_id}"' not in page  # only the tiers, unless asked
    everyone = html(web(SLUG, "town_admin").get(f"/awards/quarters/?quarter={QUARTER}&all=1"))
    assert f'data-unit="{silent.unit_id}"' in everyone


def test_a_leader_sees_the_tiers_of_the_units_in_reach(web) -> None:
    page = html(web(SLUG, "village_leader").get(f"/awards/quarters/?quarter={QUARTER}&all=1"))
    with schema_context(SLUG):
        village = RoleAssignment.objects.get(user__username="village_leader", kind="leader").unit
        inside = TierRating.objects.filter(quarter=QUARTER, unit__path__startswith=village.path)
        outside = TierRating.objects.filter(quarter=QUARTER).exclude(
            unit__path__startswith=village.path
        )
        assert inside
        assert outside
        assert all(f'data-unit="{r.unit_id}"' in page for r in inside)
        assert not any(f'data-unit="{r.unit_id}"' in page for r in outside)


def test_rating_an_unfinished_quarter_is_refused_in_chinese(web) -> None:
    client = web(SLUG, "town_admin")
    response = client.post(f"/awards/quarters/{UNFINISHED}/rate/")
    assert response.status_code == 422
    assert f"{UNFINISHED} 的三个月份须全部确认" in html(response)
    with schema_context(SLUG):
        assert not TierRating.objects.filter(quarter=UNFINISHED).exists()
    assert web(SLUG, "village_leader").post(f"/awards/quarters/{QUARTER}/rate/").status_code == 403


def test_the_admin_rates_a_quarter_and_the_awards_are_paid(web) -> None:
    with schema_context(SLUG):
        TierShare.objects.filter(rating__quarter=QUARTER).delete()
        TierRating.objects.filter(quarter=QUARTER).delete()
        paid_before = LedgerEntry.objects.filter(kind="tier_award").count()
    client = web(SLUG, "town_admin")
    before = html(client.get(f"/awards/quarters/?quarter={QUARTER}"))
    assert f"评比 {QUARTER}" in before  # the button, since the quarter is not rated
    response = client.post(f"/awards/quarters/{QUARTER}/rate/")
    assert response.status_code == 302
    assert response["Location"] == f"/awards/quarters/?quarter={QUARTER}"
    with schema_context(SLUG):
        assert TierRating.objects.filter(quarter=QUARTER, tier="gold").exists()
        assert LedgerEntry.objects.filter(kind="tier_award").count() > paid_before
    after = html(client.get(response["Location"]))
    assert f"评比 {QUARTER}" not in after
    assert "金豆微网格" in after


def test_the_admin_decides_the_year_and_certificates_follow(web) -> None:
    client = web(SLUG, "town_admin")
    response = client.post(f"/awards/years/{YEAR}/decide/", {"award_beans": "20"})
    assert response.status_code == 302
    with schema_context(SLUG):
        awards = list(AnnualAward.objects.filter(year=YEAR).select_related("household"))
        barred = NegativeListEntry.objects.get(kind="no_awards").household_id
        assert awards
        assert all(a.award_beans == 20 and a.entry_id for a in awards)
        assert barred not in {a.household_id for a in awards}
    page = html(client.get(f"/awards/years/{YEAR}/?page_size=200"))
    assert f"评定 {YEAR} 年度评优" not in page  # decided once
    for award in awards:
        assert f'data-household="{award.household_id}"' in page
    certificate = client.get(f"/awards/years/{YEAR}/certificates/{awards[0].household_id}.pdf")
    assert certificate.status_code == 200
    assert certificate.content.startswith(b"%PDF")
    assert client.get(f"/awards/years/{YEAR}/certificates/{barred}.pdf").status_code == 404


def test_a_year_without_final_months_is_refused_next_to_the_form(web) -> None:
    response = web(SLUG, "town_admin").post("/awards/years/2020/decide/", {"award_beans": ""})
    assert response.status_code == 422
    assert "2020 年还没有已确认的月份。" in html(response)
    negative = web(SLUG, "town_admin").post(f"/awards/years/{YEAR}/decide/", {"award_beans": "-1"})
    assert field_errors(negative, "award_beans")
    assert web(SLUG, "village_leader").post(f"/awards/years/{YEAR}/decide/").status_code == 403


def test_the_year_reports_download(web) -> None:
    admin = web(SLUG, "town_admin")
    party = admin.get(f"/awards/years/{YEAR}/party-members.xlsx")
    rows = list(load_workbook(io.BytesIO(party.content)).active.iter_rows(values_only=True))
    assert rows[0][:6] == ("村", "网格", "户号", "党员", "备注", "全年")
    assert len(rows) > 1
    assessment = admin.get(f"/awards/years/{YEAR}/assessment.xlsx")
    header = next(load_workbook(io.BytesIO(assessment.content)).active.iter_rows(values_only=True))
    assert "山药豆" in header
    leader = web(SLUG, "village_leader")
    assert leader.get(f"/awards/years/{YEAR}/party-members.xlsx").status_code == 200
    assert leader.get(f"/awards/years/{YEAR}/assessment.xlsx").status_code == 403


def test_the_award_list_in_constant_queries(web) -> None:
    client = web(SLUG, "town_admin")
    client.post(f"/awards/years/{YEAR}/decide/", {"award_beans": "0"})
    assert count_queries(client, f"/awards/years/{YEAR}/?page_size=1") == count_queries(
        client, f"/awards/years/{YEAR}/?page_size=100"
    )
