"""Writes of the governance app. One transaction each; every administrative change is
audited inside it (governance.audit)."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from django.contrib.auth.models import Permission
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string

from governance.actors import ENTER, MANAGE, Actor
from governance.audit import audit_record, diff
from governance.models import (
    Capability,
    GridLevel,
    GridUnit,
    GridUnitUserObjectPermission,
    Household,
    HouseholdMove,
    Resident,
    ResidentMove,
    RoleAssignment,
)
from governance.personal_data import (
    birth_date_from_id_number,
    gender_from_id_number,
    id_number_digest,
    id_number_problem,
    phone_problem,
    protect_id_number,
    protect_phone,
)
from governance.selectors import forbidden, lowest_level
from tenants.accounts.models import User
from tenants.errors import ApplicationError, Conflict
from tenants.models import TownshipSettings
from tenants.township_templates import settings_validate

CARD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def _require_admin(actor: Actor) -> None:
    if not actor.is_township_admin:
        raise forbidden(MANAGE)


def _require(actor: Actor, action: str, unit: GridUnit) -> None:
    if not actor.can(action, unit.path):
        raise forbidden(action)


def new_card_code() -> str:
    return get_random_string(10, CARD_ALPHABET)


# ---------------------------------------------------------------- levels
def _level_values(level: GridLevel) -> dict[str, Any]:
    return {
        "name": level.name,
        "leader_title": level.leader_title,
        "capabilities": list(level.capabilities),
    }


@transaction.atomic
def level_update(
    *,
    actor: Actor,
    level: GridLevel,
    name: str | None = None,
    leader_title: str | None = None,
    capabilities: list[str] | None = None,
) -> GridLevel:
    """Rename a level or change what its leaders may do; current leaders' permissions follow."""
    _require_admin(actor)
    level = GridLevel.objects.select_for_update().get(pk=level.pk)
    before = _level_values(level)
    if name is not None:
        if not name.strip():
            raise ApplicationError("层级名称不能为空。", code="required", attr="name")
        level.name = name.strip()
    if leader_title is not None:
        level.leader_title = leader_title.strip() or level.leader_title
    if capabilities is not None:
        unknown = set(capabilities) - set(Capability.values)
        if unknown:
            raise ApplicationError(
                f"未知的权限：{'、'.join(sorted(unknown))}。",
                code="invalid_choice",
                attr="capabilities",
            )
        level.capabilities = sorted({Capability.VIEW, *capabilities})
    level.save()
    old, new = diff(before, _level_values(level))
    if old or new:
        audit_record(actor=actor, action="level.update", obj=level, before=old, after=new)
    if capabilities is not None:
        for assignment in RoleAssignment.objects.filter(
            unit__level=level, kind=RoleAssignment.Kind.LEADER, ended_at__isnull=True
        ).select_related("unit", "user"):
            permissions_sync(user=assignment.user, unit=assignment.unit)
    return level


# ---------------------------------------------------------------- units
@transaction.atomic
def unit_create(*, actor: Actor, name: str, parent: GridUnit | None = None) -> GridUnit:
    """Add a unit under ``parent`` (or a top-level unit); its level is the next one down."""
    _require_admin(actor)
    name = (name or "").strip()
    if not name:
        raise ApplicationError("网格名称不能为空。", code="required", attr="name")
    depth = parent.level.depth + 1 if parent else 1
    level = GridLevel.objects.filter(depth=depth).first()
    if level is None:
        raise ApplicationError(
            "该网格已是最低一级，不能再添加下级。", code="no_lower_level", attr="parent"
        )
    if GridUnit.objects.filter(parent=parent, name=name).exists():
        raise Conflict(f"同一上级下已有名为“{name}”的网格。", code="duplicate_name", attr="name")
    unit = GridUnit.objects.create(level=level, parent=parent, name=name, path="")
    unit.path = GridUnit.path_for(parent, unit.pk)
    unit.save(update_fields=["path"])
    audit_record(
        actor=actor,
        action="unit.create",
        obj=unit,
        after={"name": name, "parent": parent, "level": level.name},
    )
    return unit


