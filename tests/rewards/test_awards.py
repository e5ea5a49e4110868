"""Quarterly tiers on the demo's rated quarter, annual awards, certificates, reports."""

from __future__ import annotations

import io

import pytest
from django.db.models import Sum
from django_tenants.utils import schema_context
from openpyxl import load_workbook
from pypdf import PdfReader

from governance.models import GridUnit, Household
from rewards import services
from rewards.ledger import ledger_verify
from rewards.models import LedgerEntry, NegativeListEntry, TierRating, TierShare
from tenants.errors import Conflict
from tests.fixtures import session_calendar
from tests.rewards.conftest import actor

pytestmark = pytest.mark.django_db

CALENDAR = session_calendar()
QUARTER = CALENDAR.quarter  # the demo rated it
YEAR = CALENDAR.year


def test_the_demo_quarter_is_rated_at_both_levels_and_shares_add_up() -> None:
    with schema_context("changshan"):
        ratings = list(TierRating.objects.filter(quarter=QUARTER))
        assert {r.level_depth for r in ratings} == {2, 3}  # 微网格 and 联户小组, separately
        gold = [r for r in ratings if r.tier == "gold"]
        assert gold
        assert all(r.title.startswith("金豆") for r in gold)
        for rating in ratings:
            shares = TierShare.objects.filter(rating=rating)
            if rating.award_beans:
                assert shares.aggregate(total=Sum("share"))["total"] == rating.award_beans
                paid = LedgerEntry.objects.filter(
                    source_type="tier", source_id=rating.pk
                ).aggregate(s=Sum("amount"))["s"]
                assert paid == shares.aggregate(total=Sum("paid"))["total"]
            else:
                assert not shares.exists()
        assert ledger_verify() == []


def test_rating_a_quarter_twice_pays_once_and_an_unfinished_quarter_is_refused() -> None:
    with schema_context("changshan"):
        admin = actor("town_admin")
        before = LedgerEntry.objects.filter(kind="tier_award").count()
        again = services.quarter_rate(actor=admin, label=QUARTER)
        assert len(again) == TierRating.objects.filter(quarter=QUARTER).count()
        assert LedgerEntry.objects.filter(kind="tier_award").count() == before
        with pytest.raises(Conflict) as excinfo:
            # the quarter of the month in publicity
            services.quarter_rate(actor=admin, label=CALENDAR.unfinished_quarter)
        assert excinfo.value.code == "quarter_not_final"


def test_a_household_barred_from_awards_gets_no_annual_award() -> None:
    with schema_context("weiqiao"):
        admin = actor("town_admin", "weiqiao")
        beans = services.household_beans_in_year(year=YEAR)
        village = GridUnit.objects.filter(level__is_village=True).order_by("path").first()
        in_village = {
            h.pk: h for h in Household.objects.filter(unit__path__startswith=village.path)
        }
        best = max((b, h) for h, b in beans.items() if h in in_village)[1]
        services.negative_entry_create(
            actor=admin,
            household=in_village[best],
            kind="no_awards",
            reason="秸秆焚烧被处罚",
            starts_on=CALENDAR.finals[0],  # in force on the day of the decision
        )
        awards = services.annual_awards_decide(actor=admin, year=YEAR, award_beans=50)
        awarded = {a.household_id for a in awards}
        assert best not in awarded  # the best household of the village is left out
        village_awards = [a for a in awards if a.village_id == village.pk]
        assert len(village_awards) >= admin.township.settings.annual_award_top_n
        assert all(a.beans > 0 for a in awards)
        assert LedgerEntry.objects.filter(kind="annual_award").count() == len(awards)
        # idempotent
        assert len(services.annual_awards_decide(actor=admin, year=YEAR, award_beans=50)) == len(
            awards
        )
        assert LedgerEntry.objects.filter(kind="annual_award").count() == len(awards)


