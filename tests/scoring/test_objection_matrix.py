"""The permission matrix, objections' rows: raising one during publicity (the demo's month
in publicity, the one before the current month) and deciding it.

- raise   POST /api/v1/objections/ {month: YYYY-MM, household}  → 201 | 404
- decide  POST /api/v1/objections/{id}/dismiss/                  → 200 | 403 | 404
"""

from __future__ import annotations

import pytest

from tests.fixtures import session_calendar

pytestmark = pytest.mark.django_db

CALENDAR = session_calendar()
PUBLICITY = CALENDAR.publicity_label

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

#                      raise       decide
#                      in   out    in   out
EXPECTED = {
    "town_admin":         (201, 201, 200, 200),
    "village_leader":     (201, 404, 200, 404),
    "info_admin":         (201, 404, 403, 404),
    "microgrid_leader":   (201, 404, 403, 404),
    "group_leader":       (201, 404, 403, 404),
    "group_leader_other": (404, 201, 404, 403),
    "merchant":           (404, 404, 404, 404),
    "resident":           (404, 404, 404, 404),
}  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
def test_objection_permission_matrix(api, changshan_places, role) -> None:
    places = changshan_places
    targets = (places.in_scope, places.out_of_scope)
    client = api("changshan", role)
    got = [
        client.post(
            "/api/v1/objections/",
            {"month": PUBLICITY, "household": h, "reason": "请核实"},
            format="json",
        ).status_code
        for h in targets
    ]
    admin = api("changshan", "town_admin")
    raised = [
        admin.post(
            "/api/v1/objections/",
            {"month": PUBLICITY, "household": h, "reason": "核实"},
            format="json",
        ).json()["id"]
        for h in targets
    ]
    got += [
        client.post(
            f"/api/v1/objections/{o}/dismiss/", {"reply": "无误"}, format="json"
        ).status_code
        for o in raised
    ]
    assert tuple(got) == EXPECTED[role]


def test_a_resident_objects_for_their_own_household_only(api, changshan_places) -> None:
    client = api("changshan", "resident")
    own = client.post(
        "/api/v1/objections/",
        {
            "month": PUBLICITY,
            "household": changshan_places.resident_household,
            "reason": "日期有误",
        },
        format="json",
    )
    assert own.status_code == 201
    assert (
        client.post(
            f"/api/v1/objections/{own.json()['id']}/dismiss/", {"reply": "x"}, format="json"
        ).status_code
        == 403
    )


@pytest.mark.parametrize("role", ROLES[1:])
@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", f"/api/v1/quarters/{CALENDAR.quarter}/", None),
        ("post", f"/api/v1/awards/{CALENDAR.year}/", {"award_beans": 10}),
        ("post", "/api/v1/merchants/", {"name": "新超市", "kind": "other"}),
        ("post", "/api/v1/indicators/", {"code": "X1", "name": "x", "category": 1, "points": 1}),
        ("get", f"/api/v1/awards/{CALENDAR.year}/assessment/", None),
    ],
)
def test_township_admin_only_endpoints(api, role, method, path, body) -> None:
    response = getattr(api("changshan", role), method)(path, body, format="json")
    assert response.status_code == 403, (role, path, response.status_code)