@transaction.atomic
def unit_update(
    *, actor: Actor, unit: GridUnit, name: str | None = None, is_active: bool | None = None
) -> GridUnit:
    _require_admin(actor)
    unit = GridUnit.objects.select_for_update().get(pk=unit.pk)
    before = {"name": unit.name, "is_active": unit.is_active}
    if name is not None:
        name = name.strip()
        if not name:
            raise ApplicationError("网格名称不能为空。", code="required", attr="name")
        if (
            GridUnit.objects.filter(parent_id=unit.parent_id, name=name)
            .exclude(pk=unit.pk)
            .exists()
        ):
            raise Conflict(
                f"同一上级下已有名为“{name}”的网格。", code="duplicate_name", attr="name"
            )
        unit.name = name
    if is_active is False and unit.is_active:
        if Household.objects.filter(unit__path__startswith=unit.path, is_active=True).exists():
            raise Conflict("网格下仍有在册农户，不能停用。请先迁移农户。", code="unit_not_empty")
        if RoleAssignment.objects.filter(
            unit__path__startswith=unit.path, ended_at__isnull=True
        ).exists():
            raise Conflict("网格下仍有在任的负责人，不能停用。请先卸任。", code="unit_has_leaders")
    if is_active is not None:
        unit.is_active = is_active
    unit.save()
    old, new = diff(before, {"name": unit.name, "is_active": unit.is_active})
    if old or new:
        audit_record(actor=actor, action="unit.update", obj=unit, before=old, after=new)
    return unit


# ---------------------------------------------------------------- households
def _household_values(household: Household) -> dict[str, Any]:
    return {"number": household.number, "address": household.address, "unit": household.unit_id}


def _lowest_unit(unit: GridUnit, attr: str = "unit") -> None:
    lowest = lowest_level()
    if lowest is None or unit.level_id != lowest.pk:
        raise ApplicationError(
            f"农户只能挂在最低一级网格（{lowest.name if lowest else '—'}）上。",
            code="not_lowest_level",
            attr=attr,
        )
    if not unit.is_active:
        raise ApplicationError("该网格已停用。", code="unit_inactive", attr=attr)


@transaction.atomic
def household_create(
    *,
    actor: Actor,
    unit: GridUnit,
    number: str,
    address: str = "",
    registered_on: date | None = None,
) -> Household:
    _require(actor, ENTER, unit)
    _lowest_unit(unit)
    number = (number or "").strip()
    if not number:
        raise ApplicationError("户号不能为空。", code="required", attr="number")
    if Household.objects.filter(number=number).exists():
        raise Conflict(f"户号“{number}”已存在。", code="duplicate_number", attr="number")
    household = Household.objects.create(
        unit=unit, number=number, address=address.strip(), card_code=new_card_code()
    )
    HouseholdMove.objects.create(
        household=household, unit=unit, valid_from=registered_on or timezone.localdate()
    )
    audit_record(
        actor=actor, action="household.create", obj=household, after=_household_values(household)
    )
    return household


@transaction.atomic
def household_update(
    *, actor: Actor, household: Household, number: str | None = None, address: str | None = None
) -> Household:
    household = Household.objects.select_for_update().select_related("unit").get(pk=household.pk)
    _require(actor, ENTER, household.unit)
    before = _household_values(household)
    if number is not None:
        number = number.strip()
        if not number:
            raise ApplicationError("户号不能为空。", code="required", attr="number")
        if Household.objects.filter(number=number).exclude(pk=household.pk).exists():
            raise Conflict(f"户号“{number}”已存在。", code="duplicate_number", attr="number")
        household.number = number
    if address is not None:
        household.address = address.strip()
    household.save()
    old, new = diff(before, _household_values(household))
    if old or new:
        audit_record(actor=actor, action="household.update", obj=household, before=old, after=new)
    return household


