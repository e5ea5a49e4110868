"""The permission matrix, scoring's rows (see tests/governance/test_permission_matrix.py for
the roles and objects): submitting, auditing and seeing point records and month results.

- submit  POST /api/v1/records/                      201 | 403 | 404
- audit   POST /api/v1/records/{pending id}/approve/ 200 | 403 | 404
- view    GET  /api/v1/records/{id}/                 200 | 404
- object  POST /api/v1/objections/ (open month → 409 for everyone who may see the household)
"""

from __future__ import annotations

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from governance.actors import Actor
from governance.models import Household
from scoring import services
from scoring.models import Indicator
from tenants.accounts.models import User
from tenants.models import Township

pytestmark = pytest.mark.django_db

ROLES = [
    "town_admin",
    "village_leader",
    "info_admin",
    "microgrid_leader",
    "group_leader",
    "group_leader_other",
    "merchant",
    "resident",
]

#                      submit      audit       view records
#                      in   out    in   out    in   out
EXPECTED = {
    "town_admin":         (201, 201, 200, 200, 200, 200),
    "village_leader":     (403, 404, 200, 404, 200, 404),
    "info_admin":         (201, 404, 403, 404, 200, 404),
    "microgrid_leader":   (403, 404, 403, 404, 200, 404),
    "group_leader":       (201, 404, 403, 404, 200, 404),
    "group_leader_other": (404, 201, 404, 403, 404, 200),
    "merchant":           (404, 404, 404, 404, 404, 404),
    "resident":           (404, 404, 404, 404, 404, 404),
}  # fmt: skip


def _pending(slug: str, household_id: int) -> int:
    township = Township.objects.get(schema_name=slug)
    with schema_context(slug):
        admin = Actor(user=User.objects.get(username="town_admin"), township=township)
        code = "DZ01" if slug == "changshan" else "WM03"
        line = services.RecordLine(
            household=Household.objects.get(pk=household_id),
            indicator=Indicator.objects.get(code=code),
            occurred_on=timezone.localdate(),
        )
        (record,), _ = services.point_records_submit(actor=admin, lines=[line])
        return record.pk


@pytest.mark.parametrize("role", ROLES)
def test_scoring_permission_matrix(api, places, role) -> None:
    with schema_context(places.slug):
        volunteer = Indicator.objects.get(code="DZ01" if places.slug == "changshan" else "WM03").pk
    client = api(places.slug, role)
    got = []
    targets = (places.in_scope, places.out_of_scope)
    for household in targets:
        body = {
            "household": household,
            "indicator": volunteer,
            "occurred_on": timezone.localdate().isoformat(),
        }
        got.append(client.post("/api/v1/records/", body).status_code)
    records = [_pending(places.slug, household) for household in targets]
    got += [client.post(f"/api/v1/records/{r}/approve/").status_code for r in records]
    got += [client.get(f"/api/v1/records/{r}/").status_code for r in records]
    assert tuple(got) == EXPECTED[role]


@pytest.mark.parametrize("role", ROLES[1:])
def test_only_the_township_admin_runs_the_month(api, places, role) -> None:
    client = api(places.slug, role)
    month = timezone.localdate().strftime("%Y-%m")
    for step in ("close", "finalize"):
        assert client.post(f"/api/v1/months/{month}/{step}/").status_code in (403, 404)
    assert (
        client.post(
            f"/api/v1/months/{month}/publish/", {"override_reason": "x"}, format="json"
        ).status_code
        == 403
    )
