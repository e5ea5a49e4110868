"""A household's beans on the pages: the resident's balance, deficit and ledger (流水), the
household card, each only for who may see the household."""

from __future__ import annotations

import re

import pytest
from django_tenants.utils import schema_context

from rewards.models import BeanAccount, LedgerEntry
from tests.frontend.conftest import count_queries, give_beans, html

pytestmark = pytest.mark.django_db


def account(slug: str, household_id: int) -> BeanAccount:
    with schema_context(slug):
        return BeanAccount.objects.get(household_id=household_id)


def test_the_resident_sees_balance_and_ledger_in_their_beans_name(web, places) -> None:
    page = html(web(places.slug, "resident").get("/"))
    balance = account(places.slug, places.resident_household).balance
    bean = {"changshan": "山药豆", "weiqiao": "棉花豆"}[places.slug]
    panel = page[page.index('id="beans-panel"') :]
    assert f"我家的{bean}" in panel
    assert f'data-balance="{balance}"' in panel
    with schema_context(places.slug):
        entries = LedgerEntry.objects.filter(account__household_id=places.resident_household)
        newest = entries.order_by("-created_at", "-id").first()
    assert newest is not None
    assert f'data-entry="{newest.pk}"' in panel
    assert "月度积分" in panel  # a month credit, described by its month
    assert f"/households/{places.resident_household}/card.pdf" in panel
    assert f"/households/{places.resident_household}/card.png" in panel


def test_the_ledger_on_the_home_page_is_paginated(web, changshan_places) -> None:
    household = changshan_places.resident_household
    for index in range(12):
        give_beans("changshan", household, 1, key=f"test:ledger:{index}")
    client = web("changshan", "resident")
    first = html(client.get("/"))
    assert first.count("测试奖励</td>") == 10
    assert "?ledger=2" in first
    second = html(client.get("/?ledger=2"))
    assert second.count("测试奖励</td>") == 2


def test_a_deficit_is_explained_in_one_line(web) -> None:
    with schema_context("weiqiao"):
        owing = BeanAccount.objects.filter(deficit__gt=0).order_by("household_id").first()
    assert owing is not None, "the weiqiao demo has households with a deficit"
    page = html(web("weiqiao", "town_admin").get(f"/households/{owing.household_id}/beans/"))
    line = re.search(r'<p class="deficit"[^>]*>(.*?)</p>', page, flags=re.S)
    assert line is not None
    assert f"另有 <b>{owing.deficit}</b> 棉花豆待抵扣" in line.group(1)
    assert "先行抵扣" in line.group(1)


@pytest.mark.parametrize(
    ("username", "status"),
    [("resident", 404), ("group_leader", 200), ("village_leader", 200), ("merchant", 404)],
)
def test_the_beans_of_another_household_by_role(web, changshan_places, username, status) -> None:
    household = changshan_places.in_scope
    client = web("changshan", username)
    assert client.get(f"/households/{household}/beans/").status_code == status
    assert client.get(f"/households/{household}/card/").status_code == status
    assert client.get(f"/households/{household}/card.png").status_code == status


def test_the_household_card_downloads(web, changshan_places) -> None:
    client = web("changshan", "resident")
    household = changshan_places.resident_household
    page = client.get(f"/households/{household}/card/")
    assert page.status_code == 200
    with schema_context("changshan"):
        from governance.models import Household

        code = Household.objects.get(pk=household).card_code
    assert code in html(page)
    png = client.get(f"/households/{household}/card.png")
    assert png["Content-Type"] == "image/png"
    assert png.content.startswith(b"\x89PNG")
    pdf = client.get(f"/households/{household}/card.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert "attachment" in pdf["Content-Disposition"]


def test_only_who_enters_data_reissues_a_card(web, changshan_places) -> None:
    household = changshan_places.in_scope
    with schema_context("changshan"):
        from governance.models import Household

        old = Household.objects.get(pk=household).card_code
    assert (
        web("changshan", "group_leader").post(f"/households/{household}/card/reissue/").status_code
        == 403
    )
    response = web("changshan", "info_admin").post(f"/households/{household}/card/reissue/")
    assert response.status_code == 302
    with schema_context("changshan"):
        assert Household.objects.get(pk=household).card_code != old


def test_the_ledger_page_in_constant_queries(web, changshan_places) -> None:
    household = changshan_places.resident_household
    for index in range(5):
        give_beans("changshan", household, 1, key=f"test:ledger-q:{index}")
    client = web("changshan", "resident")
    url = f"/households/{household}/beans/"
    assert count_queries(client, f"{url}?page_size=1") == count_queries(
        client, f"{url}?page_size=50"
    )
    assert count_queries(client, "/?ledger_size=1") == count_queries(client, "/?ledger_size=50")