@transaction.atomic
def household_move(
    *, actor: Actor, household: Household, unit: GridUnit, moved_on: date | None = None
) -> Household:
    """Hang the household on another group. History keeps where it was; its points and
    beans stay with it (they belong to the household, not the unit)."""
    household = Household.objects.select_for_update().select_related("unit").get(pk=household.pk)
    _require(actor, ENTER, household.unit)
    _require(actor, ENTER, unit)
    _lowest_unit(unit)
    if unit.pk == household.unit_id:
        return household
    moved_on = moved_on or timezone.localdate()
    current = HouseholdMove.objects.filter(household=household, valid_to__isnull=True).first()
    if current is not None:
        if moved_on < current.valid_from:
            raise ApplicationError(
                "迁移日期不能早于上次迁入日期。", code="invalid_date", attr="moved_on"
            )
        current.valid_to = moved_on
        current.save(update_fields=["valid_to"])
    HouseholdMove.objects.create(household=household, unit=unit, valid_from=moved_on)
    before = household.unit_id
    household.unit = unit
    household.save(update_fields=["unit"])
    audit_record(
        actor=actor,
        action="household.move",
        obj=household,
        before={"unit": before},
        after={"unit": unit.pk, "on": moved_on},
    )
    return household


@transaction.atomic
def household_card_reissue(*, actor: Actor, household: Household) -> Household:
    """A lost household card: a new code, so the old card no longer redeems."""
    household = Household.objects.select_for_update().select_related("unit").get(pk=household.pk)
    _require(actor, ENTER, household.unit)
    household.card_code = new_card_code()
    household.save(update_fields=["card_code"])
    audit_record(actor=actor, action="household.card_reissue", obj=household)
    return household


# ---------------------------------------------------------------- residents
RESIDENT_FLAGS = (
    "is_household_head",
    "is_party_member",
    "is_villager_representative",
    "is_floating_party_member",
)


def resident_audit_values(resident: Resident) -> dict[str, Any]:
    return {
        "name": resident.name,
        "gender": resident.gender,
        "birth_date": resident.birth_date.isoformat() if resident.birth_date else None,
        "id_number": resident.id_number_masked,
        "phone": resident.phone_masked,
        "household": resident.household_id,
        **{flag: getattr(resident, flag) for flag in RESIDENT_FLAGS},
    }


def resident_validate(
    *,
    name: str,
    id_number: str = "",
    phone: str = "",
    gender: str = "",
    exclude_pk: int | None = None,
) -> list[dict[str, Any]]:
    """Every problem with a resident's fields, as error dicts (empty when valid)."""
    errors = []
    if not (name or "").strip():
        errors.append({"code": "required", "detail": "姓名不能为空。", "attr": "name"})
    if id_number:
        problem = id_number_problem(id_number)
        if problem:
            errors.append(
                {"code": "invalid_id_number", "detail": f"{problem}。", "attr": "id_number"}
            )
        else:
            duplicate = Resident.objects.filter(
                id_number_hash=id_number_digest(id_number), is_active=True
            )
            if exclude_pk:
                duplicate = duplicate.exclude(pk=exclude_pk)
            if duplicate.exists():
                errors.append(
                    {
                        "code": "duplicate_id_number",
                        "detail": "该身份证号已登记在册。",
                        "attr": "id_number",
                    }
                )
    if phone and phone_problem(phone):
        errors.append(
            {"code": "invalid_phone", "detail": f"{phone_problem(phone)}。", "attr": "phone"}
        )
    if gender and gender not in Resident.Gender.values:
        errors.append({"code": "invalid_choice", "detail": "性别只能是男或女。", "attr": "gender"})
    return errors


def _raise_if(errors: list[dict[str, Any]]) -> None:
    if errors:
        raise ApplicationError(str(errors[0]["detail"]), code=str(errors[0]["code"]), errors=errors)


def resident_fields(*, id_number: str = "", phone: str = "") -> dict[str, Any]:
    """The stored columns for a resident's personal numbers (encrypted, masked, hashed)."""
    pid, pphone = protect_id_number(id_number), protect_phone(phone)
    return {
        "id_number_encrypted": pid.encrypted,
        "id_number_masked": pid.masked,
        "id_number_hash": pid.digest,
        "phone_encrypted": pphone.encrypted,
        "phone_masked": pphone.masked,
    }


