"""Governance services: roles grant and revoke permissions, moves keep history, every
administrative change is audited in its own transaction."""

from __future__ import annotations

from datetime import date

import pytest
from django_tenants.utils import schema_context

from governance import services
from governance.actors import Actor
from governance.models import (
    AuditEntry,
    GridLevel,
    GridUnit,
    GridUnitUserObjectPermission,
    Household,
    HouseholdMove,
    Resident,
    ResidentMove,
    RoleAssignment,
)
from tenants.accounts.models import User
from tenants.errors import ApplicationError, Conflict, PermissionDenied
from tenants.models import Township

pytestmark = pytest.mark.django_db


@pytest.fixture
def cs(db):  # type: ignore[no-untyped-def]
    township = Township.objects.select_related("settings").get(schema_name="changshan")
    with schema_context("changshan"):
        yield township


def actor(username: str, township: Township) -> Actor:
    return Actor(user=User.objects.get(username=username), township=township)


def perms(user: User, unit: GridUnit) -> set[str]:
    return set(
        GridUnitUserObjectPermission.objects.filter(user=user, content_object=unit).values_list(
            "permission__codename", flat=True
        )
    )


def test_assigning_grants_what_the_level_names_and_revoking_removes_it(cs) -> None:
    admin = actor("town_admin", cs)
    village = GridUnit.objects.filter(level__is_village=True).order_by("path")[2]
    resident = Resident.objects.filter(
        household__unit__path__startswith=village.path, user__isnull=True
    ).first()
    user, _ = services.user_create(
        actor=admin, username="new_secretary", display_name=resident.name, resident=resident
    )
    previous = RoleAssignment.objects.get(unit=village, kind="leader", ended_at__isnull=True)
    services.role_revoke(actor=admin, assignment=previous)
    assert perms(previous.user, village) == set()

    leader = services.role_assign(actor=admin, unit=village, user=user, kind="leader")
    assert leader.own_household_id == resident.household_id
    assert perms(user, village) == {"audit_unit", "view_unit"}

    services.role_revoke(actor=admin, assignment=leader)
    assert perms(user, village) == set()
    assert AuditEntry.objects.filter(action="role.revoke", object_id=str(leader.pk)).exists()


def test_one_person_may_hold_several_roles_and_shared_permissions_survive_a_revoke(cs) -> None:
    admin = actor("town_admin", cs)
    village = GridUnit.objects.filter(level__is_village=True).order_by("path")[1]
    RoleAssignment.objects.filter(unit=village, ended_at__isnull=True).update(
        ended_at="2026-01-01T00:00Z"
    )
    resident = Resident.objects.filter(
        household__unit__path__startswith=village.path, user__isnull=True
    ).first()
    user, _ = services.user_create(
        actor=admin, username="two_hats", display_name="两职", resident=resident
    )
    as_leader = services.role_assign(actor=admin, unit=village, user=user, kind="leader")
    services.role_assign(actor=admin, unit=village, user=user, kind="info_admin")
    assert perms(user, village) == {"audit_unit", "enter_unit", "view_unit"}
    services.role_revoke(actor=admin, assignment=as_leader)
    assert perms(user, village) == {"enter_unit", "view_unit"}  # view stays: still info admin


def test_a_unit_has_one_current_leader(cs) -> None:
    admin = actor("town_admin", cs)
    group = RoleAssignment.objects.get(user__username="group_leader").unit
    resident = Resident.objects.filter(user__isnull=True, household__unit=group).first()
    user, _ = services.user_create(
        actor=admin, username="rival", display_name="对手", resident=resident
    )
    with pytest.raises(Conflict) as excinfo:
        services.role_assign(actor=admin, unit=group, user=user, kind="leader")
    assert excinfo.value.code == "role_taken"


