"""Leaders see exactly their part of the grid, in both demo townships' hierarchies."""

from __future__ import annotations

import logging

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from governance.models import Resident
from governance.personal_data import reveal

pytestmark = pytest.mark.django_db


def listed(client, path="/api/v1/households/?page_size=500") -> list[int]:  # type: ignore[no-untyped-def]
    response = client.get(path)
    assert response.status_code == 200, response.content
    return sorted(row["id"] for row in response.json()["results"])


def test_nested_leaders_see_nested_households(api, places) -> None:
    group = listed(api(places.slug, "group_leader"))
    microgrid = listed(api(places.slug, "microgrid_leader"))
    village = listed(api(places.slug, "village_leader"))
    other = listed(api(places.slug, "group_leader_other"))

    assert 5 <= len(group) <= 10
    assert group == places.group_households
    assert set(group) < set(microgrid)
    assert microgrid == places.microgrid_households
    assert 40 <= len(microgrid) <= 60
    assert set(microgrid) < set(village)
    assert set(other).isdisjoint(village)
    assert other == places.other_group_households


def test_a_household_of_another_village_is_404_and_no_token_is_401(api, places) -> None:
    group_leader = api(places.slug, "group_leader")
    response = group_leader.get(f"/api/v1/households/{places.out_of_scope}/")
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "not_found"
    assert group_leader.get(f"/api/v1/households/{places.in_scope}/").status_code == 200
    assert api(places.slug).get("/api/v1/households/").status_code == 401


def test_a_resident_sees_only_their_own_household(api, places) -> None:
    assert listed(api(places.slug, "resident")) == [places.resident_household]


def test_admin_and_leading_group_see_the_whole_township(api, places) -> None:
    everything = listed(api(places.slug, "town_admin"))
    assert set(places.village_households) < set(everything)
    assert set(places.other_group_households) < set(everything)


def test_units_list_and_tree_are_scoped(api, places) -> None:
    units = (
        api(places.slug, "microgrid_leader")
        .get("/api/v1/grid/units/?page_size=500")
        .json()["results"]
    )
    paths = [u["path"] for u in units]
    assert all(p.startswith(paths[0]) for p in paths)  # one subtree: the micro-grid and its groups
    tree = api(places.slug, "microgrid_leader").get("/api/v1/grid/units/tree/").json()
    assert len(tree) == 1
    assert len(tree[0]["children"]) == len(units) - 1
    whole = api(places.slug, "town_admin").get("/api/v1/grid/units/tree/").json()
    assert [node["level"] for node in whole] == [1] * len(whole)


def test_me_lists_roles_and_scopes(api, places) -> None:
    me = api(places.slug, "info_admin").get("/api/v1/me/").json()
    roles = {r["role"]: r for r in me["roles"]}
    assert roles["info_admin"]["scope"]["kind"] == "unit"
    assert set(roles["info_admin"]["capabilities"]) == {"enter", "view"}
    leader = api(places.slug, "village_leader").get("/api/v1/me/").json()["roles"]
    village = next(r for r in leader if r["role"].startswith("leader_level_"))
    assert "audit" in village["capabilities"]
    assert village["title"] == "村级网格长"


def test_list_endpoints_run_a_constant_number_of_queries(api, places) -> None:
    """The same number of queries for a page of 1 and a page of 50."""
    client = api(places.slug, "town_admin")
    counts = {}
    for endpoint in (
        "households",
        "residents",
        "grid/units",
        "grid/assignments",
        "audit-log",
        "users",
    ):
        for size in (1, 50):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(f"/api/v1/{endpoint}/?page_size={size}")
            assert response.status_code == 200
            counts.setdefault(endpoint, set()).add(len(queries))
    assert all(len(sizes) == 1 for sizes in counts.values()), counts


def test_full_id_numbers_only_for_admin_and_the_villages_info_admin(api, places, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    with schema_context(places.slug):
        clear = {
            r.pk: reveal(r.id_number_encrypted)
            for r in Resident.objects.filter(household_id=places.in_scope)
        }
    assert all(len(v) == 18 for v in clear.values())

    def ids_seen(username: str) -> set[str]:
        body = api(places.slug, username).get(f"/api/v1/households/{places.in_scope}/").json()
        return {r["id_number"] for r in body["residents"]}

    assert ids_seen("town_admin") == set(clear.values())
    assert ids_seen("info_admin") == set(clear.values())
    for username in ("village_leader", "microgrid_leader", "group_leader"):
        seen = ids_seen(username)
        assert seen.isdisjoint(clear.values())
        assert all(value[4:14] == "*" * 10 for value in seen)
    assert not any(full in caplog.text for full in clear.values())
