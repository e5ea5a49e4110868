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
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from governance.actors import Actor, actor_for
from tenants.errors import ApplicationError, NotFound, PermissionDenied
from tenants.models import Township

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


def public_page(view: View) -> View:
    """A page of the public site (the base domain): 404 on a township's host, login
    required, and domain errors that escape the view rendered as pages."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if getattr(request, "township", None) is not None:
            return not_found(request)
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            return view(request, *args, **kwargs)
        except ApplicationError as exc:
            return domain_error_page(request, exc)

    return wrapper


def actor_of(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined]


def township_of(request: HttpRequest) -> Township:
    """The township of the host (set by tenants.middleware; township pages only)."""
    return request.township  # type: ignore[attr-defined]


def bean_name_of(request: HttpRequest) -> str:
    return township_of(request).settings.bean_name


def in_bean_name(request: HttpRequest, text: str) -> str:
    """A service's message in the township's own words: the services say "积分豆" (the
    generic name); the page says the township's bean (山药豆, 棉花豆 …)."""
    return text.replace("积分豆", bean_name_of(request))


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(
    content: bytes, *, filename: str, content_type: str, inline: bool = False
) -> HttpResponse:
    """A file for the browser to save (or show, ``inline``), named in UTF-8."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = (
        content_disposition_header(as_attachment=not inline, filename=filename) or ""
    )
    return response


def posted(request: HttpRequest) -> Any:
    """The form data to bind: the POST (even an empty one), or None for a GET."""
    return request.POST if request.method == "POST" else None


def posted_files(request: HttpRequest) -> Any:
    return request.FILES if request.method == "POST" else None


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


def show_errors(
    form: Form,
    exc: ApplicationError,
    *,
    fields: dict[str, str] | None = None,
    bean_name: str = "",
) -> None:
    """Put a service's refusal next to the fields it names (``attr``), else on the form.

    ``fields`` maps a service attribute to the form field that carries it when their names
    differ (the service says ``records``, the form calls it ``selected``; a batch's
    ``lines[2]`` may be the third product's quantity). ``bean_name`` puts the township's
    own bean name in place of the services' generic "积分豆".
    """
    fields = fields or {}
    problems = exc.errors or [{"code": exc.code, "detail": exc.message, "attr": exc.attr}]
    for problem in problems:
        full = str(problem.get("attr") or "")
        attr = full.rsplit(".", 1)[-1]  # "lines[0].quantity" → "quantity"
        name = fields.get(full, fields.get(attr, attr))
        detail = str(problem.get("detail"))
        if bean_name:
            detail = detail.replace("积分豆", bean_name)
        form.add_error(name if name in form.fields else None, detail)