def test_a_leader_must_be_a_registered_resident_and_info_admins_serve_villages(cs) -> None:
    admin = actor("town_admin", cs)
    user, _ = services.user_create(actor=admin, username="outsider", display_name="外人")
    group = GridUnit.objects.filter(level__depth=3).first()
    RoleAssignment.objects.filter(unit=group).update(ended_at="2026-01-01T00:00Z")
    with pytest.raises(ApplicationError) as excinfo:
        services.role_assign(actor=admin, unit=group, user=user, kind="leader")
    assert excinfo.value.code == "leader_without_resident"
    with pytest.raises(ApplicationError) as excinfo:
        services.role_assign(actor=admin, unit=group, user=user, kind="info_admin")
    assert excinfo.value.code == "not_village"


def test_only_the_township_admin_assigns(cs) -> None:
    village_leader = actor("village_leader", cs)
    group = GridUnit.objects.filter(level__depth=3).first()
    with pytest.raises(PermissionDenied):
        services.role_assign(
            actor=village_leader, unit=group, user=village_leader.user, kind="leader"
        )


def test_changing_a_levels_capabilities_resyncs_its_leaders(cs) -> None:
    admin = actor("town_admin", cs)
    microgrids = GridLevel.objects.get(depth=2)
    leader = RoleAssignment.objects.get(user__username="microgrid_leader")
    assert perms(leader.user, leader.unit) == {"view_unit"}
    services.level_update(actor=admin, level=microgrids, capabilities=["view", "submit"])
    assert perms(leader.user, leader.unit) == {"view_unit", "submit_unit"}
    entry = AuditEntry.objects.get(action="level.update")
    assert entry.before == {"capabilities": ["view"]}
    assert entry.after == {"capabilities": ["submit", "view"]}


def test_moving_a_household_keeps_history(cs) -> None:
    info_admin = actor("info_admin", cs)
    household = Household.objects.get(
        pk=RoleAssignment.objects.get(user__username="group_leader").own_household_id
    )
    old_unit = household.unit
    target = (
        GridUnit.objects.filter(level__depth=3, path__startswith=old_unit.path[:10])
        .exclude(pk=old_unit.pk)
        .first()
    )
    services.household_move(
        actor=info_admin, household=household, unit=target, moved_on=date(2026, 12, 1)
    )
    history = list(
        HouseholdMove.objects.filter(household=household)
        .order_by("valid_from")
        .values_list("unit_id", "valid_to")
    )
    assert history == [(old_unit.pk, date(2026, 12, 1)), (target.pk, None)]
    household.refresh_from_db()
    assert household.unit_id == target.pk


def test_moving_across_villages_needs_both_ends(cs) -> None:
    info_admin = actor("info_admin", cs)  # info admin of the first village only
    household = Household.objects.filter(
        unit__path__startswith=RoleAssignment.objects.get(user__username="info_admin").unit.path
    ).first()
    elsewhere = GridUnit.objects.get(
        pk=RoleAssignment.objects.get(user__username="group_leader_other").unit_id
    )
    with pytest.raises(PermissionDenied):
        services.household_move(actor=info_admin, household=household, unit=elsewhere)


def test_a_leader_moving_house_takes_their_score_household_along(cs) -> None:
    admin = actor("town_admin", cs)
    leader = RoleAssignment.objects.get(user__username="group_leader")
    resident = Resident.objects.get(user__username="group_leader")
    new_home = Household.objects.exclude(pk=resident.household_id).filter(unit=leader.unit).first()
    services.resident_move(
        actor=admin, resident=resident, household=new_home, moved_on=date(2026, 11, 30)
    )
    leader.refresh_from_db()
    assert leader.own_household_id == new_home.pk
    assert ResidentMove.objects.filter(resident=resident).count() == 2


def test_resident_validation_checks_the_id_number_check_digit(cs) -> None:
    admin = actor("town_admin", cs)
    household = Household.objects.first()
    with pytest.raises(ApplicationError) as excinfo:
        # GB 11643: the weights 7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2 over 37162619900101123
        # sum to 265; 265 mod 11 = 1, and index 1 of "10X98765432" is "0". So 5 is wrong.
        services.resident_create(
            actor=admin, household=household, name="张三", id_number="371626199001011235"
        )
    assert excinfo.value.errors[0]["attr"] == "id_number"
    assert "校验位" in excinfo.value.errors[0]["detail"]
    ok = services.resident_create(
        actor=admin,
        household=household,
        name="张三",
        id_number="371626199001011230",
        phone="13900001111",
    )
    assert ok.id_number_masked == "3716**********1230"
    assert ok.birth_date == date(1990, 1, 1)
    with pytest.raises(ApplicationError) as excinfo:
        services.resident_create(
            actor=admin, household=household, name="张三二", id_number=" 371626199001011230 "
        )
    assert excinfo.value.errors[0]["code"] == "duplicate_id_number"


