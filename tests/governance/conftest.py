from __future__ import annotations

from dataclasses import dataclass

import pytest
from django_tenants.utils import schema_context

from governance.models import Household, Resident, RoleAssignment


@dataclass
class DemoPlaces:
    """Households of the demo, located through the demo accounts' own assignments."""

    slug: str
    group_households: list[int]
    microgrid_households: list[int]
    other_group_households: list[int]
    village_households: list[int]
    resident_household: int

    @property
    def in_scope(self) -> int:
        """A household in group_leader's group that is not the resident's own."""
        return next(h for h in self.group_households if h != self.resident_household)

    @property
    def out_of_scope(self) -> int:
        """A household in another village (group_leader_other's group)."""
        return self.other_group_households[0]


def demo_places(slug: str) -> DemoPlaces:
    with schema_context(slug):

        def unit_path(username: str, kind: str = "leader") -> str:
            return RoleAssignment.objects.get(
                user__username=username, kind=kind, ended_at__isnull=True
            ).unit.path

        def under(path: str) -> list[int]:
            return list(
                Household.objects.filter(unit__path__startswith=path)
                .order_by("pk")
                .values_list("pk", flat=True)
            )

        return DemoPlaces(
            slug=slug,
            group_households=under(unit_path("group_leader")),
            microgrid_households=under(unit_path("microgrid_leader")),
            other_group_households=under(unit_path("group_leader_other")),
            village_households=under(unit_path("village_leader")),
            resident_household=Resident.objects.get(user__username="resident").household_id,
        )


@pytest.fixture(params=["changshan", "weiqiao"])
def places(request, db) -> DemoPlaces:  # type: ignore[no-untyped-def]
    """Run the test on both demo townships (three levels, and four with a 管区 on top)."""
    return demo_places(request.param)
