"""Submitting records: scope, caps, batches all-or-none, idempotency, evidence, withdrawal."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from scoring.models import Indicator, Month, PointRecord
from tests.scoring.conftest import photo

pytestmark = pytest.mark.django_db


def today() -> str:
    return timezone.localdate().isoformat()


def indicator(slug: str, code: str) -> int:
    with schema_context(slug):
        return Indicator.objects.get(code=code).pk


def count(slug: str, **filters) -> int:  # type: ignore[no-untyped-def]
    with schema_context(slug):
        return PointRecord.objects.filter(**filters).count()


def test_group_leader_submits_for_its_group_only(api, places) -> None:
    code = "DZ01" if places.slug == "changshan" else "WM03"
    client = api(places.slug, "group_leader")
    body = {
        "household": places.in_scope,
        "indicator": indicator(places.slug, code),
        "occurred_on": today(),
        "quantity": 1,
    }
    created = client.post("/api/v1/records/", body)
    assert created.status_code == 201, created.content
    record = created.json()
    assert record["status"] == "pending"
    assert record["points"] == record["points_each"]
    assert record["submitted_by"] == "group_leader"
    outside = client.post("/api/v1/records/", {**body, "household": places.out_of_scope})
    assert outside.status_code == 404


def test_the_monthly_cap_is_enforced_with_a_clear_error(api, changshan_places) -> None:
    client = api("changshan", "group_leader")
    body = {
        "household": changshan_places.in_scope,
        "indicator": indicator("changshan", "ZZ01"),
        "occurred_on": today(),
    }
    already = count(
        "changshan",
        household_id=changshan_places.in_scope,
        indicator__code="ZZ01",
        month__period=timezone.localdate().replace(day=1),
        status__in=["pending", "approved"],
    )
    for _ in range(2 - already):
        assert client.post("/api/v1/records/", body).status_code == 201
    refused = client.post("/api/v1/records/", body)
    assert refused.status_code == 400
    error = refused.json()["errors"][0]
    assert error["code"] == "cap_exceeded"
    assert error["attr"] == "quantity"
    assert "每户每月最多 2次" in error["detail"]


def test_a_batch_is_valid_as_a_whole_or_rejected_with_per_line_errors(
    api, changshan_places
) -> None:
    client = api("changshan", "group_leader")
    volunteer = indicator("changshan", "DZ01")
    good = {
        "household": changshan_places.group_households[0],
        "indicator": volunteer,
        "occurred_on": today(),
        "quantity": 1,
    }
    bad_quantity = {**good, "household": changshan_places.group_households[1], "quantity": 99}
    evidence_missing = {
        **good,
        "household": changshan_places.group_households[2],
        "indicator": indicator("changshan", "DZ03"),
    }
    before = count("changshan")
    refused = client.post(
        "/api/v1/records/batch/", {"lines": [good, bad_quantity, evidence_missing]}, format="json"
    )
    assert refused.status_code == 400
    errors = refused.json()["errors"]
    assert {(e["attr"], e["code"]) for e in errors} == {
        ("lines[1].quantity", "cap_exceeded"),
        ("lines[2].evidence", "evidence_required"),
    }
    assert count("changshan") == before  # nothing from the batch was created
    lines = [{**good, "household": h} for h in changshan_places.group_households[:4]]
    accepted = client.post("/api/v1/records/batch/", {"lines": lines}, format="json")
    assert accepted.status_code == 201
    assert count("changshan") == before + 4


def test_an_idempotency_key_makes_a_retry_create_one_record(api, places) -> None:
    code = "DZ01" if places.slug == "changshan" else "WM03"
    client = api(places.slug, "group_leader")
    body = {
        "household": places.in_scope,
        "indicator": indicator(places.slug, code),
        "occurred_on": today(),
    }
    before = count(places.slug)
    first = client.post("/api/v1/records/", body, HTTP_IDEMPOTENCY_KEY="phone-7f3a-0001")
    retry = client.post("/api/v1/records/", body, HTTP_IDEMPOTENCY_KEY="phone-7f3a-0001")
    assert (first.status_code, retry.status_code) == (201, 200)
    assert first.json()["id"] == retry.json()["id"]
    assert count(places.slug) == before + 1
    reused = client.post(
        "/api/v1/records/", {**body, "quantity": 2}, HTTP_IDEMPOTENCY_KEY="phone-7f3a-0001"
    )
    assert reused.status_code == 409
    assert reused.json()["errors"][0]["code"] == "idempotency_key_reused"


def test_evidence_must_be_a_real_image(api, changshan_places) -> None:
    client = api("changshan", "group_leader")
    body = {
        "household": changshan_places.in_scope,
        "indicator": indicator("changshan", "DZ03"),
        "occurred_on": today(),
    }
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 not an image", content_type="image/jpeg")
    refused = client.post("/api/v1/records/", {**body, "evidence": fake}, format="multipart")
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["attr"] == "evidence"
    accepted = client.post(
        "/api/v1/records/", {**body, "evidence": photo("JPEG", "donation.jpg")}, format="multipart"
    )
    assert accepted.status_code == 201, accepted.content
    assert accepted.json()["evidence"]


def test_withdraw_before_review_only_and_only_by_the_submitter(api, places) -> None:
    code = "DZ01" if places.slug == "changshan" else "WM03"
    leader = api(places.slug, "group_leader")
    body = {
        "household": places.in_scope,
        "indicator": indicator(places.slug, code),
        "occurred_on": today(),
    }
    record = leader.post("/api/v1/records/", body).json()["id"]
    assert (
        api(places.slug, "info_admin").post(f"/api/v1/records/{record}/withdraw/").status_code
        == 403
    )
    assert leader.post(f"/api/v1/records/{record}/withdraw/").json()["status"] == "withdrawn"
    again = leader.post(f"/api/v1/records/{record}/withdraw/")
    assert again.status_code == 409


def test_submitting_into_a_closed_month_is_refused(small_changshan) -> None:
    from scoring import services
    from tests.scoring.conftest import AFTER_PAST

    g = small_changshan(2)
    services.month_close(actor=g.admin, month=g.month, at=AFTER_PAST)
    line = services.RecordLine(
        household=g.households[0], indicator=g.indicator("DZ01"), occurred_on=g.month.period
    )
    with pytest.raises(services.ApplicationError) as excinfo:
        services.point_records_submit(actor=g.admin, lines=[line])
    assert excinfo.value.code == "month_closed"
    assert Month.objects.get(pk=g.month.pk).state == "closed"


def test_a_catalog_edit_does_not_rewrite_past_records(api, places) -> None:
    code = "DZ01" if places.slug == "changshan" else "WM03"
    leader = api(places.slug, "group_leader")
    pk = indicator(places.slug, code)
    record = leader.post(
        "/api/v1/records/", {"household": places.in_scope, "indicator": pk, "occurred_on": today()}
    ).json()
    admin = api(places.slug, "town_admin")
    edited = admin.patch(
        f"/api/v1/indicators/{pk}/", {"points": 9, "name": "志愿服务（新）"}, format="json"
    )
    assert edited.status_code == 200
    assert edited.json()["version"] == 2
    again = leader.get(f"/api/v1/records/{record['id']}/").json()
    assert (again["points"], again["indicator_name"]) == (
        record["points"],
        record["indicator_name"],
    )
    revisions = admin.get(f"/api/v1/indicators/{pk}/revisions/").json()
    assert [r["version"] for r in revisions] == [1, 2]
    assert revisions[0]["snapshot"]["points"] == record["points_each"]
    assert (
        api(places.slug, "village_leader")
        .patch(f"/api/v1/indicators/{pk}/", {"points": 1}, format="json")
        .status_code
        == 403
    )


def test_evidence_is_served_only_within_scope(api, changshan_places) -> None:
    leader = api("changshan", "group_leader")
    body = {
        "household": changshan_places.in_scope,
        "indicator": indicator("changshan", "DZ03"),
        "occurred_on": today(),
        "evidence": photo("JPEG", "donation.jpg"),
    }
    record = leader.post("/api/v1/records/", body, format="multipart").json()
    assert record["evidence"] == f"/api/v1/records/{record['id']}/evidence/"
    photo_response = leader.get(record["evidence"])
    assert photo_response.status_code == 200
    assert b"".join(photo_response.streaming_content)[:2] == b"\xff\xd8"  # a JPEG
    assert api("changshan", "group_leader_other").get(record["evidence"]).status_code == 404
    assert api("changshan").get(record["evidence"]).status_code == 401
    with schema_context("changshan"):
        stored = PointRecord.objects.get(pk=record["id"]).evidence.name
    assert stored.startswith("evidence/changshan/")
    assert "donation" not in stored  # unguessable names


def test_two_simultaneous_retries_with_one_key_create_one_record(django_db_blocker) -> None:
    """A phone that times out and retries at once: two connections, one Idempotency-Key."""
    import threading

    from django.db import connections

    from governance.actors import Actor
    from governance.models import Household
    from scoring import services
    from tenants.accounts.models import User
    from tenants.models import Township
    from tests.fixtures import committed, demo_places

    with committed(django_db_blocker):
        places = demo_places("changshan")
        township = Township.objects.get(schema_name="changshan")
        results: list[object] = []
        barrier = threading.Barrier(2)

        def submit() -> None:
            try:
                with schema_context("changshan"):
                    actor = Actor(user=User.objects.get(username="group_leader"), township=township)
                    line = services.RecordLine(
                        household=Household.objects.get(pk=places.in_scope),
                        indicator=Indicator.objects.get(code="DZ01"),
                        occurred_on=timezone.localdate(),
                    )
                    barrier.wait(timeout=30)
                    records, created = services.point_records_submit(
                        actor=actor, lines=[line], idempotency_key="retry-race-1"
                    )
                    results.append((records[0].pk, created))
            except Exception as exc:
                results.append(repr(exc))
            finally:
                connections.close_all()

        threads = [threading.Thread(target=submit) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        try:
            assert sorted(created for _, created in results) == [False, True], results
            assert results[0][0] == results[1][0]
            assert count("changshan", idempotency_key__startswith="retry-race-1#") == 1
        finally:
            with schema_context("changshan"):
                PointRecord.objects.filter(idempotency_key__startswith="retry-race-1#").delete()
