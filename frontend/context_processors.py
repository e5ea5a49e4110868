from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from governance.actors import AUDIT, SUBMIT, Actor


def _nav(actor: Actor) -> dict[str, bool]:
    """Which sections the header links to (evaluated only when a page renders the header)."""
    reaches_units = bool(actor.unit_grants) or actor.sees_whole_township
    return {
        "submit": bool(actor.paths_for(SUBMIT)),
        "review": bool(actor.paths_for(AUDIT)),
        "households": reaches_units or actor.own_household_id is not None,
        "months": True,
    }


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
    return {"township": current, "bean_name": bean or "积分豆", "nav": nav}
