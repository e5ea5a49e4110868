from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def township(request: HttpRequest) -> dict[str, Any]:
    current = getattr(request, "township", None)
    bean = None
    if current is not None:
        try:
            bean = current.settings.bean_name
        except Exception:
            bean = None
    return {"township": current, "bean_name": bean or "积分豆"}
