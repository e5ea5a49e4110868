"""The audit log of administrative changes: written inside the change's own transaction."""

from __future__ import annotations

from typing import Any

from django.db import models

from governance.models import AuditEntry


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str | None = None,
    object_id: Any = None,
    object_repr: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Record who did what to which object, with the values before and after.

    Call it inside the service's transaction: if the change rolls back, so does its entry.
    Values must already be safe to show an admin (personal numbers masked).
    """
    user = getattr(actor, "user", actor)
    authenticated = bool(getattr(user, "is_authenticated", False))
    return AuditEntry.objects.create(
        actor=user if authenticated else None,
        actor_name=(user.get_username() if authenticated else str(actor or "system"))[:150],
        action=action,
        object_type=object_type or (obj._meta.label_lower if obj is not None else ""),
        object_id=str(object_id if object_id is not None else getattr(obj, "pk", "")),
        object_repr=(object_repr or str(obj or ""))[:200],
        before=_jsonable(before),
        after=_jsonable(after),
    )


def _jsonable(values: dict[str, Any] | None) -> dict[str, Any] | None:
    if values is None:
        return None
    out: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, models.Model):
            out[key] = value.pk
        elif isinstance(value, (str, int, float, bool, type(None), list, dict)):
            out[key] = value
        else:
            out[key] = str(value)
    return out


def diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the fields that changed, for a compact entry."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}
