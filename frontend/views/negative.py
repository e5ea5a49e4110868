"""负面惩戒清单: the village grid leader (their village) and the township admin list a
household, record its rectification, and take it off the list; the eligibility report says
per village who is restricted today, and from what (docs/adr/0005)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from frontend.forms_beans import EligibilityForm, NegativeEntryForm, RectifyForm
from frontend.pages import (
    UNPROCESSABLE,
    XLSX,
    actor_of,
    download,
    forbidden,
    paginate,
    posted,
    show_errors,
    township_of,
    township_page,
)
from frontend.readers import can_audit_anything
from governance.actors import AUDIT
from governance.models import GridUnit
from governance.selectors import household_list_for, unit_list_for
from rewards import documents, reports, selectors, services
from rewards.models import NegativeListEntry
from scoring.services import township_now
from tenants.errors import ApplicationError, NotFound, PermissionDenied

NO_NEGATIVE = "负面清单由村级网格长（本村）和乡镇管理员管理。"
STATES = (("current", "在清单中"), ("removed", "已移出"), ("all", "全部"))


def _villages(request: HttpRequest) -> list[GridUnit]:
    """The villages whose households the actor decides on (the admin: every village)."""
    actor = actor_of(request)
    villages = unit_list_for(actor=actor).filter(level__is_village=True, is_active=True)
    return [v for v in villages if actor.can(AUDIT, v.path)]


def _list_context(
    request: HttpRequest,
    form: NegativeEntryForm,
    *,
    rectify_forms: dict[int, RectifyForm] | None = None,
    row_errors: dict[int, str] | None = None,
) -> dict[str, Any]:
    actor = actor_of(request)
    entries = selectors.negative_list_for(actor=actor)
    villages = _villages(request)
    village = next((v for v in villages if str(v.pk) == request.GET.get("village")), None)
    if village is not None:
        entries = entries.filter(household__unit__path__startswith=village.path)
    state = request.GET.get("state", "current")
    if state == "current":
        entries = entries.filter(removed_at__isnull=True)
    elif state == "removed":
        entries = entries.filter(removed_at__isnull=False)
    return {
        "form": form,
        "page": paginate(request, entries),
        "villages": villages,
        "village": village,
        "state": state,
        "states": STATES,
        "rectify_forms": rectify_forms or {},
        "row_errors": row_errors or {},
        "blank_rectify": RectifyForm(),
    }


def _entry_form(request: HttpRequest, data: Any = None) -> NegativeEntryForm:
    actor = actor_of(request)
    today = township_now(township_of(request)).date()
    return NegativeEntryForm(
        data,
        households=household_list_for(actor=actor, action=AUDIT).filter(is_active=True),
        initial={"starts_on": today},
    )


@township_page
def negative_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not can_audit_anything(actor):
        return forbidden(request, NO_NEGATIVE)
    form = _entry_form(request, posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entry = services.negative_entry_create(
                actor=actor,
                household=data["number"],
                kind=data["kind"],
                reason=data["reason"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
            )
        except (NotFound, PermissionDenied):
            raise
        except ApplicationError as exc:
            show_errors(form, exc, fields={"household": "number"})
        else:
            messages.success(
                request,
                f"已将农户 {entry.household.number} 列入负面清单（{entry.get_kind_display()}）。",
            )
            return redirect("frontend:negative")
    return render(
        request,
        "frontend/negative/list.html",
        _list_context(request, form),
        status=UNPROCESSABLE if form.errors else 200,
    )


def _entry(request: HttpRequest, entry_id: int) -> NegativeListEntry:
    entry = selectors.negative_list_for(actor=actor_of(request)).filter(pk=entry_id).first()
    if entry is None:
        raise NotFound("没有找到该负面清单记录。", code="negative_entry_not_found")
    return entry


@require_POST
@township_page
def negative_rectify(request: HttpRequest, entry_id: int) -> HttpResponse:
    actor = actor_of(request)
    entry = _entry(request, entry_id)
    form = RectifyForm(request.POST)
    if form.is_valid():
        try:
            services.negative_entry_rectify(
                actor=actor, entry=entry, rectification=form.cleaned_data["rectification"]
            )
        except (NotFound, PermissionDenied):
            raise
        except ApplicationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, f"已登记农户 {entry.household.number} 的整改情况。")
            return redirect("frontend:negative")
    context = _list_context(request, _entry_form(request), rectify_forms={entry.pk: form})
    return render(request, "frontend/negative/list.html", context, status=UNPROCESSABLE)


@require_POST
@township_page
def negative_remove(request: HttpRequest, entry_id: int) -> HttpResponse:
    actor = actor_of(request)
    entry = _entry(request, entry_id)
    try:
        services.negative_entry_remove(actor=actor, entry=entry)
    except (NotFound, PermissionDenied):
        raise
    except ApplicationError as exc:
        context = _list_context(request, _entry_form(request), row_errors={entry.pk: exc.message})
        return render(request, "frontend/negative/list.html", context, status=UNPROCESSABLE)
    messages.success(request, f"已将农户 {entry.household.number} 移出负面清单。")
    return redirect("frontend:negative")


@township_page
def eligibility(request: HttpRequest) -> HttpResponse:
    """Per village: who is restricted on a day, and from what; ``?export=xlsx`` downloads."""
    actor = actor_of(request)
    if not can_audit_anything(actor):
        return forbidden(request, NO_NEGATIVE)
    today = township_now(township_of(request)).date()
    form = EligibilityForm(request.GET or None, villages=_villages(request))
    village, on = None, today
    if form.is_valid():
        village = form.cleaned_data["village"]
        on = form.cleaned_data["on"] or today
    rows = reports.eligibility(actor=actor, on=on, village=village)
    if request.GET.get("export") == "xlsx":
        content = documents.xlsx(
            title=f"资格名单{on:%Y%m%d}",
            headers=reports.ELIGIBILITY_HEADERS,
            rows=reports.eligibility_rows(rows),
        )
        name = f"资格名单-{village.name if village else '全部'}-{on:%Y%m%d}.xlsx"
        return download(content, filename=name, content_type=XLSX)
    return render(
        request,
        "frontend/negative/eligibility.html",
        {
            "form": form,
            "rows": rows,
            "on": on,
            "village": village,
            "yes": reports.ELIGIBILITY_YES,
            "share": reports.ELIGIBILITY_SHARE,
        },
    )
