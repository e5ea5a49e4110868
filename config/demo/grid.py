"""The demo grid: villages, micro-grids of about 50 households, groups of 5–10, residents
with realistic names and party members, and the demo accounts in nested scopes."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.hashers import make_password

from config.demo.required import required
from governance.actors import Actor
from governance.models import (
    GridLevel,
    GridUnit,
    Household,
    HouseholdMove,
    Resident,
    ResidentMove,
    RoleAssignment,
)
from governance.personal_data import id_number_check_digit
from governance.services import new_card_code, resident_fields, role_assign
from tenants.accounts.models import User
from tenants.models import Township

SURNAMES = "王李张刘陈杨赵孙周吴马高韩郑伊徐朱胡郭何林宋邓许崔田曹袁于董"
GIVEN = "建国志强秀英桂兰明德春梅海燕玉珍立新学军凤霞文静永刚淑芬晓东红梅国庆丽娟爱华金生"

# (top-level units …) — nested dicts: name → children; a leaf list is a micro-grid's group count.
CHANGSHAN_VILLAGES = [("东关村", "DG"), ("北关村", "BG"), ("范家村", "FJ")]
WEIQIAO_DISTRICTS = [
    ("魏桥管区", [("魏桥村", "WQ"), ("沟盘河村", "GP")]),
    ("码头管区", [("码头村", "MT")]),
]


@dataclass
class DemoGrid:
    villages: list[GridUnit]
    # The named accounts' units, nested: group ⊂ micro-grid ⊂ village; other_group elsewhere.
    village: GridUnit
    microgrid: GridUnit
    group: GridUnit
    other_group: GridUnit


def seed_grid(township: Township) -> DemoGrid:
    """Create the grid once (idempotent: an existing grid is returned as it is)."""
    if GridUnit.objects.exists():
        return _existing_grid()
    rng = random.Random(f"jifenbao-demo-{township.slug}")
    levels = list(GridLevel.objects.order_by("depth"))
    village_depth = next(level.depth for level in levels if level.is_village)
    tops: list[tuple[str | None, list[tuple[str, str]]]]
    if township.slug == "weiqiao" or village_depth > 1:
        tops = [(name, villages) for name, villages in WEIQIAO_DISTRICTS]
    else:
        tops = [(None, [v]) for v in CHANGSHAN_VILLAGES]
    villages: list[GridUnit] = []
    for top_name, village_specs in tops:
        parent = _unit(levels[0], None, top_name) if top_name else None
        for village_name, code in village_specs:
            village = _unit(levels[village_depth - 1], parent, village_name)
            villages.append(village)
            microgrid_count = 2
            for m in range(1, microgrid_count + 1):
                microgrid = _unit(
                    levels[village_depth],
                    village,
                    f"第{m}微网格" if village_depth == 1 else f"第{m}片区",
                )
                _groups_with_households(
                    rng, levels[-1], microgrid, code=f"{code}{m}", households=rng.randint(45, 55)
                )
    _leaders_for_every_unit(rng)
    return _existing_grid()


def _unit(level: GridLevel, parent: GridUnit | None, name: str) -> GridUnit:
    unit = GridUnit.objects.create(level=level, parent=parent, name=name, path="")
    unit.path = GridUnit.path_for(parent, unit.pk)
    unit.save(update_fields=["path"])
    return unit


def _group_sizes(rng: random.Random, total: int) -> list[int]:
    sizes: list[int] = []
    while total > 0:
        size = min(total, rng.randint(5, 10))
        if 0 < total - size < 5:  # never leave a group smaller than 5
            size = total - 5 if total - 5 >= 5 else total
        sizes.append(size)
        total -= size
    return sizes


def _groups_with_households(
    rng: random.Random, group_level: GridLevel, microgrid: GridUnit, *, code: str, households: int
) -> None:
    since = date(2025, 1, 1)
    seq = 0
    for g, size in enumerate(_group_sizes(rng, households), start=1):
        group = _unit(group_level, microgrid, f"第{g}联户小组")
        batch = []
        for _ in range(size):
            seq += 1
            batch.append(
                Household(
                    number=f"{code}-{seq:03d}",
                    address=f"{microgrid.parent.name if microgrid.parent else ''}{rng.randint(1, 12)}排{rng.randint(1, 30)}号",
                    unit=group,
                    card_code=new_card_code(),
                )
            )
        created = Household.objects.bulk_create(batch)
        HouseholdMove.objects.bulk_create(
            HouseholdMove(household=h, unit=group, valid_from=since) for h in created
        )
        residents = [r for h in created for r in _residents(rng, h)]
        Resident.objects.bulk_create(residents)
        ResidentMove.objects.bulk_create(
            ResidentMove(resident=r, household_id=r.household_id, valid_from=since)
            for r in residents
        )


def _residents(rng: random.Random, household: Household) -> list[Resident]:
    surname = rng.choice(SURNAMES)
    people = []
    for i in range(rng.randint(2, 5)):
        year = rng.randint(1950, 1985) if i < 2 else rng.randint(1990, 2015)
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        male = (i == 0) or rng.random() < 0.5
        seq = rng.randint(0, 49) * 2 + (1 if male else 0)
        first17 = f"371626{year:04d}{month:02d}{day:02d}{seq:03d}"
        id_number = first17 + id_number_check_digit(first17)
        phone = (
            f"1{rng.choice('3578')}{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}"
            if year < 2005
            else ""
        )
        adult = year < 2005
        people.append(
            Resident(
                household=household,
                name=surname + "".join(rng.sample(GIVEN, 2))
                if i != 1
                else rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, 2)),
                gender="M" if male else "F",
                birth_date=date(year, month, day),
                is_household_head=i == 0,
                is_party_member=adult and rng.random() < 0.12,
                is_villager_representative=adult and i == 0 and rng.random() < 0.08,
                is_floating_party_member=adult and rng.random() < 0.01,
                **resident_fields(id_number=id_number, phone=phone),
            )
        )
    return people


def _leaders_for_every_unit(rng: random.Random) -> None:
    """Every unit gets a leader living inside it (a party member where one exists), so the
    month's leader scores cover the whole grid. These accounts cannot log in."""
    from governance.services import permissions_sync

    for unit in GridUnit.objects.select_related("level").order_by("path"):
        candidates = list(
            Resident.objects.filter(
                household__unit__path__startswith=unit.path,
                is_household_head=True,
                user__isnull=True,
            ).order_by("-is_party_member", "id")[:5]
        )
        resident = candidates[rng.randrange(len(candidates))] if candidates else None
        if resident is None:
            continue
        user = User.objects.create(
            username=f"leader{unit.pk}", display_name=resident.name, password=make_password(None)
        )
        Resident.objects.filter(pk=resident.pk).update(user=user)
        RoleAssignment.objects.create(
            kind=RoleAssignment.Kind.LEADER,
            unit=unit,
            user=user,
            own_household_id=resident.household_id,
        )
        permissions_sync(user=user, unit=unit)


