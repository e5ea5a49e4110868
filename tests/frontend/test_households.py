"""农户: scoped lists and details; ID numbers and phones in clear only where the rule allows."""

from __future__ import annotations

import re

import pytest
from django_tenants.utils import schema_context

from governance.models import Resident
from tests.frontend.conftest import count_queries, html

pytestmark = pytest.mark.django_db

CLEAR_ID = re.compile(r">\s*(\d{17}[\dX])\s*<")
MASKED_ID = re.compile(r">\s*(\d{4}\*{10}[\dX]{4})\s*<")


def listed(page: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'<a href="/households/(\d+)/">', page)}


def test_a_group_leader_lists_exactly_its_group(web, places) -> None:
    page = html(web(places.slug, "group_leader").get("/households/?page_size=200"))
    assert listed(page) == set(places.group_households)


def test_a_micro_grid_leader_lists_its_micro_grid(web, places) -> None:
    page = html(web(places.slug, "microgrid_leader").get("/households/?page_size=200"))
    assert listed(page) == set(places.microgrid_households)


def test_a_resident_lists_only_their_household(web, places) -> None:
    page = html(web(places.slug, "resident").get("/households/"))
    assert listed(page) == {places.resident_household}


def test_filtering_by_a_unit_out_of_reach_is_404(web, changshan_places) -> None:
    with schema_context("changshan"):
        from governance.models import Household

        other_unit = Household.objects.get(pk=changshan_places.out_of_scope).unit_id
    response = web("changshan", "group_leader").get(f"/households/?unit={other_unit}")
    assert response.status_code == 404


def test_a_household_out_of_scope_is_404(web, places) -> None:
    response = web(places.slug, "group_leader").get(f"/households/{places.out_of_scope}/")
    assert response.status_code == 404
    assert "没有找到该农户" in html(response)
    resident = web(places.slug, "resident").get(f"/households/{places.in_scope}/")
    assert resident.status_code == 404


@pytest.mark.parametrize(
    ("username", "clear"),
    [
        ("town_admin", True),
        ("info_admin", True),
        ("village_leader", False),
        ("microgrid_leader", False),
        ("group_leader", False),
    ],
)
def test_personal_numbers_are_clear_only_for_admin_and_info_admin(
    web, changshan_places, username, clear
) -> None:
    page = html(web("changshan", username).get(f"/households/{changshan_places.in_scope}/"))
    with schema_context("changshan"):
        people = Resident.objects.filter(
            household_id=changshan_places.in_scope, is_active=True
        ).exclude(id_number_masked="")
        masked = set(people.values_list("id_number_masked", flat=True))
    if clear:
        assert len(CLEAR_ID.findall(page)) == len(masked)
        assert not MASKED_ID.findall(page)
    else:
        assert set(MASKED_ID.findall(page)) == masked
        assert not CLEAR_ID.findall(page)


def test_a_resident_sees_their_own_household_masked(web, changshan_places) -> None:
    page = html(
        web("changshan", "resident").get(f"/households/{changshan_places.resident_household}/")
    )
    assert MASKED_ID.findall(page)
    assert not CLEAR_ID.findall(page)
    assert "月度积分" in page


def test_the_household_shows_its_points_month_by_month(web, changshan_places) -> None:
    from scoring.models import HouseholdMonthResult

    with schema_context("changshan"):
        points = dict(
            HouseholdMonthResult.objects.filter(household_id=changshan_places.in_scope).values_list(
                "month__period", "points"
            )
        )
    page = html(web("changshan", "group_leader").get(f"/households/{changshan_places.in_scope}/"))
    for period, value in points.items():
        row = re.search(rf">{period:%Y-%m}</a>.*?</tr>", page, flags=re.S).group(0)
        assert f'<td class="num points">{value}</td>' in row


def test_the_list_and_the_records_page_in_constant_queries(web, changshan_places) -> None:
    client = web("changshan", "town_admin")
    assert count_queries(client, "/households/?page_size=1") == count_queries(
        client, "/households/?page_size=100"
    )
    detail = f"/households/{changshan_places.in_scope}/"
    assert count_queries(client, f"{detail}?page_size=1") == count_queries(
        client, f"{detail}?page_size=50"
    )
