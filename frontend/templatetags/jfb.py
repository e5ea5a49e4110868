"""Small display helpers for the pages (``{% load jfb %}``)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django import template
from django.forms import BoundField
from django.utils import timezone

from governance.personal_data import mask_name

register = template.Library()


register.filter("mask_name", mask_name)


@register.filter
def signed(value: Any) -> str:
    """+3, −2, 0 (points read better with their sign)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, Decimal):
        text = f"{value:+.2f}" if value != value.to_integral() else f"{int(value):+d}"
    else:
        text = f"{int(value):+d}"
    return "0" if text in {"+0", "-0", "+0.00", "-0.00"} else text


@register.filter
def percent(value: Any, digits: int = 1) -> str:
    """0.7143 → 71.4%."""
    if value is None or value == "":
        return "—"
    return f"{float(value) * 100:.{int(digits)}f}%"


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """``{{ names|get_item:r.household_id }}``: a dict entry by a variable key."""
    if not mapping:
        return None
    return mapping.get(key)


@register.filter
def local(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if value is None:
        return ""
    return timezone.localtime(value).strftime(fmt)


@register.filter
def css(field: BoundField, classes: str) -> str:
    """Render a form field's widget with extra CSS classes."""
    attrs = dict(field.field.widget.attrs)
    attrs["class"] = f"{attrs.get('class', '')} {classes}".strip()
    return field.as_widget(attrs=attrs)


@register.inclusion_tag("frontend/_field.html")
def field(bound: BoundField, **options: Any) -> dict[str, Any]:
    """A form field with its label and, right under it, its errors."""
    return {"f": bound, **options}


@register.inclusion_tag("frontend/_pagination.html", takes_context=True)
def pagination(context: template.Context, page: Any, param: str = "page") -> dict[str, Any]:
    return {"page": page, "param": param, "request": context.get("request")}


@register.simple_tag(takes_context=True)
def page_url(context: template.Context, param: str, number: int) -> str:
    """The current URL with ``param`` set to ``number`` (other query parameters kept)."""
    request = context["request"]
    query = request.GET.copy()
    query[param] = number
    return f"?{query.urlencode()}"
