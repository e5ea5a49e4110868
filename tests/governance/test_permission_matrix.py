"""The permission matrix: every role × every action × an object in and out of scope.

The object "in" is a household in group_leader's group (so inside microgrid_leader's
micro-grid and village_leader's village); "out" is a household in another village (in
group_leader_other's group). Each cell is the HTTP status the API answers: 404 when the
object is out of the actor's sight, 403 when it is visible but the action is not theirs.

Actions and their requests:
- view    GET   /api/v1/households/{id}/
- enter   PATCH /api/v1/households/{id}/              (household data entry)
- manage  PATCH /api/v1/grid/units/{household unit}/  (grid configuration)
- submit  whether the actor may submit point records for the household (scoring joins with
          POST /api/v1/records/ — see tests/scoring/test_permission_matrix.py)
- audit   whether the actor may audit the household's records (idem, /records/{id}/approve/)

Every later endpoint joins this table in its own app's matrix test, using the same roles
and objects (tests/governance/conftest.py).
"""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from governance.actors import Actor
from governance.models import Household
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

#                      view       enter      manage     submit        audit
#                      in   out   in   out   in   out   in     out    in     out
EXPECTED = {
    "town_admin":         (200, 200, 200, 200, 200, 200, True,  True,  True,  True),
    "village_leader":     (200, 404, 403, 404, 403, 404, False, False, True,  False),
    "info_admin":         (200, 404, 200, 404, 403, 404, True,  False, False, False),
    "microgrid_leader":   (200, 404, 403, 404, 403, 404, False, False, False, False),
    "group_leader":       (200, 404, 403, 404, 403, 404, True,  False, False, False),
    "group_leader_other": (404, 200, 404, 403, 404, 403, False, True,  False, False),
    "merchant":           (404, 404, 404, 404, 404, 404, False, False, False, False),
    "resident":           (404, 404, 404, 404, 404, 404, False, False, False, False),
}  # fmt: skip


def _answers(client, household: dict) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    hid, unit = household["id"], household["unit"]
    view = client.get(f"/api/v1/households/{hid}/").status_code
    enter = client.patch(
        f"/api/v1/households/{hid}/", {"address": household["address"]}
    ).status_code
    manage = client.patch(
        f"/api/v1/grid/units/{unit}/", {"name": household["unit_name"]}
    ).status_code
    return view, enter, manage


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(api, places, role) -> None:
    township = Township.objects.get(schema_name=places.slug)
    with schema_context(places.slug):
        households = {
            key: Household.objects.select_related("unit").get(pk=pk)
            for key, pk in (("in", places.in_scope), ("out", places.out_of_scope))
        }
        actor = Actor(user=User.objects.get(username=role), township=township)
        submit = tuple(actor.can("submit", households[k].unit.path) for k in ("in", "out"))
        audit = tuple(actor.can("audit", households[k].unit.path) for k in ("in", "out"))
        plain = {
            k: {"id": h.pk, "unit": h.unit_id, "address": h.address, "unit_name": h.unit.name}
            for k, h in households.items()
        }
    client = api(places.slug, role)
    view_in, enter_in, manage_in = _answers(client, plain["in"])
    view_out, enter_out, manage_out = _answers(client, plain["out"])
    got = (view_in, view_out, enter_in, enter_out, manage_in, manage_out, *submit, *audit)
    assert got == EXPECTED[role]


def test_the_resident_sees_their_own_household_but_cannot_enter(api, places) -> None:
    client = api(places.slug, "resident")
    assert client.get(f"/api/v1/households/{places.resident_household}/").status_code == 200
    assert (
        client.patch(
            f"/api/v1/households/{places.resident_household}/", {"address": "x"}
        ).status_code
        == 403
    )


@pytest.mark.parametrize("role", ROLES[1:])
def test_only_the_township_admin_reads_the_audit_log_and_users(api, places, role) -> None:
    client = api(places.slug, role)
    assert client.get("/api/v1/audit-log/").status_code == 403
    assert client.get("/api/v1/users/").status_code == 403
    assert client.post(
        "/api/v1/grid/assignments/", {"unit": 1, "user": role, "kind": "leader"}
    ).status_code in (403, 404)
