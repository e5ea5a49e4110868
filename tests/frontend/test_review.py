"""待审核: the village grid leader's queue, single and bulk review, scope and refusals."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from governance.actors import Actor
from governance.models import Household
from scoring import services
from scoring.models import Indicator, PointRecord
from tenants.accounts.models import User
from tenants.models import Township
from tests.frontend.conftest import count_queries, html

pytestmark = pytest.mark.django_db


def pending_record(
    household_id: int, note: str, code: str = "DZ01", submitter: str = "info_admin"
) -> PointRecord:
    """A pending record (made in the test's transaction)."""
    with schema_context("changshan"):
        township = Township.objects.select_related("settings").get(schema_name="changshan")
        actor = Actor(user=User.objects.get(username=submitter), township=township)
        (record,), _ = services.point_records_submit(
            actor=actor,
            lines=[
                services.RecordLine(
                    household=Household.objects.select_related("unit").get(pk=household_id),
                    indicator=Indicator.objects.select_related("category").get(code=code),
                    occurred_on=timezone.localdate(),
                    note=note,
                )
            ],
        )
        return record


def status(record: PointRecord) -> str:
    with schema_context("changshan"):
        record.refresh_from_db()
        return record.status


def household_in_group(places) -> int:  # type: ignore[no-untyped-def]
    """A household of the group that is not the village leader's own."""
    with schema_context("changshan"):
        own = User.objects.get(username="village_leader").resident.household_id
    return next(h for h in places.group_households if h != own)


def test_the_queue_lists_pending_records_of_the_village_only(web, changshan_places) -> None:
    with schema_context("changshan"):
        pending = set(
            PointRecord.objects.filter(status="pending").values_list("id", "household_id")
        )
    page = html(web("changshan", "village_leader").get("/review/?page_size=200"))
    shown = {int(i) for i in re.findall(r'<tr id="review-(\d+)"', page)}
    village = set(changshan_places.village_households)
    with schema_context("changshan"):
        own = User.objects.get(username="village_leader").resident.household_id
    expected = {pk for pk, household in pending if household in village and household != own}
    assert shown == expected


@pytest.mark.parametrize("username", ["microgrid_leader", "group_leader", "resident"])
def test_who_does_not_audit_gets_403_for_the_queue(web, username) -> None:
    assert web("changshan", username).get("/review/").status_code == 403


def test_approving_one_record(web, changshan_places) -> None:
    record = pending_record(household_in_group(changshan_places), "单条通过")
    response = web("changshan", "village_leader").post(f"/records/{record.pk}/approve/")
    assert response.status_code == 302
    assert status(record) == "approved"


def test_approving_with_htmx_returns_the_updated_row(web, changshan_places) -> None:
    record = pending_record(household_in_group(changshan_places), "局部通过")
    response = web("changshan", "village_leader").post(
        f"/records/{record.pk}/approve/", HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert f'<tr id="review-{record.pk}" data-status="approved">' in html(response)


def test_rejecting_needs_a_reason_shown_next_to_it(web, changshan_places) -> None:
    record = pending_record(household_in_group(changshan_places), "驳回无理由")
    client = web("changshan", "village_leader")
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        response = client.post(f"/records/{record.pk}/reject/", {"reason": ""}, **headers)
        assert response.status_code == 422
        assert '<p class="error field-error">驳回须填写理由。</p>' in html(response)
    assert status(record) == "pending"
    done = client.post(f"/records/{record.pk}/reject/", {"reason": "照片与事项不符"})
    assert done.status_code == 302
    assert status(record) == "rejected"


def test_a_viewer_may_see_but_not_audit_and_another_village_cannot_see(
    web, changshan_places
) -> None:
    record = pending_record(household_in_group(changshan_places), "越权审核")
    assert (
        web("changshan", "microgrid_leader").post(f"/records/{record.pk}/approve/").status_code
        == 403
    )
    assert (
        web("changshan", "group_leader_other").post(f"/records/{record.pk}/approve/").status_code
        == 404
    )
    assert status(record) == "pending"


def test_a_record_already_reviewed_is_refused_with_a_message(web, changshan_places) -> None:
    record = pending_record(household_in_group(changshan_places), "重复审核")
    client = web("changshan", "village_leader")
    client.post(f"/records/{record.pk}/approve/")
    again = client.post(f"/records/{record.pk}/approve/", HTTP_HX_REQUEST="true")
    assert again.status_code == 422
    assert "已被审核或撤回" in html(again)


def test_bulk_approval_of_the_selected_records(web, changshan_places) -> None:
    household = household_in_group(changshan_places)
    first = pending_record(household, "批量一")
    second = pending_record(household, "批量二", code="FZ01")
    response = web("changshan", "village_leader").post(
        "/review/bulk/", {"selected": [first.pk, second.pk], "decision": "approve"}
    )
    assert response.status_code == 302
    assert (status(first), status(second)) == ("approved", "approved")


def test_bulk_rejection_without_a_reason_changes_nothing(web, changshan_places) -> None:
    household = household_in_group(changshan_places)
    first = pending_record(household, "批量驳回一")
    second = pending_record(household, "批量驳回二", code="FZ01")
    client = web("changshan", "village_leader")
    response = client.post(
        "/review/bulk/", {"selected": [first.pk, second.pk], "decision": "reject", "reason": ""}
    )
    assert response.status_code == 422
    assert "驳回须填写理由" in html(response)
    assert (status(first), status(second)) == ("pending", "pending")
    nothing = client.post("/review/bulk/", {"decision": "approve"})
    assert nothing.status_code == 422
    assert "请先勾选要审核的记录" in html(nothing)


def test_bulk_review_cannot_reach_outside_the_village(web, changshan_places) -> None:
    outside = pending_record(changshan_places.out_of_scope, "外村", submitter="group_leader_other")
    response = web("changshan", "village_leader").post(
        "/review/bulk/", {"selected": [outside.pk], "decision": "approve"}
    )
    assert response.status_code == 422
    assert status(outside) == "pending"


def test_the_queue_lists_in_constant_queries(web) -> None:
    client = web("changshan", "village_leader")
    assert count_queries(client, "/review/?page_size=1") == count_queries(
        client, "/review/?page_size=50"
    )


def test_the_queue_is_searched_by_household_number(web, changshan_places) -> None:
    household = household_in_group(changshan_places)
    record = pending_record(household, "按户查找")
    with schema_context("changshan"):
        number = Household.objects.get(pk=household).number
    page = html(web("changshan", "village_leader").get(f"/review/?q={number}"))
    assert f'id="review-{record.pk}"' in page
    assert all(number in row for row in re.findall(r'<td class="hh">(.*?)</td>', page, flags=re.S))
