"""乡镇设置: the township's own settings (bean name, leader weights, the month's schedule,
the quarter's tiers, the year's awards) and its grid levels — the township admin's.

Every change goes through governance.services (township_settings_update, level_update),
which keep the rules and write the audit entry in the same transaction; a refusal comes
back next to the field it names.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from frontend.forms_manage import LevelForm, TownshipSettingsForm
from frontend.pages import (
    UNPROCESSABLE,
    actor_of,
    forbidden,
    posted,
    show_errors,
    township_of,
    township_page,
)
from governance import selectors as grid
from governance import services as grid_services
from governance.models import Capability, GridLevel
from tenants.errors import ApplicationError, NotFound, PermissionDenied

ADMIN_ONLY = "只有乡镇管理员可以修改乡镇设置。"


def _in_words(form: Form, exc: ApplicationError) -> ApplicationError:
    """The settings' rules name the setting by its key ("publicity_days 须为 1–30 的整数");
    the page says its label instead ("公示天数须为 1–30 的整数")."""
    problems = exc.errors or [{"code": exc.code, "detail": exc.message, "attr": exc.attr}]
    worded = []
    for problem in problems:
        detail, attr = str(problem.get("detail")), str(problem.get("attr") or "")
        if attr in form.fields:
            label = str(form.fields[attr].label)
            detail = detail.replace(f"{attr} ", label).replace(attr, label)
        worded.append({**problem, "detail": detail})
    return ApplicationError(exc.message, code=exc.code, attr=exc.attr, errors=worded)


def _average_weight(form: TownshipSettingsForm) -> Decimal | None:
    """1 − the leader's own weight, for the value in the form (None when it is not one)."""
    try:
        own = Decimal(str(form["leader_own_weight"].value()))
    except (InvalidOperation, ValueError):
        return None
    return Decimal(1) - own if Decimal(0) <= own <= Decimal(1) else None


def _levels(levels: list[GridLevel]) -> list[dict[str, Any]]:
    labels = dict(Capability.choices)
    return [
        {
            "level": level,
            "capabilities": [str(labels.get(c, c)) for c in level.capabilities],
        }
        for level in levels
    ]


def _page(
    request: HttpRequest,
    *,
    form: TownshipSettingsForm | None = None,
    level_form: LevelForm | None = None,
    status: int = 200,
) -> HttpResponse:
    levels = list(grid.level_list())
    settings = township_of(request).settings
    form = form or TownshipSettingsForm(township_settings=settings, levels=levels)
    rows = _levels(levels)
    for row in rows:
        bound = level_form is not None and level_form.level.pk == row["level"].pk
        row["form"] = level_form if bound else LevelForm(level=row["level"])
    return render(
        request,
        "frontend/manage/settings.html",
        {"form": form, "average_weight": _average_weight(form), "levels": rows},
        status=status,
    )


@township_page
def township_settings(request: HttpRequest) -> HttpResponse:
    """The settings, edited as one form (only what changed is audited)."""
    actor = actor_of(request)
    if not actor.is_township_admin:
        return forbidden(request, ADMIN_ONLY)
    if request.method != "POST":
        return _page(request)
    form = TownshipSettingsForm(
        posted(request),
        township_settings=township_of(request).settings,
        levels=list(grid.level_list()),
    )
    if form.is_valid():
        try:
            grid_services.township_settings_update(actor=actor, **form.cleaned_data)
        except (NotFound, PermissionDenied):
            raise
        except ApplicationError as exc:
            show_errors(form, _in_words(form, exc))
        else:
            if form.has_changed():
                messages.success(request, "已保存乡镇设置。")
            else:
                messages.info(request, "没有修改任何内容。")
            return redirect("frontend:township_settings")
    return _page(request, form=form, status=UNPROCESSABLE)


@require_POST
@township_page
def level_edit(request: HttpRequest, level_id: int) -> HttpResponse:
    """Rename a level, retitle its leaders or change what they may do; the leaders in office
    get or lose the matching permissions (governance.services.level_update)."""
    actor = actor_of(request)
    if not actor.is_township_admin:
        return forbidden(request, ADMIN_ONLY)
    level = grid.level_list().filter(pk=level_id).first()
    if level is None:
        raise NotFound("没有找到该网格层级。", code="level_not_found")
    form = LevelForm(request.POST, level=level)
    if form.is_valid():
        try:
            updated = grid_services.level_update(actor=actor, level=level, **form.cleaned_data)
        except (NotFound, PermissionDenied):
            raise
        except ApplicationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, f"已保存网格层级“{updated.name}”。")
            return redirect(f"{reverse('frontend:township_settings')}#level-{level.pk}")
    return _page(request, level_form=form, status=UNPROCESSABLE)
