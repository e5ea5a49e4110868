"""乡镇管理: the indicator catalog and its categories, accounts and roles, and the audit log
(township admin).

The catalog can be read by every account of the township (it says what earns and costs
points); only the township admin edits it, and each edit is a new version with its
revision kept (scoring.services.indicator_update).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from frontend.forms_manage import (
    AuditFilterForm,
    CategoryForm,
    IndicatorForm,
    RoleAssignForm,
    UserCreateForm,
)
from frontend.pages import (
    UNPROCESSABLE,
    actor_of,
    forbidden,
    paginate,
    posted,
    show_errors,
    township_of,
    township_page,
)
from governance import selectors as grid
from governance import services as grid_services
from governance.actors import MANAGE, Actor
from governance.models import RoleAssignment
from scoring import selectors, services
from scoring.models import Indicator
from tenants.errors import ApplicationError, NotFound, PermissionDenied

ADMIN_ONLY = "只有乡镇管理员可以进行此操作。"


def _require_admin(actor: Actor) -> None:
    if not actor.is_township_admin:
        raise grid.forbidden(MANAGE)


@township_page
def manage_index(request: HttpRequest) -> HttpResponse:
    if not actor_of(request).is_township_admin:
        return forbidden(request, ADMIN_ONLY)
    return render(request, "frontend/manage/index.html")


# ---------------------------------------------------------------- the catalog
def _catalog(
    request: HttpRequest, category_form: CategoryForm | None = None, *, status: int = 200
) -> HttpResponse:
    categories = list(selectors.category_list())
    indicators = list(selectors.indicator_list())
    by_category: dict[int, list[Indicator]] = {}
    for indicator in indicators:
        by_category.setdefault(indicator.category_id, []).append(indicator)
    can_edit = actor_of(request).is_township_admin
    return render(
        request,
        "frontend/manage/indicators.html",
        {
            "sections": [(c, by_category.get(c.pk, [])) for c in categories],
            "can_edit": can_edit,
            "category_form": (category_form or CategoryForm()) if can_edit else None,
        },
        status=status,
    )


@township_page
def indicator_list(request: HttpRequest) -> HttpResponse:
    """The catalog by category (every account reads it; the admin edits)."""
    return _catalog(request)


@require_POST
@township_page
def category_new(request: HttpRequest) -> HttpResponse:
    """A new category of the catalog (积分类别), mapped to one of the four governances."""
    actor = actor_of(request)
    if not actor.is_township_admin:
        return forbidden(request, "只有乡镇管理员可以修改积分指标目录。")
    form = CategoryForm(request.POST)
    if form.is_valid():
        try:
            category = services.category_create(actor=actor, **form.cleaned_data)
        except (NotFound, PermissionDenied):
            raise
        except ApplicationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, f"已添加积分类别“{category.name}”，现在可以为它新增指标。")
            return redirect(f"{reverse('frontend:indicators')}#category-{category.code}")
    return _catalog(request, form, status=UNPROCESSABLE)


def _indicator(indicator_id: int) -> Indicator:
    indicator = selectors.indicator_list().filter(pk=indicator_id).first()
    if indicator is None:
        raise NotFound("没有找到该指标。", code="indicator_not_found")
    return indicator


@township_page
def indicator_new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not actor.is_township_admin:
        return forbidden(request, "只有乡镇管理员可以修改积分指标目录。")
    categories = list(selectors.category_list())
    form = IndicatorForm(posted(request), categories=categories)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                indicator = services.indicator_create(
                    actor=actor, category=data.pop("category"), **data
                )
            except (NotFound, PermissionDenied):
                raise
            except ApplicationError as exc:
                show_errors(form, exc)
            else:
                messages.success(request, f"已添加指标“{indicator.name}”（第 1 版）。")
                return redirect("frontend:indicator", indicator.pk)
        status = UNPROCESSABLE
    return render(
        request,
        "frontend/manage/indicator_form.html",
        {"form": form, "indicator": None},
        status=status,
    )


def _revisions(indicator: Indicator) -> list[dict[str, Any]]:
    """The indicator's versions, newest first, each with what changed from the one before."""
    revisions = list(indicator.revisions.select_related("changed_by").order_by("version"))
    rows = []
    previous: dict[str, Any] = {}
    for revision in revisions:
        snapshot = revision.snapshot or {}
        changed = [k for k in snapshot if previous and previous.get(k) != snapshot.get(k)]
        rows.append({"r": revision, "s": snapshot, "changed": changed})
        previous = snapshot
    return list(reversed(rows))


@township_page
def indicator_edit(request: HttpRequest, indicator_id: int) -> HttpResponse:
    """An indicator with its revision history; the admin edits it (a new version)."""
    actor = actor_of(request)
    indicator = _indicator(indicator_id)
    if request.method == "POST" and not actor.is_township_admin:
        return forbidden(request, "只有乡镇管理员可以修改积分指标目录。")
    categories = list(selectors.category_list())
    form = IndicatorForm(posted(request), categories=categories, indicator=indicator)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                updated = services.indicator_update(
                    actor=actor, indicator=indicator, **form.cleaned_data
                )
            except (NotFound, PermissionDenied):
                raise
            except ApplicationError as exc:
                show_errors(form, exc)
            else:
                if updated.version == indicator.version:
                    messages.info(request, "没有修改任何内容。")
                else:
                    messages.success(
                        request, f"已保存“{updated.name}”，现为第 {updated.version} 版。"
                    )
                return redirect("frontend:indicator", indicator.pk)
        status = UNPROCESSABLE
    return render(
        request,
        "frontend/manage/indicator_form.html",
        {
            "form": form if actor.is_township_admin else None,
            "indicator": indicator,
            "revisions": _revisions(indicator),
        },
        status=status,
    )