@transaction.atomic
def resident_create(
    *,
    actor: Actor,
    household: Household,
    name: str,
    gender: str = "",
    birth_date: date | None = None,
    id_number: str = "",
    phone: str = "",
    moved_in_on: date | None = None,
    **flags: bool,
) -> Resident:
    household = Household.objects.select_related("unit").get(pk=household.pk)
    _require(actor, ENTER, household.unit)
    _raise_if(resident_validate(name=name, id_number=id_number, phone=phone, gender=gender))
    unknown = set(flags) - set(RESIDENT_FLAGS)
    if unknown:
        raise ApplicationError(
            f"未知字段：{'、'.join(sorted(unknown))}", code="invalid", attr=sorted(unknown)[0]
        )
    resident = Resident(
        household=household,
        name=name.strip(),
        gender=gender or gender_from_id_number(id_number),
        birth_date=birth_date or birth_date_from_id_number(id_number),
        **resident_fields(id_number=id_number, phone=phone),
        **flags,
    )
    try:
        with transaction.atomic():
            resident.save()
    except IntegrityError as exc:  # a concurrent registration of the same ID number
        raise Conflict(
            "该身份证号已登记在册。", code="duplicate_id_number", attr="id_number"
        ) from exc
    ResidentMove.objects.create(
        resident=resident, household=household, valid_from=moved_in_on or timezone.localdate()
    )
    audit_record(
        actor=actor, action="resident.create", obj=resident, after=resident_audit_values(resident)
    )
    return resident


@transaction.atomic
def resident_update(*, actor: Actor, resident: Resident, **changes: Any) -> Resident:
    resident = (
        Resident.objects.select_for_update().select_related("household__unit").get(pk=resident.pk)
    )
    _require(actor, ENTER, resident.household.unit)
    allowed = {"name", "gender", "birth_date", "id_number", "phone", *RESIDENT_FLAGS}
    unknown = set(changes) - allowed
    if unknown:
        raise ApplicationError(
            f"未知字段：{'、'.join(sorted(unknown))}", code="invalid", attr=sorted(unknown)[0]
        )
    _raise_if(
        resident_validate(
            name=changes.get("name", resident.name),
            id_number=changes.get("id_number", ""),
            phone=changes.get("phone", ""),
            gender=changes.get("gender", ""),
            exclude_pk=resident.pk,
        )
    )
    before = resident_audit_values(resident)
    for field in ("name", "gender", "birth_date", *RESIDENT_FLAGS):
        if field in changes:
            setattr(resident, field, changes[field].strip() if field == "name" else changes[field])
    if "id_number" in changes:
        pid = protect_id_number(changes["id_number"])
        resident.id_number_encrypted, resident.id_number_masked, resident.id_number_hash = (
            pid.encrypted,
            pid.masked,
            pid.digest,
        )
    if "phone" in changes:
        pphone = protect_phone(changes["phone"])
        resident.phone_encrypted, resident.phone_masked = pphone.encrypted, pphone.masked
    resident.save()
    old, new = diff(before, resident_audit_values(resident))
    if old or new:
        audit_record(actor=actor, action="resident.update", obj=resident, before=old, after=new)
    return resident


@transaction.atomic
def resident_move(
    *, actor: Actor, resident: Resident, household: Household, moved_on: date | None = None
) -> Resident:
    """Move a person to another household (marriage, division of a household …).

    Leaders' recorded own household follows them, because their score is half of it."""
    resident = (
        Resident.objects.select_for_update().select_related("household__unit").get(pk=resident.pk)
    )
    household = Household.objects.select_related("unit").get(pk=household.pk)
    _require(actor, ENTER, resident.household.unit)
    _require(actor, ENTER, household.unit)
    if household.pk == resident.household_id:
        return resident
    moved_on = moved_on or timezone.localdate()
    ResidentMove.objects.filter(resident=resident, valid_to__isnull=True).update(valid_to=moved_on)
    ResidentMove.objects.create(resident=resident, household=household, valid_from=moved_on)
    before = resident.household_id
    resident.household = household
    resident.is_household_head = False
    resident.save(update_fields=["household", "is_household_head"])
    if resident.user_id:
        RoleAssignment.objects.filter(
            user_id=resident.user_id, ended_at__isnull=True, kind=RoleAssignment.Kind.LEADER
        ).update(own_household=household)
    audit_record(
        actor=actor,
        action="resident.move",
        obj=resident,
        before={"household": before},
        after={"household": household.pk, "on": moved_on},
    )
    return resident


