"""What every server-rendered page shares: the actor, errors as pages, pagination.

A township page runs on a township's host as an ``Actor`` (``request.actor``), exactly like
an API view. The domain's refusals become pages: out of scope (``NotFound``) is the 404 page,
an action that is not the actor's (``PermissionDenied``) the 403 page, and anything else a
service refuses is shown where it happened — next to the fields of the form that caused it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from governance.actors import Actor, actor_for
from tenants.errors import ApplicationError, NotFound, PermissionDenied

View = Callable[..., HttpResponse]

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 200
# A form the domain refused is answered 422 (htmx is configured to swap it in place).
UNPROCESSABLE = 422


def error_page(
    request: HttpRequest, *, status: int, title: str, detail: str, code: str = ""
) -> HttpResponse:
    return render(
        request,
        "frontend/error.html",
        {"title": title, "detail": detail, "code": code, "status": status},
        status=status,
    )


def not_found(request: HttpRequest, detail: str = "") -> HttpResponse:
    return error_page(
        request,
        status=404,
        title=_("没有找到"),
        detail=detail or _("您要找的页面不存在，或不在您的管辖范围内。"),
        code="not_found",
    )


def forbidden(request: HttpRequest, detail: str = "") -> HttpResponse:
    return error_page(
        request,
        status=403,
        title=_("没有权限"),
        detail=detail or _("您没有进行此操作的权限。"),
        code="permission_denied",
    )


def domain_error_page(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    if isinstance(exc, NotFound):
        return not_found(request, exc.message)
    if isinstance(exc, PermissionDenied):
        return forbidden(request, exc.message)
    return error_page(
        request,
        status=exc.status_code,
        title=_("无法完成操作"),
        detail=exc.message,
        code=exc.code,
    )


def township_page(view: View | None = None, *, login: bool = True) -> Any:
    """A page of a township's host: 404 on the public site, login unless ``login=False``,
    ``request.actor`` set, and domain errors that escape the view rendered as pages."""

    def decorate(func: View) -> View:
        @wraps(func)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            township = getattr(request, "township", None)
            if township is None:
                return not_found(request)
            if login and not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            request.actor = actor_for(user=request.user, township=township)  # type: ignore[attr-defined]
            try:
                return func(request, *args, **kwargs)
            except ApplicationError as exc:
                return domain_error_page(request, exc)

        return wrapper

    return decorate(view) if view is not None else decorate


def actor_of(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined]


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def paginate(
    request: HttpRequest,
    queryset: QuerySet[Any] | list[Any],
    *,
    per_page: int = DEFAULT_PAGE_SIZE,
    param: str = "page",
) -> Page:
    """One page of ``queryset`` (two queries: the count and the page). ``?page_size=``
    (``?<param>_size=`` for a second list on the page) may ask for up to MAX_PAGE_SIZE rows."""
    size_param = "page_size" if param == "page" else f"{param}_size"
    try:
        size = int(request.GET.get(size_param, per_page))
    except ValueError:
        size = per_page
    size = max(1, min(size, MAX_PAGE_SIZE))
    return Paginator(queryset, size).get_page(request.GET.get(param))


def safe_next(request: HttpRequest, fallback: str) -> str:
    """Where to go after a POST: ``next`` if it stays on this host, else ``fallback``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def show_errors(form: Form, exc: ApplicationError, *, fields: dict[str, str] | None = None) -> None:
    """Put a service's refusal next to the fields it names (``attr``), else on the form.

    ``fields`` maps a service attribute to the form field that carries it when their names
    differ (the service says ``records``, the form calls it ``selected``).
    """
    fields = fields or {}
    problems = exc.errors or [{"code": exc.code, "detail": exc.message, "attr": exc.attr}]
    for problem in problems:
        attr = str(problem.get("attr") or "")
        attr = attr.rsplit(".", 1)[-1]  # "lines[0].quantity" → "quantity"
        name = fields.get(attr, attr)
        form.add_error(name if name in form.fields else None, str(problem.get("detail")))
