"""Reads of the governance app. Every list is scoped to an actor (fail-closed), and every
fetch is a fetch-and-authorize: out of scope is 404, in scope but not allowed is 403."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from governance.actors import AUDIT, ENTER, MANAGE, SUBMIT, VIEW, Actor
from governance.models import AuditEntry, GridLevel, GridUnit, Household, Resident, RoleAssignment
from tenants.accounts.models import User
from tenants.errors import NotFound, PermissionDenied

ACTION_NAMES = {VIEW: "查看", SUBMIT: "提交积分", AUDIT: "审核", ENTER: "录入", MANAGE: "管理"}


def level_list() -> QuerySet[GridLevel]:
    """The township's grid levels, top to bottom (configuration, visible to everyone)."""
    return GridLevel.objects.order_by("depth")


def lowest_level() -> GridLevel | None:
    return GridLevel.objects.order_by("-depth").first()


def village_level() -> GridLevel | None:
    return GridLevel.objects.filter(is_village=True).first()


def forbidden(action: str) -> PermissionDenied:
    return PermissionDenied(
        f"您没有{ACTION_NAMES.get(action, action)}该对象的权限。", code="permission_denied"
    )


# ---------------------------------------------------------------- units
def unit_list_for(*, actor: Actor, action: str = VIEW) -> QuerySet[GridUnit]:
    return (
        GridUnit.objects.filter(actor.scope_q(action, "path"))
        .select_related("level", "parent")
        .order_by("path")
    )


def unit_get_for(*, actor: Actor, unit_id: int, action: str = VIEW) -> GridUnit:
    unit = unit_list_for(actor=actor).filter(pk=unit_id).first()
    if unit is None:
        raise NotFound("没有找到该网格。", code="unit_not_found")
    if action != VIEW and not (
        actor.is_township_admin if action == MANAGE else actor.can(action, unit.path)
    ):
        raise forbidden(action)
    return unit


def unit_village(unit: GridUnit) -> GridUnit | None:
    """The village (the unit on the village level) that ``unit`` is in, or None above it."""
    level = village_level()
    if level is None:
        return None
    return GridUnit.objects.filter(pk__in=unit.path_ids, level=level).first()


def unit_subtree(unit: GridUnit) -> QuerySet[GridUnit]:
    return GridUnit.objects.filter(path__startswith=unit.path)


# ---------------------------------------------------------------- households and residents
def household_scope(actor: Actor, field: str = "", action: str = VIEW) -> Q:
    """The filter for objects of households the actor reaches through ``field`` (the path to
    the household from the queried model; "" when querying households). A resident also
    sees their own household; every list of household data uses this one definition."""
    prefix = f"{field}__" if field else ""
    scope = actor.scope_q(action, f"{prefix}unit__path")
    if action == VIEW and actor.own_household_id is not None:
        scope |= Q(**{f"{prefix}pk" if not field else f"{field}_id": actor.own_household_id})
    return scope


def household_list_for(*, actor: Actor, action: str = VIEW) -> QuerySet[Household]:
    return (
        Household.objects.filter(household_scope(actor, action=action))
        .select_related("unit", "unit__level")
        .prefetch_related(
            Prefetch(
                "residents",
                queryset=Resident.objects.filter(is_active=True).order_by(
                    "-is_household_head", "id"
                ),
            )
        )
        .order_by("number")
    )


def household_get_for(*, actor: Actor, household_id: int, action: str = VIEW) -> Household:
    household = household_list_for(actor=actor).filter(pk=household_id).first()
    if household is None:
        raise NotFound("没有找到该农户。", code="household_not_found")
    if action != VIEW and not actor.can(action, household.unit.path):
        raise forbidden(action)
    return household


def household_get_by_card_code(*, card_code: str) -> Household | None:
    return (
        Household.objects.select_related("unit").filter(card_code=card_code, is_active=True).first()
    )


def resident_list_for(*, actor: Actor) -> QuerySet[Resident]:
    return Resident.objects.filter(
        household_scope(actor, "household"), is_active=True
    ).select_related("household", "household__unit")


def resident_get_for(*, actor: Actor, resident_id: int, action: str = VIEW) -> Resident:
    resident = resident_list_for(actor=actor).filter(pk=resident_id).first()
    if resident is None:
        raise NotFound("没有找到该村民。", code="resident_not_found")
    if action != VIEW and not actor.can(action, resident.household.unit.path):
        raise forbidden(action)
    return resident


def can_see_personal_data(*, actor: Actor, unit_path: str) -> bool:
    """Full ID numbers and phones: the township admin, and whoever enters data for the
    household's village (its info administrator). Everyone else sees them masked."""
    return actor.is_township_admin or actor.can(ENTER, unit_path)


# ---------------------------------------------------------------- roles
def assignment_list_current_for_user(*, user: User) -> QuerySet[RoleAssignment]:
    return (
        RoleAssignment.objects.filter(user=user, ended_at__isnull=True, unit__is_active=True)
        .select_related("unit", "unit__level")
        .order_by("unit__path", "kind")
    )


def assignment_list_for(*, actor: Actor) -> QuerySet[RoleAssignment]:
    """Township admins see every assignment; others see the assignments in their reach."""
    return (
        RoleAssignment.objects.filter(actor.scope_q(VIEW, "unit__path"))
        .select_related("unit", "unit__level", "user", "own_household", "assigned_by")
        .order_by("unit__path", "kind", "-started_at")
    )


def assignment_get_for(*, actor: Actor, assignment_id: int) -> RoleAssignment:
    assignment = assignment_list_for(actor=actor).filter(pk=assignment_id).first()
    if assignment is None:
        raise NotFound("没有找到该任命。", code="assignment_not_found")
    return assignment


def leaders_of_units(unit_ids: list[int]) -> QuerySet[RoleAssignment]:
    return RoleAssignment.objects.filter(
        unit_id__in=unit_ids, kind=RoleAssignment.Kind.LEADER, ended_at__isnull=True
    )


# ---------------------------------------------------------------- users and the audit log
def user_list_for(*, actor: Actor) -> QuerySet[User]:
    if not actor.is_township_admin:
        raise forbidden(MANAGE)
    return User.objects.select_related("resident").order_by("username")


def audit_list_for(*, actor: Actor) -> QuerySet[AuditEntry]:
    if not actor.is_township_admin:
        raise forbidden(MANAGE)
    return AuditEntry.objects.order_by("-at", "-id")