def test_the_certificate_is_a_chinese_pdf_with_the_name_and_the_bean(api) -> None:
    with schema_context("changshan"):
        awards = services.annual_awards_decide(actor=actor("town_admin"), year=YEAR)
        award = awards[0]
        household = Household.objects.prefetch_related("residents").get(pk=award.household_id)
        head = next(r.name for r in household.residents.all() if r.is_household_head)
    response = api("changshan", "town_admin").get(
        f"/api/v1/awards/{YEAR}/certificates/{award.household_id}/"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pages = PdfReader(io.BytesIO(response.content)).pages
    text = "".join(
        "".join(page.extract_text().split()) for page in pages
    )  # the title is letter-spaced
    assert "荣誉证书" in text
    assert head in text
    assert "山药豆" in text
    assert str(award.beans) in text


def test_party_member_report_and_assessment(api) -> None:
    client = api("changshan", "town_admin")
    response = client.get(f"/api/v1/awards/{YEAR}/party-members/")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == ("村", "网格", "户号", "党员", "备注", "全年")
    assert len(rows) > 10
    assessment = client.get(f"/api/v1/awards/{YEAR}/assessment/").json()
    villages = assessment["villages"]
    assert {v["name"] for v in villages} >= {"东关村", "北关村", "范家村"}
    assert sum(v["households"] for v in villages) == sum(
        u["households"] for u in assessment["units_below_village"]
    )
    assert (
        api("changshan", "group_leader").get(f"/api/v1/awards/{YEAR}/assessment/").status_code
        == 403
    )


def test_the_negative_list_lifecycle_and_eligibility(api) -> None:
    leader = api("changshan", "village_leader")
    with schema_context("changshan"):
        from governance.models import RoleAssignment

        village = RoleAssignment.objects.get(user__username="village_leader").unit
        household = Household.objects.filter(unit__path__startswith=village.path).order_by(
            "number"
        )[4]
        elsewhere = Household.objects.exclude(unit__path__startswith=village.path).first()
    created = leader.post(
        "/api/v1/negative-list/",
        {
            "household": household.pk,
            "kind": "reduced_rewards",
            "reason": "乱堆乱放屡教不改",
            "starts_on": CALENDAR.publicity.isoformat(),
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    entry = created.json()["id"]
    outside = leader.post(
        "/api/v1/negative-list/",
        {
            "household": elsewhere.pk,
            "kind": "no_awards",
            "reason": "x",
            "starts_on": CALENDAR.publicity.isoformat(),
        },
        format="json",
    )
    assert outside.status_code == 404
    report = leader.get(
        f"/api/v1/negative-list/eligibility/?village={village.pk}&on={CALENDAR.current}"
    ).json()
    row = next(r for r in report if r["household"] == household.pk)
    assert row["tier_share"] == "half"
    assert row["annual_awards"] is True
    assert leader.post(f"/api/v1/negative-list/{entry}/remove/").status_code == 409  # rectify first
    leader.post(
        f"/api/v1/negative-list/{entry}/rectify/",
        {"rectification": "已清理院落并签订承诺书"},
        format="json",
    )
    assert leader.post(f"/api/v1/negative-list/{entry}/remove/").json()["removed_at"]
    report = leader.get(
        f"/api/v1/negative-list/eligibility/?village={village.pk}&on={CALENDAR.current}"
    ).json()
    assert household.pk not in {r["household"] for r in report}
    with schema_context("changshan"):
        assert NegativeListEntry.objects.filter(pk=entry).exists()  # removed, never deleted
    assert api("changshan", "group_leader").get("/api/v1/negative-list/").json()["count"] == 0


def test_settlement_counts_completed_redemptions_only(api) -> None:
    from rewards.models import Merchant, Redemption

    with schema_context("changshan"):
        shop = Merchant.objects.get(kind="supermarket")
        month = (
            Redemption.objects.filter(merchant=shop)
            .latest("created_at")
            .created_at.strftime("%Y-%m")
        )
        completed = Redemption.objects.filter(
            merchant=shop, status="completed", created_at__startswith=month[:4]
        )
        expected = sum(r.total_beans for r in completed if r.created_at.strftime("%Y-%m") == month)
    client = api("changshan", "merchant")
    body = client.get(f"/api/v1/merchants/{shop.pk}/settlement/?month={month}").json()
    assert body["total_beans"] == expected
    assert body["total_beans"] == sum(item["beans"] for item in body["items"])
    export = client.get(f"/api/v1/merchants/{shop.pk}/settlement/?month={month}&export=xlsx")
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[-1][0] == "合计"
    assert rows[-1][3] == expected
    assert (
        api("changshan", "group_leader")
        .get(f"/api/v1/merchants/{shop.pk}/settlement/?month={month}")
        .status_code
        == 403
    )


def test_household_card_pdf_and_png(api) -> None:
    with schema_context("changshan"):
        household = Household.objects.order_by("number").first()
    client = api("changshan", "town_admin")
    pdf = client.get(f"/api/v1/households/{household.pk}/card/")
    assert pdf["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert household.number in text
    assert "山药豆" in text
    png = client.get(f"/api/v1/households/{household.pk}/card/?as=png")
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n"
