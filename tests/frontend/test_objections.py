"""异议: a resident raises one during publicity; the village grid leader upholds or dismisses it."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from scoring.models import MonthSnapshot, Objection, PointRecord
from tests.frontend.conftest import count_queries, field_errors, html

pytestmark = pytest.mark.django_db


def demo_objection() -> Objection:
    with schema_context("changshan"):
        return Objection.objects.select_related("record").get(status="open")


def test_a_resident_raises_an_objection_on_their_household(
    web, changshan_places, demo_calendar
) -> None:
    client = web("changshan", "resident")
    month = demo_calendar.publicity_label
    url = f"/months/{month}/households/{changshan_places.resident_household}/objections/"
    empty = client.post(url, {"reason": ""})
    assert empty.status_code == 422
    assert field_errors(empty, "reason") == ["该字段是必填项。"]
    done = client.post(url, {"reason": "本月义务劳动未记录"})
    assert done.status_code == 302
    with schema_context("changshan"):
        assert Objection.objects.filter(reason="本月义务劳动未记录", status="open").exists()


def test_a_resident_cannot_object_for_another_household(
    web, changshan_places, demo_calendar
) -> None:
    month = demo_calendar.publicity_label
    response = web("changshan", "resident").post(
        f"/months/{month}/households/{changshan_places.in_scope}/objections/", {"reason": "x"}
    )
    assert response.status_code == 404


def test_outside_publicity_the_objection_is_refused_with_the_reason(
    web, changshan_places, demo_calendar
) -> None:
    month = demo_calendar.last_final_label  # final: its publicity is over
    response = web("changshan", "resident").post(
        f"/months/{month}/households/{changshan_places.resident_household}/objections/",
        {"reason": "太晚了"},
    )
    assert response.status_code == 422
    assert "不在公示期内" in html(response)


def test_the_village_leader_sees_the_objection_to_decide(web) -> None:
    objection = demo_objection()
    page = html(web("changshan", "village_leader").get("/objections/"))
    assert f'action="/objections/{objection.pk}/decide/"' in page
    resident_page = html(web("changshan", "resident").get("/objections/"))
    assert objection.reason in resident_page
    assert "/decide/" not in resident_page


def test_dismissing_needs_a_reply_next_to_the_field(web) -> None:
    objection = demo_objection()
    client = web("changshan", "village_leader")
    refused = client.post(
        f"/objections/{objection.pk}/decide/", {"decision": "dismiss", "reply": ""}
    )
    assert refused.status_code == 422
    assert field_errors(refused, "reply") == ["请填写答复。"]
    done = client.post(
        f"/objections/{objection.pk}/decide/", {"decision": "dismiss", "reply": "经核实记录无误"}
    )
    assert done.status_code == 302
    with schema_context("changshan"):
        objection.refresh_from_db()
    assert objection.status == "dismissed"
    assert objection.reply == "经核实记录无误"


def test_upholding_reverses_the_record_and_republishes(web) -> None:
    objection = demo_objection()
    response = web("changshan", "village_leader").post(
        f"/objections/{objection.pk}/decide/",
        {"decision": "uphold", "reply": "核实后冲销", "correction_points": ""},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "已采纳" in html(response)
    with schema_context("changshan"):
        correction = PointRecord.objects.get(objection=objection)
        assert correction.points == -objection.record.points
        assert MonthSnapshot.objects.filter(month=objection.month_id).count() == 2


def test_a_viewer_cannot_decide_and_another_village_cannot_see(web) -> None:
    objection = demo_objection()
    data = {"decision": "dismiss", "reply": "x"}
    assert (
        web("changshan", "microgrid_leader")
        .post(f"/objections/{objection.pk}/decide/", data)
        .status_code
        == 403
    )
    assert (
        web("changshan", "group_leader_other")
        .post(f"/objections/{objection.pk}/decide/", data)
        .status_code
        == 404
    )


def test_the_objections_page_in_constant_queries(web) -> None:
    client = web("changshan", "town_admin")
    assert count_queries(client, "/objections/?page_size=1") == count_queries(
        client, "/objections/?page_size=50"
    )