def test_the_audit_log_masks_personal_numbers(cs, api) -> None:
    admin = actor("town_admin", cs)
    resident = services.resident_create(
        actor=admin,
        household=Household.objects.first(),
        name="李四",
        id_number="37162619850505001X",
        phone="13812345678",
    )
    services.resident_update(actor=admin, resident=resident, phone="13987654321")
    entries = list(AuditEntry.objects.filter(object_id=str(resident.pk)).order_by("id"))
    assert [e.action for e in entries] == ["resident.create", "resident.update"]
    assert entries[0].after["id_number"] == "3716**********001X"
    assert entries[1].before == {"phone": "138****5678"}
    assert entries[1].after == {"phone": "139****4321"}
    body = api("changshan", "town_admin").get("/api/v1/audit-log/?action=resident.").json()
    assert body["count"] >= 2
    assert "13812345678" not in str(body)


def test_an_audited_change_that_fails_leaves_no_entry(cs) -> None:
    admin = actor("town_admin", cs)
    before = AuditEntry.objects.count()
    with pytest.raises(Conflict):
        services.household_create(
            actor=admin,
            unit=GridUnit.objects.filter(level__depth=3).first(),
            number=Household.objects.first().number,
        )
    assert AuditEntry.objects.count() == before


def test_units_get_paths_and_only_the_lowest_level_takes_households(cs) -> None:
    admin = actor("town_admin", cs)
    village = services.unit_create(actor=admin, name="新建村")
    microgrid = services.unit_create(actor=admin, name="第1微网格", parent=village)
    group = services.unit_create(actor=admin, name="第1联户小组", parent=microgrid)
    assert group.path == f"{village.path}{microgrid.pk:08d}/{group.pk:08d}/"
    with pytest.raises(ApplicationError) as excinfo:
        services.unit_create(actor=admin, name="更低", parent=group)
    assert excinfo.value.code == "no_lower_level"
    with pytest.raises(ApplicationError) as excinfo:
        services.household_create(actor=admin, unit=microgrid, number="NEW-1")
    assert excinfo.value.code == "not_lowest_level"
    household = services.household_create(actor=admin, unit=group, number="NEW-1")
    assert len(household.card_code) == 10


def test_township_settings_are_changed_by_the_admin_and_audited(api) -> None:
    client = api("weiqiao", "town_admin")
    response = client.patch(
        "/api/v1/township/", {"bean_name": "金棉豆", "leader_own_weight": "0.70"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["bean_name"] == "金棉豆"
    assert response.json()["leader_weights"] == {"own_household": "0.70", "unit_average": "0.30"}
    bad = client.patch("/api/v1/township/", {"leader_own_weight": "1.50"}, format="json")
    assert bad.status_code == 400
    assert (
        api("weiqiao", "village_leader")
        .patch("/api/v1/township/", {"bean_name": "x"}, format="json")
        .status_code
        == 403
    )
    with schema_context("weiqiao"):
        entry = AuditEntry.objects.get(action="settings.update")
    assert entry.after == {"bean_name": "金棉豆", "leader_own_weight": "0.70"}


def test_township_wide_scope_survives_being_ored_with_another_condition(cs) -> None:
    """Q() | Q(x) is Q(x): a township-wide scope must stay township-wide inside an OR."""
    from django.db.models import Q

    admin = actor("town_admin", cs)
    everything = Household.objects.count()
    assert Household.objects.filter(admin.scope_q("view", "unit__path")).count() == everything
    assert (
        Household.objects.filter(admin.scope_q("view", "unit__path") | Q(pk=-1)).count()
        == everything
    )