# ---------------------------------------------------------------- accounts
def _users(actor: Actor) -> Any:
    anonymous = getattr(settings, "ANONYMOUS_USER_NAME", "AnonymousUser")
    current = RoleAssignment.objects.filter(ended_at__isnull=True).select_related(
        "unit", "unit__level"
    )
    return (
        grid.user_list_for(actor=actor)
        .exclude(username=anonymous)
        .select_related("resident__household")
        .prefetch_related(Prefetch("assignments", queryset=current, to_attr="current_roles"))
    )


@township_page
def user_list(request: HttpRequest) -> HttpResponse:
    """Accounts; the admin creates one (linked to a resident) and sees its password once."""
    actor = actor_of(request)
    users = _users(actor)  # 403 for anyone but the township admin
    form = UserCreateForm(posted(request), residents=grid.resident_list_for(actor=actor))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, password = grid_services.user_create(
                actor=actor,
                username=data["username"],
                display_name=data["display_name"],
                resident=data["resident"],
                township_role=data["township_role"],
            )
        except (NotFound, PermissionDenied):
            raise
        except ApplicationError as exc:
            show_errors(form, exc, fields={"resident": "resident_name"})
        else:
            response = render(
                request,
                "frontend/manage/user_created.html",
                {"new_user": user, "password": password, "resident": data["resident"]},
            )
            response["Cache-Control"] = "no-store"  # the password is shown once
            return response
    query = request.GET.get("q", "").strip()
    if query:
        users = users.filter(Q(username__icontains=query) | Q(display_name__contains=query))
    return render(
        request,
        "frontend/manage/users.html",
        {"page": paginate(request, users), "form": form, "q": query},
        status=UNPROCESSABLE if form.errors else 200,
    )


# ---------------------------------------------------------------- roles
def _roles_context(request: HttpRequest, form: RoleAssignForm) -> dict[str, Any]:
    actor = actor_of(request)
    assignments = grid.assignment_list_for(actor=actor).select_related("unit__parent")
    show_all = request.GET.get("all") == "1"
    if not show_all:
        assignments = assignments.filter(ended_at__isnull=True)
    unit = None
    if request.GET.get("unit", "").isdigit():
        unit = grid.unit_get_for(actor=actor, unit_id=int(request.GET["unit"]))
        assignments = assignments.filter(unit__path__startswith=unit.path)
    kind = request.GET.get("kind", "")
    if kind in RoleAssignment.Kind.values:
        assignments = assignments.filter(kind=kind)
    return {
        "page": paginate(request, assignments),
        "form": form,
        "show_all": show_all,
        "unit": unit,
        "kind": kind,
        "kinds": RoleAssignment.Kind.choices,
        "units": list(form.units.values()),
    }


def _assign_form(request: HttpRequest, data: Any = None) -> RoleAssignForm:
    actor = actor_of(request)
    return RoleAssignForm(
        data,
        units=list(grid.unit_list_for(actor=actor).filter(is_active=True)),
        users=grid.user_list_for(actor=actor),
    )


@township_page
def role_list(request: HttpRequest) -> HttpResponse:
    """Leaders and info administrators on units: assign (POST) and revoke."""
    actor = actor_of(request)
    _require_admin(actor)
    form = _assign_form(request, posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assignment = grid_services.role_assign(
                actor=actor, unit=data["unit"], user=data["username"], kind=data["kind"]
            )
        except (NotFound, PermissionDenied):
            raise
        except ApplicationError as exc:
            show_errors(form, exc, fields={"user": "username"})
        else:
            title = (
                assignment.unit.level.leader_title
                if assignment.kind == RoleAssignment.Kind.LEADER
                else assignment.get_kind_display()
            )
            messages.success(
                request, f"已任命 {assignment.user} 为 {assignment.unit.name} 的{title}。"
            )
            return redirect("frontend:roles")
    return render(
        request,
        "frontend/manage/roles.html",
        _roles_context(request, form),
        status=UNPROCESSABLE if form.errors else 200,
    )


@require_POST
@township_page
def role_revoke(request: HttpRequest, assignment_id: int) -> HttpResponse:
    actor = actor_of(request)
    _require_admin(actor)
    assignment = grid.assignment_get_for(actor=actor, assignment_id=assignment_id)
    assignment = grid_services.role_revoke(actor=actor, assignment=assignment)
    messages.success(
        request,
        f"{assignment.user} 已卸任 {assignment.unit.name} 的{assignment.get_kind_display()}。",
    )
    return redirect("frontend:roles")


# ---------------------------------------------------------------- the audit log
@township_page
def audit_log(request: HttpRequest) -> HttpResponse:
    """Every administrative change, newest first, filtered by action, actor, object, dates."""
    actor = actor_of(request)
    entries = grid.audit_list_for(actor=actor)  # 403 for anyone but the township admin
    form = AuditFilterForm(request.GET or None)
    if form.is_valid():
        data = form.cleaned_data
        tz = ZoneInfo(township_of(request).settings.timezone)
        if data["action"]:
            entries = entries.filter(action__startswith=data["action"].strip())
        if data["actor"]:
            entries = entries.filter(actor_name=data["actor"].strip())
        if data["object_type"]:
            entries = entries.filter(object_type=data["object_type"].strip())
        if data["since"]:
            entries = entries.filter(at__gte=datetime.combine(data["since"], time.min, tz))
        if data["until"]:
            end = datetime.combine(data["until"] + timedelta(days=1), time.min, tz)
            entries = entries.filter(at__lt=end)
    return render(
        request,
        "frontend/manage/audit.html",
        {"form": form, "page": paginate(request, entries, per_page=50)},
    )