def _existing_grid() -> DemoGrid:
    village_level = GridLevel.objects.get(is_village=True)
    villages = list(GridUnit.objects.filter(level=village_level).order_by("path"))
    village = villages[0]
    microgrid = required(
        GridUnit.objects.filter(parent=village).order_by("path").first(), "micro-grid"
    )
    group = required(
        GridUnit.objects.filter(path__startswith=microgrid.path)
        .order_by("-level__depth", "path")
        .first(),
        "group",
    )
    other_group = required(
        GridUnit.objects.filter(path__startswith=villages[1].path)
        .order_by("-level__depth", "path")
        .first(),
        "group in another village",
    )
    return DemoGrid(villages, village, microgrid, group, other_group)


def assign_demo_accounts(grid: DemoGrid, township: Township) -> None:
    """Put the named demo accounts in their nested scopes (idempotent)."""
    admin_actor = Actor(user=User.objects.get(username="town_admin"), township=township)

    def person(username: str, unit: GridUnit, *, skip: int = 0) -> None:
        user = User.objects.get(username=username)
        if Resident.objects.filter(user=user).exists():
            return
        resident = required(
            Resident.objects.filter(
                household__unit__path__startswith=unit.path,
                user__isnull=True,
                birth_date__year__lt=2000,
            )
            .order_by("household__number", "-is_household_head", "id")[skip : skip + 1]
            .first(),
            f"adult resident without an account under {unit.name}",
        )
        Resident.objects.filter(pk=resident.pk).update(user=user)

    def lead(username: str, unit: GridUnit, kind: str = RoleAssignment.Kind.LEADER) -> None:
        user = User.objects.get(username=username)
        current = RoleAssignment.objects.filter(unit=unit, kind=kind, ended_at__isnull=True).first()
        if current is not None and current.user_id == user.pk:
            return
        if current is not None:
            from governance.services import role_revoke

            role_revoke(actor=admin_actor, assignment=current)
        role_assign(actor=admin_actor, unit=unit, user=user, kind=kind)

    person("group_leader", grid.group)
    person("resident", grid.group, skip=3)
    person("microgrid_leader", grid.microgrid, skip=20)
    person("village_leader", grid.village, skip=60)
    person("info_admin", grid.village, skip=80)
    person("group_leader_other", grid.other_group)
    lead("group_leader", grid.group)
    lead("microgrid_leader", grid.microgrid)
    lead("village_leader", grid.village)
    lead("info_admin", grid.village, RoleAssignment.Kind.INFO_ADMIN)
    lead("group_leader_other", grid.other_group)
