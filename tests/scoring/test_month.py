"""The month's state machine: close, confirm, publish, objections, final."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from governance.models import GridUnit
from scoring import services
from scoring.models import HouseholdMonthResult, Month, MonthSnapshot, Objection, PointRecord
from scoring.results import month_results_content
from tenants.errors import Conflict, PermissionDenied
from tests.scoring.conftest import AFTER_PAST

pytestmark = pytest.mark.django_db


def closed(g):  # type: ignore[no-untyped-def]
    own, other = g.households[:2]
    g.approve(own, "DZ02")  # +5
    g.approve(other, "DZ01", quantity=2)  # +6
    return services.month_close(actor=g.admin, month=g.month, at=AFTER_PAST)


def confirm_all(g, month):  # type: ignore[no-untyped-def]
    for village in GridUnit.objects.filter(level__is_village=True, is_active=True):
        services.month_confirm(
            actor=g.admin,
            month=month,
            village=village,
            meeting_type="party_day",
            meeting_date=date(2025, 4, 3),
            attendees="村两委、网格员、联户小组长",
            at=AFTER_PAST,
        )
    return Month.objects.get(pk=month.pk)


def test_closing_refuses_a_month_not_over_or_with_pending_records(small_changshan) -> None:
    g = small_changshan(2)
    with pytest.raises(Conflict) as excinfo:
        services.month_close(
            actor=g.admin,
            month=g.month,
            at=timezone.make_aware(timezone.datetime(2025, 3, 31, 23, 0)),
        )
    assert excinfo.value.code == "month_not_ended"
    line = services.RecordLine(
        household=g.households[0], indicator=g.indicator("DZ01"), occurred_on=g.month.period
    )
    services.point_records_submit(actor=g.admin, lines=[line])
    with pytest.raises(Conflict) as excinfo:
        services.month_close(actor=g.admin, month=g.month, at=AFTER_PAST)
    assert excinfo.value.code == "pending_records"
    assert Month.objects.get(pk=g.month.pk).state == "open"


def test_re_closing_a_closed_month_changes_nothing(small_changshan) -> None:
    g = small_changshan(2)
    month = closed(g)
    before = month_results_content(month=month)
    ids = sorted(HouseholdMonthResult.objects.filter(month=month).values_list("pk", flat=True))
    again = services.month_close(actor=g.admin, month=month, at=AFTER_PAST + timedelta(days=3))
    assert again.closed_at == month.closed_at
    assert month_results_content(month=again) == before
    assert (
        sorted(HouseholdMonthResult.objects.filter(month=month).values_list("pk", flat=True)) == ids
    )


def test_only_the_township_admin_closes(small_changshan) -> None:
    g = small_changshan(2)
    with pytest.raises(PermissionDenied):
        services.month_close(actor=g.actor("village_leader"), month=g.month, at=AFTER_PAST)


def test_publishing_needs_every_village_or_the_admins_recorded_override(small_changshan) -> None:
    g = small_changshan(2)
    month = closed(g)
    with pytest.raises(Conflict) as excinfo:
        services.month_publish(actor=g.admin, month=month, at=AFTER_PAST)
    assert excinfo.value.code == "villages_unconfirmed"
    month = confirm_all(g, month)
    assert month.state == "publicity"  # the last confirmation published it
    snapshot = MonthSnapshot.objects.get(month=month)
    assert snapshot.version == 1
    assert len(snapshot.content_hash) == 64
    assert timezone.localtime(month.publicity_ends_at).date() == date(
        2025, 4, 9
    )  # published 4-02, +7 days


def test_override_publish_is_recorded(small_changshan) -> None:
    g = small_changshan(2)
    month = closed(g)
    month = services.month_publish(
        actor=g.admin, month=month, override_reason="防汛期间会议顺延", at=AFTER_PAST
    )
    assert month.state == "publicity"
    assert month.publish_override_reason == "防汛期间会议顺延"


def test_illegal_transitions_are_refused(small_changshan) -> None:
    g = small_changshan(2)
    with pytest.raises(Conflict) as excinfo:
        services.month_publish(actor=g.admin, month=g.month, override_reason="x", at=AFTER_PAST)
    assert excinfo.value.code == "illegal_transition"
    with pytest.raises(Conflict):
        services.month_finalize(actor=g.admin, month=g.month, at=AFTER_PAST)
    month = services.month_publish(
        actor=g.admin, month=closed(g), override_reason="测试", at=AFTER_PAST
    )
    with pytest.raises(Conflict) as excinfo:
        services.month_close(actor=g.admin, month=month, at=AFTER_PAST)
    assert excinfo.value.code == "illegal_transition"


def test_an_open_objection_blocks_final_and_an_upheld_one_changes_result_and_hash(
    small_changshan,
) -> None:
    g = small_changshan(3)
    own, other, _ = g.households
    month = services.month_publish(
        actor=g.admin, month=closed(g), override_reason="测试", at=AFTER_PAST
    )
    first_hash = MonthSnapshot.objects.get(month=month).content_hash
    contested = PointRecord.objects.get(month=month, household=other)
    objection = services.objection_raise(
        actor=g.leader,
        household=other,
        month=month,
        record=contested,
        reason="当天下雨，志愿活动取消了",
        at=AFTER_PAST,
    )
    after_deadline = month.publicity_ends_at + timedelta(minutes=1)
    with pytest.raises(Conflict) as excinfo:
        services.month_finalize(actor=g.admin, month=month, at=after_deadline)
    assert excinfo.value.code == "open_objections"

    services.objection_decide(
        actor=g.admin,
        objection=objection,
        uphold=True,
        reply="经核实，活动未举行，撤销该记录积分。",
        at=AFTER_PAST,
    )
    assert HouseholdMonthResult.objects.get(month=month, household=other).points == 0  # 6 − 6
    correction = PointRecord.objects.get(objection=objection)
    assert (correction.kind, correction.points, correction.status) == ("correction", -6, "approved")
    snapshots = list(MonthSnapshot.objects.filter(month=month).order_by("version"))
    assert [s.version for s in snapshots] == [1, 2]
    assert snapshots[0].superseded_at is not None
    assert snapshots[1].content_hash != first_hash

    month = services.month_finalize(actor=None, month=month, at=after_deadline)
    assert month.state == "final"
    with pytest.raises(Conflict):
        services.objection_raise(
            actor=g.leader, household=own, month=month, reason="晚了", at=after_deadline
        )


def test_finalizing_before_the_publicity_deadline_is_refused(small_changshan) -> None:
    g = small_changshan(2)
    month = services.month_publish(
        actor=g.admin, month=closed(g), override_reason="测试", at=AFTER_PAST
    )
    with pytest.raises(Conflict) as excinfo:
        services.month_finalize(actor=g.admin, month=month, at=AFTER_PAST + timedelta(days=1))
    assert excinfo.value.code == "publicity_not_over"


def test_a_dismissed_objection_keeps_the_result(small_changshan) -> None:
    g = small_changshan(2)
    month = services.month_publish(
        actor=g.admin, month=closed(g), override_reason="测试", at=AFTER_PAST
    )
    objection = services.objection_raise(
        actor=g.leader, household=g.households[1], month=month, reason="分太少", at=AFTER_PAST
    )
    services.objection_decide(
        actor=g.admin, objection=objection, uphold=False, reply="按目录计分，无误。", at=AFTER_PAST
    )
    assert Objection.objects.get(pk=objection.pk).status == "dismissed"
    assert MonthSnapshot.objects.filter(month=month).count() == 1


def test_the_beat_opens_closes_and_finalizes_on_schedule(small_changshan) -> None:
    g = small_changshan(2)
    g.approve(g.households[0], "DZ02")
    Month.objects.filter(state="open").exclude(pk=g.month.pk).update(
        state="final"
    )  # keep the demo out of it
    done = services.months_advance(at=AFTER_PAST)
    assert "2025-03" in done["closed"]
    month = services.month_publish(
        actor=g.admin, month=Month.objects.get(pk=g.month.pk), override_reason="测试", at=AFTER_PAST
    )
    done = services.months_advance(at=month.publicity_ends_at + timedelta(hours=1))
    assert "2025-03" in done["finalized"]


def test_month_api_walk_through(api, small_changshan) -> None:
    g = small_changshan(2)
    closed(g)
    client = api("changshan", "town_admin")
    detail = client.get("/api/v1/months/2025-03/").json()
    assert detail["state"] == "closed"
    assert len(detail["unconfirmed_villages"]) >= 1
    results = client.get("/api/v1/months/2025-03/results/?kind=units&level=1&page_size=100").json()
    assert results["count"] >= 1
    drill = client.get(f"/api/v1/months/2025-03/results/households/{g.households[1].pk}/").json()
    assert drill["points"] == 6
    assert drill["records_sum"] == 6
    assert [r["indicator_code"] for r in drill["records"]] == ["DZ01"]
    unit = client.get(f"/api/v1/months/2025-03/results/units/{g.lowest.pk}/").json()
    assert unit["unit"]["points"] == sum(row["points"] for row in unit["results"]) == 11
    leaders = client.get(
        f"/api/v1/months/2025-03/results/?kind=leaders&under={g.lowest.pk}"
    ).json()["results"]
    halves = leaders[0]
    assert halves["own_half"] == "2.50"  # 0.5 × own 5
    assert halves["score"] == "5.25"  # 2.50 + 0.5 × (11 / 2) = 2.50 + 2.75
    assert client.post("/api/v1/months/2025-03/publish/", {}, format="json").status_code == 409
    published = client.post(
        "/api/v1/months/2025-03/publish/", {"override_reason": "演示"}, format="json"
    )
    assert published.json()["state"] == "publicity"
    assert published.json()["snapshot"]["version"] == 1
    assert client.get("/api/v1/months/1999-01/").status_code == 404