@transaction.atomic
def resident_deactivate(*, actor: Actor, resident: Resident, reason: str) -> Resident:
    """Take a person off the register (moved away, deceased). Nothing is deleted."""
    resident = (
        Resident.objects.select_for_update().select_related("household__unit").get(pk=resident.pk)
    )
    _require(actor, ENTER, resident.household.unit)
    if not (reason or "").strip():
        raise ApplicationError("请填写原因。", code="required", attr="reason")
    resident.is_active = False
    resident.save(update_fields=["is_active"])
    ResidentMove.objects.filter(resident=resident, valid_to__isnull=True).update(
        valid_to=timezone.localdate()
    )
    audit_record(
        actor=actor, action="resident.deactivate", obj=resident, after={"reason": reason.strip()}
    )
    return resident


# ---------------------------------------------------------------- users and roles
@transaction.atomic
def user_create(
    *,
    actor: Actor,
    username: str,
    display_name: str,
    password: str | None = None,
    resident: Resident | None = None,
    township_role: str = "",
) -> tuple[User, str]:
    """A township account, optionally linked to the resident it belongs to.

    Returns the user and the initial password (generated when not given)."""
    _require_admin(actor)
    username = (username or "").strip()
    if not username:
        raise ApplicationError("用户名不能为空。", code="required", attr="username")
    if User.objects.filter(username=username).exists():
        raise Conflict(f"用户名“{username}”已被使用。", code="duplicate_username", attr="username")
    if township_role not in User.TownshipRole.values:
        raise ApplicationError("未知的乡镇级角色。", code="invalid_choice", attr="township_role")
    if resident is not None and resident.user_id:
        raise Conflict("该村民已绑定账号。", code="resident_has_account", attr="resident")
    password = password or secrets.token_urlsafe(10)
    user = User.objects.create_user(
        username=username,
        password=password,
        display_name=display_name.strip(),
        township_role=township_role,
    )
    if resident is not None:
        Resident.objects.filter(pk=resident.pk).update(user=user)
    audit_record(
        actor=actor,
        action="user.create",
        obj=user,
        after={
            "username": username,
            "display_name": display_name,
            "township_role": township_role,
            "resident": resident,
        },
    )
    return user, password


@transaction.atomic
def user_link_resident(*, actor: Actor, user: User, resident: Resident | None) -> User:
    _require_admin(actor)
    if resident is not None and resident.user_id not in (None, user.pk):
        raise Conflict("该村民已绑定其他账号。", code="resident_has_account", attr="resident")
    before = Resident.objects.filter(user=user).values_list("pk", flat=True).first()
    Resident.objects.filter(user=user).update(user=None)
    if resident is not None:
        Resident.objects.filter(pk=resident.pk).update(user=user)
    audit_record(
        actor=actor,
        action="user.link_resident",
        obj=user,
        before={"resident": before},
        after={"resident": resident},
    )
    return user


def granted_codenames(*, kind: str, level: GridLevel) -> set[str]:
    """The unit permissions an assignment grants (ARCHITECTURE.md §4)."""
    if kind == RoleAssignment.Kind.INFO_ADMIN:
        return {"enter_unit", "view_unit"}
    return {f"{capability}_unit" for capability in level.capabilities} | {"view_unit"}


def permissions_sync(*, user: User, unit: GridUnit) -> None:
    """Make the user's guardian permissions on ``unit`` exactly what their current
    assignments there grant (several roles on one unit share permissions)."""
    wanted: set[str] = set()
    for kind in RoleAssignment.objects.filter(
        user=user, unit=unit, ended_at__isnull=True
    ).values_list("kind", flat=True):
        wanted |= granted_codenames(kind=kind, level=unit.level)
    existing = dict(
        GridUnitUserObjectPermission.objects.filter(user=user, content_object=unit).values_list(
            "permission__codename", "pk"
        )
    )
    GridUnitUserObjectPermission.objects.filter(
        pk__in=[pk for code, pk in existing.items() if code not in wanted]
    ).delete()
    missing = wanted - set(existing)
    if missing:
        permissions = Permission.objects.filter(
            content_type__app_label="governance", codename__in=missing
        )
        GridUnitUserObjectPermission.objects.bulk_create(
            GridUnitUserObjectPermission(user=user, content_object=unit, permission=permission)
            for permission in permissions
        )


