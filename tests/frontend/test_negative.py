"""负面清单: village grid leaders (their village) and the admin add, rectify and remove;
the eligibility report per village; everyone else gets 403."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django_tenants.utils import schema_context
from openpyxl import load_workbook

from governance.models import Household, RoleAssignment
from rewards.models import NegativeListEntry
from tenants.accounts.models import User
from tests.frontend.conftest import count_queries, field_errors, html

pytestmark = pytest.mark.django_db

SLUG = "changshan"


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("town_admin", 200),
        ("village_leader", 200),
        ("microgrid_leader", 403),
        ("group_leader", 403),
        ("info_admin", 403),
        ("resident", 403),
        ("merchant", 403),
    ],
)
def test_the_negative_list_by_role(web, username, status) -> None:
    client = web(SLUG, username)
    assert client.get("/negative/").status_code == status
    assert client.get("/negative/eligibility/").status_code == status


def _add(client, number: str, **extra: str):
    return client.post(
        "/negative/",
        {
            "number": number,
            "kind": "no_awards",
            "reason": "焚烧秸秆，经村民代表会议决定",
            "starts_on": "2026-12-01",
            **extra,
        },
    )


def test_a_village_leader_lists_a_household_of_their_village_only(web, changshan_places) -> None:
    client = web(SLUG, "village_leader")
    with schema_context(SLUG):
        mine = Household.objects.get(pk=changshan_places.in_scope)
        other = Household.objects.get(pk=changshan_places.out_of_scope)
    refused = _add(client, other.number)
    assert refused.status_code == 422
    assert field_errors(refused, "number") == ["没有找到该户号的农户，或该户不在您负责的村。"]
    added = _add(client, mine.number)
    assert added.status_code == 302
    with schema_context(SLUG):
        entry = NegativeListEntry.objects.get(household=mine)
        assert entry.created_by.username == "village_leader"
    page = html(client.get("/negative/"))
    assert f'id="negative-{entry.pk}"' in page
    assert "焚烧秸秆" in page


def test_errors_of_the_service_come_back_next_to_the_fields(web, changshan_places) -> None:
    with schema_context(SLUG):
        mine = Household.objects.get(pk=changshan_places.in_scope)
    response = _add(web(SLUG, "village_leader"), mine.number, ends_on="2026-11-01")
    assert response.status_code == 422
    assert field_errors(response, "ends_on") == ["结束日期不能早于开始日期。"]


def test_removal_needs_a_rectification_first(web, changshan_places) -> None:
    client = web(SLUG, "village_leader")
    with schema_context(SLUG):
        mine = Household.objects.get(pk=changshan_places.in_scope)
    _add(client, mine.number)
    with schema_context(SLUG):
        entry = NegativeListEntry.objects.get(household=mine)
    early = client.post(f"/negative/{entry.pk}/remove/")
    assert early.status_code == 422
    assert "请先登记整改情况，再移出负面清单。" in html(early)
    empty = client.post(f"/negative/{entry.pk}/rectify/", {"rectification": ""})
    assert empty.status_code == 422
    assert "请填写整改情况。" in html(empty)
    assert (
        client.post(
            f"/negative/{entry.pk}/rectify/", {"rectification": "已清理现场并作出书面检讨"}
        ).status_code
        == 302
    )
    assert client.post(f"/negative/{entry.pk}/remove/").status_code == 302
    with schema_context(SLUG):
        entry.refresh_from_db()
        assert entry.removed_at is not None
        assert entry.rectification == "已清理现场并作出书面检讨"
    current = html(client.get("/negative/"))
    assert f'id="negative-{entry.pk}"' not in current
    removed = html(client.get("/negative/?state=removed"))
    assert f'id="negative-{entry.pk}"' in removed


def test_an_entry_of_another_village_is_404(web) -> None:
    with schema_context(SLUG):
        village = RoleAssignment.objects.get(user__username="village_leader", kind="leader").unit
        elsewhere = NegativeListEntry.objects.create(
            household=Household.objects.exclude(unit__path__startswith=village.path).first(),
            kind="public_criticism",
            reason="别村",
            starts_on="2026-12-01",
            created_by=User.objects.get(username="town_admin"),
        )
    client = web(SLUG, "village_leader")
    assert client.post(f"/negative/{elsewhere.pk}/remove/").status_code == 404
    assert f'id="negative-{elsewhere.pk}"' not in html(client.get("/negative/?state=all"))


def test_the_eligibility_report_per_village_and_its_workbook(web, demo_calendar) -> None:
    client = web(SLUG, "town_admin")
    with schema_context(SLUG):
        entry = NegativeListEntry.objects.select_related("household").get(kind="no_awards")
        village = RoleAssignment.objects.get(user__username="village_leader", kind="leader").unit
    today = demo_calendar.today.isoformat()
    page = html(client.get("/negative/eligibility/", {"village": village.pk, "on": today}))
    assert f'data-household="{entry.household_id}"' in page
    assert "取消评先选优资格" in page
    assert "不可以" in page
    download = client.get(
        "/negative/eligibility/", {"village": village.pk, "on": today, "export": "xlsx"}
    )
    rows = list(load_workbook(io.BytesIO(download.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "户号"
    assert rows[1][0] == entry.household.number
    the_day_before = (entry.starts_on - timedelta(days=1)).isoformat()
    before = html(client.get("/negative/eligibility/", {"on": the_day_before}))
    assert f'data-household="{entry.household_id}"' not in before  # not yet in force


def test_the_negative_list_in_constant_queries(web, changshan_places) -> None:
    client = web(SLUG, "town_admin")
    with schema_context(SLUG):
        numbers = list(
            Household.objects.filter(pk__in=changshan_places.village_households[:3]).values_list(
                "number", flat=True
            )
        )
    for number in numbers:
        _add(client, number)
    assert count_queries(client, "/negative/?page_size=1") == count_queries(
        client, "/negative/?page_size=100"
    )
