"""录入积分 and 我提交的记录: scoped choices, the service's refusals next to the fields, withdrawal."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from scoring.models import Indicator, PointRecord
from tests.frontend.conftest import count_queries, field_errors, html
from tests.scoring.conftest import photo

pytestmark = pytest.mark.django_db


def indicator(slug: str, code: str) -> Indicator:
    with schema_context(slug):
        return Indicator.objects.get(code=code)


def body(household: int, code: str, **extra) -> dict:  # type: ignore[no-untyped-def]
    return {
        "household": household,
        "indicator": indicator("changshan", code).pk,
        "occurred_on": timezone.localdate().isoformat(),
        "quantity": 1,
        "note": "",
        "submission_key": extra.pop("key", "k-" + code),
        **extra,
    }


def records(**filters) -> list[PointRecord]:  # type: ignore[no-untyped-def]
    with schema_context("changshan"):
        return list(PointRecord.objects.filter(**filters).order_by("id"))


def test_the_household_choices_are_exactly_the_group(web, changshan_places) -> None:
    page = html(web("changshan", "group_leader").get("/records/new/"))
    select = re.search(r'<select name="household".*?</select>', page, flags=re.S).group(0)
    offered = {int(v) for v in re.findall(r'<option value="(\d+)"', select)}
    assert offered == set(changshan_places.group_households)


def test_a_group_leader_submits_and_finds_the_record_pending(web, changshan_places) -> None:
    client = web("changshan", "group_leader")
    response = client.post(
        "/records/new/", body(changshan_places.in_scope, "DZ01", note="网页提交")
    )
    assert response.status_code == 302
    (record,) = records(note="网页提交")
    assert record.status == "pending"
    assert record.household_id == changshan_places.in_scope
    mine = html(client.get("/records/mine/"))
    assert f'id="record-{record.pk}" data-status="pending"' in mine
    assert "已提交" in mine  # the success message


def test_a_retried_submission_makes_one_record(web, changshan_places) -> None:
    client = web("changshan", "group_leader")
    data = body(changshan_places.in_scope, "DZ01", note="重复点击", key="same-key")
    assert client.post("/records/new/", data).status_code == 302
    assert client.post("/records/new/", data).status_code == 302
    assert len(records(note="重复点击")) == 1


def test_a_household_outside_the_group_is_refused_next_to_the_field(web, changshan_places) -> None:
    client = web("changshan", "group_leader")
    response = client.post(
        "/records/new/", body(changshan_places.out_of_scope, "DZ01", note="越权")
    )
    assert response.status_code == 422
    assert field_errors(response, "household")
    assert records(note="越权") == []


def test_the_monthly_cap_is_shown_in_chinese_next_to_the_quantity(web, changshan_places) -> None:
    client = web("changshan", "group_leader")
    response = client.post(
        "/records/new/", body(changshan_places.in_scope, "DZ02", quantity=2, note="超上限")
    )
    assert response.status_code == 422
    (error,) = field_errors(response, "quantity")
    assert "每户每月最多 1" in error
    assert records(note="超上限") == []


def test_evidence_is_required_where_the_catalog_says_so(web, changshan_places) -> None:
    client = web("changshan", "group_leader")
    refused = client.post("/records/new/", body(changshan_places.in_scope, "DZ03", note="无照片"))
    assert refused.status_code == 422
    assert "须上传佐证照片" in field_errors(refused, "evidence")[0]
    accepted = client.post(
        "/records/new/",
        body(changshan_places.in_scope, "DZ03", note="有照片", evidence=photo()),
    )
    assert accepted.status_code == 302
    (record,) = records(note="有照片")
    assert record.evidence.name.startswith("evidence/")


def test_a_month_that_is_no_longer_open_is_refused_next_to_the_date(
    web, changshan_places, demo_calendar
) -> None:
    in_publicity = demo_calendar.publicity.replace(day=20).isoformat()
    response = web("changshan", "group_leader").post(
        "/records/new/", body(changshan_places.in_scope, "DZ01", occurred_on=in_publicity)
    )
    assert response.status_code == 422
    assert "公示中" in field_errors(response, "occurred_on")[0]


@pytest.mark.parametrize("username", ["resident", "microgrid_leader", "village_leader"])
def test_who_may_not_submit_gets_403(web, username) -> None:
    response = web("changshan", username).get("/records/new/")
    assert response.status_code == 403
    assert "没有提交积分的权限" in html(response)


def _pending_by(client, changshan_places, note: str) -> PointRecord:  # type: ignore[no-untyped-def]
    client.post("/records/new/", body(changshan_places.in_scope, "DZ01", note=note, key=note))
    (record,) = records(note=note)
    return record


def test_the_submitter_withdraws_a_pending_record(web, changshan_places) -> None:
    client = web("changshan", "group_leader")
    record = _pending_by(client, changshan_places, "待撤回")
    response = client.post(f"/records/{record.pk}/withdraw/")
    assert response.status_code == 302
    assert records(note="待撤回")[0].status == "withdrawn"
    again = client.post(f"/records/{record.pk}/withdraw/", follow=True)
    assert "不能撤回" in html(again)


def test_withdrawing_with_htmx_swaps_the_row(web, changshan_places) -> None:
    client = web("changshan", "group_leader")
    record = _pending_by(client, changshan_places, "局部刷新")
    response = client.post(f"/records/{record.pk}/withdraw/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    fragment = html(response)
    assert fragment.lstrip().startswith(f'<tr id="record-{record.pk}" data-status="withdrawn"')
    assert "<html" not in fragment


def test_someone_elses_record_is_403_and_another_villages_404(web, changshan_places) -> None:
    record = _pending_by(web("changshan", "group_leader"), changshan_places, "别人的")
    assert web("changshan", "info_admin").post(f"/records/{record.pk}/withdraw/").status_code == 403
    outside = web("changshan", "group_leader_other").post(f"/records/{record.pk}/withdraw/")
    assert outside.status_code == 404
    assert "没有找到" in html(outside)
    assert records(note="别人的")[0].status == "pending"


def test_my_records_lists_in_constant_queries(web) -> None:
    client = web("changshan", "info_admin")
    one = count_queries(client, "/records/mine/?page_size=1")
    many = count_queries(client, "/records/mine/?page_size=50")
    assert one == many