@transaction.atomic
def role_assign(*, actor: Actor, unit: GridUnit, user: User, kind: str) -> RoleAssignment:
    """Make ``user`` the leader (or info administrator) of ``unit``; grant what the level names.

    A leader must be a registered resident (their household is half their score); the info
    administrator serves a village."""
    _require_admin(actor)
    unit = GridUnit.objects.select_related("level").get(pk=unit.pk)
    if kind not in RoleAssignment.Kind.values:
        raise ApplicationError("未知的角色。", code="invalid_choice", attr="kind")
    if not unit.is_active:
        raise ApplicationError("该网格已停用。", code="unit_inactive", attr="unit")
    own_household = None
    if kind == RoleAssignment.Kind.LEADER:
        resident = Resident.objects.filter(user=user, is_active=True).first()
        if resident is None:
            raise ApplicationError(
                "网格负责人须先绑定本人的村民档案（其积分一半来自本户）。",
                code="leader_without_resident",
                attr="user",
            )
        own_household = resident.household
    elif not unit.level.is_village:
        raise ApplicationError("信息管理员只能设在村级网格。", code="not_village", attr="unit")
    current = (
        RoleAssignment.objects.select_for_update()
        .filter(unit=unit, kind=kind, ended_at__isnull=True)
        .first()
    )
    if current is not None:
        if current.user_id == user.pk:
            return current
        raise Conflict(
            f"“{unit.name}”已有在任的{current.get_kind_display()}，请先卸任。",
            code="role_taken",
            attr="unit",
        )
    assignment = RoleAssignment.objects.create(
        kind=kind, unit=unit, user=user, own_household=own_household, assigned_by=actor.user
    )
    permissions_sync(user=user, unit=unit)
    audit_record(
        actor=actor,
        action="role.assign",
        obj=assignment,
        object_repr=f"{user} · {unit.name} · {assignment.get_kind_display()}",
        after={
            "kind": kind,
            "unit": unit.pk,
            "user": user.get_username(),
            "own_household": own_household,
        },
    )
    return assignment


@transaction.atomic
def role_revoke(*, actor: Actor, assignment: RoleAssignment) -> RoleAssignment:
    _require_admin(actor)
    assignment = (
        RoleAssignment.objects.select_for_update()
        .select_related("unit__level", "user")
        .get(pk=assignment.pk)
    )
    if assignment.ended_at is not None:
        return assignment
    assignment.ended_at = timezone.now()
    assignment.save(update_fields=["ended_at"])
    permissions_sync(user=assignment.user, unit=assignment.unit)
    audit_record(
        actor=actor,
        action="role.revoke",
        obj=assignment,
        object_repr=f"{assignment.user} · {assignment.unit.name} · {assignment.get_kind_display()}",
        before={"ended_at": None},
        after={"ended_at": assignment.ended_at.isoformat()},
    )
    return assignment


# ---------------------------------------------------------------- township settings
@transaction.atomic
def township_settings_update(*, actor: Actor, **values: Any) -> TownshipSettings:
    """The township admin changes the township's own settings (bean name, weights …).

    The settings live in the public schema; the change is audited in the township's log."""
    _require_admin(actor)
    settings_validate(values)
    from tenants.services import settings_from_template

    current = TownshipSettings.objects.select_for_update().get(township=actor.township)
    changes = settings_from_template(values)
    before = {key: getattr(current, key) for key in changes}
    for key, value in changes.items():
        setattr(current, key, value)
    current.full_clean(exclude=["township"])
    current.save()
    old, new = diff(
        {k: str(v) if not isinstance(v, (list, dict, int)) else v for k, v in before.items()},
        {k: str(v) if not isinstance(v, (list, dict, int)) else v for k, v in changes.items()},
    )
    if old or new:
        audit_record(
            actor=actor,
            action="settings.update",
            obj=current,
            object_repr="乡镇设置",
            before=old,
            after=new,
        )
    return current
