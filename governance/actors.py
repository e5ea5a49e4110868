"""Who is acting, and where: the one object every selector and service scopes by."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser

from tenants.accounts.models import User
from tenants.models import Township


class Actor:
    """A user acting in a township (or on the public site when ``township`` is None)."""

    def __init__(self, *, user: User | AnonymousUser, township: Township | None) -> None:
        self.user = user
        self.township = township

    def __repr__(self) -> str:
        return f"<Actor {getattr(self.user, 'username', '?')}@{self.township.slug if self.township else 'public'}>"

    @property
    def is_authenticated(self) -> bool:
        return bool(self.user and self.user.is_authenticated)

    @property
    def is_township_admin(self) -> bool:
        return self.is_authenticated and self.township is not None and self.user.is_township_admin  # type: ignore[union-attr]

    @property
    def sees_whole_township(self) -> bool:
        return self.is_authenticated and self.township is not None and self.user.sees_whole_township  # type: ignore[union-attr]

    def roles(self) -> list[dict[str, Any]]:
        """The actor's roles with their scopes, for ``/api/v1/me/`` and the web pages."""
        if not self.is_authenticated:
            return []
        roles: list[dict[str, Any]] = []
        user: User = self.user  # type: ignore[assignment]
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
                }
            )
        return roles


def actor_for(*, user: User | AnonymousUser, township: Township | None) -> Actor:
    return Actor(user=user, township=township)
