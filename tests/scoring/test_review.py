"""Audit: the village grid leader reviews; a stale review is 409; nobody audits their own household."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from governance.actors import Actor
from governance.models import Household
from scoring import services
from scoring.models import Indicator, PointRecord, Review
from tenants.accounts.models import User
from tenants.models import Township


def pending(slug: str, household_id: int) -> int:
    with schema_context(slug):
        township = Township.objects.get(schema_name=slug)
        admin = Actor(user=User.objects.get(username="town_admin"), township=township)
        code = "DZ01" if slug == "changshan" else "WM03"
        line = services.RecordLine(
            household=Household.objects.get(pk=household_id),
            indicator=Indicator.objects.get(code=code),
            occurred_on=timezone.localdate(),
        )
        (record,), _ = services.point_records_submit(actor=admin, lines=[line])
        return record.pk


@pytest.mark.django_db
def test_village_leader_approves_and_a_second_review_is_409(api, places) -> None:
    record = pending(places.slug, places.in_scope)
    leader = api(places.slug, "village_leader")
    approved = leader.post(f"/api/v1/records/{record}/approve/", {"reason": "属实"})
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved"
    assert approved.json()["reviewed_by"] == "village_leader"
    stale = api(places.slug, "town_admin").post(
        f"/api/v1/records/{record}/reject/", {"reason": "重复"}
    )
    assert stale.status_code == 409
    assert stale.json()["errors"][0]["code"] == "already_reviewed"
    with schema_context(places.slug):
        assert list(Review.objects.filter(record_id=record).values_list("decision", flat=True)) == [
            "approved"
        ]


@pytest.mark.django_db
def test_rejecting_needs_a_reason(api, places) -> None:
    record = pending(places.slug, places.in_scope)
    response = api(places.slug, "village_leader").post(
        f"/api/v1/records/{record}/reject/", {"reason": ""}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "reason_required"


@pytest.mark.django_db
def test_nobody_audits_their_own_household_but_the_township_admin_does(api, places) -> None:
    with schema_context(places.slug):
        own = User.objects.get(username="village_leader").resident.household_id
    record = pending(places.slug, own)
    refused = api(places.slug, "village_leader").post(f"/api/v1/records/{record}/approve/")
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["code"] == "self_audit"
    assert (
        api(places.slug, "town_admin").post(f"/api/v1/records/{record}/approve/").status_code == 200
    )


@pytest.mark.django_db
def test_bulk_review_is_all_or_none(api, places) -> None:
    records = [pending(places.slug, h) for h in places.group_households[:3]]
    leader = api(places.slug, "village_leader")
    leader.post(f"/api/v1/records/{records[1]}/approve/")
    refused = leader.post(
        "/api/v1/records/review/", {"records": records, "decision": "approve"}, format="json"
    )
    assert refused.status_code == 409
    with schema_context(places.slug):
        assert PointRecord.objects.get(pk=records[0]).status == "pending"  # untouched
    ok = leader.post(
        "/api/v1/records/review/",
        {"records": [records[0], records[2]], "decision": "reject", "reason": "无佐证"},
        format="json",
    )
    assert ok.status_code == 200
    assert {r["status"] for r in ok.json()} == {"rejected"}


@pytest.mark.parametrize("slug", ["changshan"])
def test_two_auditors_racing_one_record_one_wins(slug, django_db_blocker) -> None:
    """Two real connections approve the same record at once: exactly one succeeds."""
    import threading

    from django.db import connection, connections

    from tests.fixtures import committed, demo_places

    with committed(django_db_blocker):
        places = demo_places(slug)
        record_id = pending(places.slug, places.in_scope)
        township = Township.objects.get(schema_name=places.slug)
        outcomes: list[str] = []
        barrier = threading.Barrier(2)

        def review(username: str) -> None:
            try:
                with schema_context(places.slug):
                    actor = Actor(user=User.objects.get(username=username), township=township)
                    record = PointRecord.objects.get(pk=record_id)
                    barrier.wait()
                    services.point_records_review(actor=actor, records=[record], approve=True)
                    outcomes.append("approved")
            except services.Conflict:
                outcomes.append("409")
            except Exception as exc:
                outcomes.append(repr(exc))
            finally:
                connections.close_all()

        threads = [
            threading.Thread(target=review, args=(u,)) for u in ("village_leader", "town_admin")
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        try:
            assert sorted(outcomes) == ["409", "approved"]
            with schema_context(places.slug):
                assert Review.objects.filter(record_id=record_id).count() == 1
        finally:
            with schema_context(places.slug):
                Review.objects.filter(record_id=record_id).delete()
                PointRecord.objects.filter(pk=record_id).delete()
            connection.set_schema_to_public()
