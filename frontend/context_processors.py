from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from governance.actors import AUDIT, SUBMIT, Actor


def _nav(actor: Actor) -> dict[str, bool]:
    """Which sections the header links to: only what the actor's roles allow (evaluated
    only when a page renders the header)."""
    from frontend.counter import can_use_counter
    from frontend.readers import can_see_awards
    from governance.roster import can_import

    reaches_units = bool(actor.unit_grants) or actor.sees_whole_township
    return {
        "submit": bool(actor.paths_for(SUBMIT)),
        "review": bool(actor.paths_for(AUDIT)),
        "households": reaches_units or actor.own_household_id is not None,
        "months": True,
        "counter": can_use_counter(actor),
        "negative": bool(actor.paths_for(AUDIT)),
        "awards": can_see_awards(actor),
        # The admin reaches the roster from 管理; an info administrator from the header.
        "roster": can_import(actor) and not actor.is_township_admin,
        "manage": actor.is_township_admin,
    }


def _public_nav(user: Any) -> dict[str, bool]:
    from tenants.selectors import counties_for

    return {"county": bool(user.is_authenticated and counties_for(user=user).exists())}


def township(request: HttpRequest) -> dict[str, Any]:
    current = getattr(request, "township", None)
    bean = None
    if current is not None:
        try:
            bean = current.settings.bean_name
        except Exception:
            bean = None
    actor = getattr(request, "actor", None)
    nav = SimpleLazyObject(lambda: _nav(actor)) if actor is not None and actor.in_township else None
    public_nav = (
        SimpleLazyObject(lambda: _public_nav(request.user))
        if current is None and hasattr(request, "user")
        else None
    )
    return {
        "township": current,
        "bean_name": bean or "积分豆",
        "nav": nav,
        "public_nav": public_nav,
    }
