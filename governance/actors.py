"""Who is acting, and where: the one object every selector and service scopes by.

Scope is fail-closed. A leader's reach is the set of units on which guardian grants them a
permission, and "a permission on a unit covers the units below it": a unit's ``path`` starts
with the granted unit's path. Township admins reach the whole township for every action;
the township leading group may view everything; everyone else reaches nothing but their
grants (and, for a resident, their own household).
"""

from __future__ import annotations

from functools import cached_property
from typing import Any, Final, cast

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from tenants.accounts.models import User
from tenants.models import Township

VIEW: Final = "view"
SUBMIT: Final = "submit"
AUDIT: Final = "audit"
ENTER: Final = "enter"
MANAGE: Final = "manage"
ACTIONS: Final = (VIEW, SUBMIT, AUDIT, ENTER, MANAGE)

# Which unit permissions let an actor take an action on a unit's subtree.
ACTION_CODENAMES: Final[dict[str, frozenset[str]]] = {
    VIEW: frozenset({"view_unit"}),
    SUBMIT: frozenset({"submit_unit", "enter_unit"}),  # the info administrator enters for groups
    AUDIT: frozenset({"audit_unit"}),
    ENTER: frozenset({"enter_unit"}),
    MANAGE: frozenset(),  # township admins only
}


class Everywhere:
    """The whole township (sentinel for township-wide reach)."""

    def __repr__(self) -> str:
        return "EVERYWHERE"


EVERYWHERE: Final = Everywhere()


class Actor:
    """A user acting in a township (or on the public site when ``township`` is None).

    ``user`` is declared as ``User`` although an actor may be built for an anonymous visitor
    (the public board page): every service and selector that reads ``actor.user`` runs only
    for authenticated actors — the API requires authentication before a view touches
    ``self.actor``, the other web pages log in first, and an anonymous actor reaches nothing
    (``paths_for`` is empty, so services refuse it before they use the user). The properties
    below that may see an anonymous user check ``is_authenticated`` first.
    """

    user: User

    def __init__(self, *, user: User | AnonymousUser, township: Township | None) -> None:
        self.user = cast(User, user)
        self.township = township

    def __repr__(self) -> str:
        where = self.township.slug if self.township else "public"
        return f"<Actor {getattr(self.user, 'username', '?')}@{where}>"

    # ---------------------------------------------------------------- identity
    @property
    def is_authenticated(self) -> bool:
        return bool(self.user and self.user.is_authenticated)

    @property
    def in_township(self) -> bool:
        return self.is_authenticated and self.township is not None

    @property
    def is_township_admin(self) -> bool:
        return self.in_township and self.user.is_township_admin

    @property
    def sees_whole_township(self) -> bool:
        return self.in_township and self.user.sees_whole_township

    @cached_property
    def resident(self) -> Any:
        """The resident this account belongs to (or None)."""
        if not self.in_township:
            return None
        from governance.models import Resident

        return (
            Resident.objects.filter(user=self.user, is_active=True)
            .select_related("household")
            .first()
        )

    @property
    def own_household_id(self) -> int | None:
        return self.resident.household_id if self.resident else None

    # ---------------------------------------------------------------- reach
    @cached_property
    def unit_grants(self) -> list[tuple[str, str, int]]:
        """(unit path, permission codename, unit id) for every unit permission the user holds."""
        if not self.in_township:
            return []
        from governance.models import GridUnitUserObjectPermission

        return list(
            GridUnitUserObjectPermission.objects.filter(
                user=self.user, content_object__is_active=True
            )
            .values_list("content_object__path", "permission__codename", "content_object_id")
            .order_by("content_object__path")
        )

    def paths_for(self, action: str) -> Everywhere | list[str]:
        """The unit paths under which ``action`` is allowed (or EVERYWHERE)."""
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        if self.is_township_admin or (action == VIEW and self.sees_whole_township):
            return EVERYWHERE
        codenames = ACTION_CODENAMES[action]
        paths = sorted({path for path, codename, _ in self.unit_grants if codename in codenames})
        # Drop paths covered by a shorter one: /1/ covers /1/5/.
        return [p for p in paths if not any(p != q and p.startswith(q) for q in paths)]

    def can(self, action: str, unit_path: str) -> bool:
        paths = self.paths_for(action)
        if paths is EVERYWHERE:
            return True
        return any(unit_path.startswith(p) for p in paths)  # type: ignore[union-attr]

    def scope_q(self, action: str, path_field: str) -> Q:
        """A filter for objects whose unit path is ``path_field`` and that ``action`` reaches.

        No grant means an impossible filter, never "no filter". Everywhere is an explicit
        always-true condition rather than an empty ``Q()``: ``Q() | Q(x)`` is just ``Q(x)``,
        so an empty Q would silently shrink to the other side of an OR.
        """
        paths = self.paths_for(action)
        if paths is EVERYWHERE:
            return Q(pk__isnull=False)
        if not paths:
            return Q(pk__in=[])
        condition = Q()
        for path in paths:  # type: ignore[union-attr]
            condition |= Q(**{f"{path_field}__startswith": path})
        return condition

    # ---------------------------------------------------------------- roles
    def roles(self) -> list[dict[str, Any]]:
        """The actor's roles with their scopes, for ``/api/v1/me/`` and the web pages."""
        if not self.is_authenticated:
            return []
        roles: list[dict[str, Any]] = []
        user = self.user
        if self.township is None:
            if user.is_superuser:
                roles.append({"role": "platform_admin", "title": "平台管理员", "scope": None})
            return roles
        if user.township_role:
            roles.append(
                {
                    "role": f"township_{user.township_role}",
                    "title": user.get_township_role_display(),
                    "scope": {
                        "kind": "township",
                        "slug": self.township.slug,
                        "name": self.township.name,
                    },
                    "capabilities": [a for a in ACTIONS if self.paths_for(a) is EVERYWHERE],
                }
            )
        from governance.selectors import assignment_list_current_for_user

        grants_by_unit: dict[int, set[str]] = {}
        for _path, codename, unit_id in self.unit_grants:
            grants_by_unit.setdefault(unit_id, set()).add(codename.removesuffix("_unit"))
        for assignment in assignment_list_current_for_user(user=user):
            unit = assignment.unit
            title = unit.level.leader_title if assignment.kind == "leader" else "信息管理员"
            roles.append(
                {
                    "role": "info_admin"
                    if assignment.kind == "info_admin"
                    else f"leader_level_{unit.level.depth}",
                    "title": title,
                    "scope": {
                        "kind": "unit",
                        "id": unit.pk,
                        "name": unit.name,
                        "level": unit.level.name,
                        "depth": unit.level.depth,
                    },
                    "capabilities": sorted(grants_by_unit.get(unit.pk, set())),
                }
            )
        if self.resident is not None:
            roles.append(
                {
                    "role": "resident",
                    "title": "村民",
                    "scope": {"kind": "household", "id": self.resident.household_id},
                    "capabilities": [],
                }
            )
        return roles


def actor_for(*, user: User | AnonymousUser, township: Township | None) -> Actor:
    return Actor(user=user, township=township)
