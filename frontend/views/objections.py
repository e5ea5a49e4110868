"""异议: raised by a resident (or a leader) during publicity, decided by the village grid leader."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from frontend.forms import ObjectionDecideForm, ObjectionRaiseForm
from frontend.pages import (
    UNPROCESSABLE,
    actor_of,
    is_htmx,
    paginate,
    safe_next,
    show_errors,
    township_page,
)
from frontend.readers import can_audit_anything, objections_to_decide
from frontend.views.households import raise_form_for
from governance.selectors import household_get_for
from scoring import selectors, services
from tenants.errors import ApplicationError, NotFound, PermissionDenied


def _list_context(request: HttpRequest, forms: dict | None = None) -> dict:
    actor = actor_of(request)
    to_decide = objections_to_decide(actor=actor) if can_audit_anything(actor) else None
    others = selectors.objection_list_for(actor=actor)
    if to_decide is not None:
        others = others.exclude(pk__in=to_decide.values("pk"))
    return {
        "to_decide": paginate(request, to_decide, param="open") if to_decide is not None else None,
        "page": paginate(request, others),
        "forms": forms or {},
        "blank": ObjectionDecideForm(),
    }


@township_page
def objection_list(request: HttpRequest) -> HttpResponse:
    return render(request, "frontend/objections/list.html", _list_context(request))


@require_POST
@township_page
def objection_raise(request: HttpRequest, household_id: int, label: str) -> HttpResponse:
    """Raise an objection to a household's month in publicity (own household, or a leader)."""
    actor = actor_of(request)
    household = household_get_for(actor=actor, household_id=household_id)
    month = selectors.month_get(label=label)
    template_form = raise_form_for(actor, household, month)
    records = list(template_form.records.values()) if template_form is not None else []
    form = ObjectionRaiseForm(request.POST, records=records)
    fallback = reverse("frontend:household", args=[household.pk])
    if form.is_valid():
        try:
            services.objection_raise(
                actor=actor,
                household=household,
                month=month,
                record=form.cleaned_data["record"],
                reason=form.cleaned_data["reason"],
            )
        except (NotFound, PermissionDenied):
            raise
        except ApplicationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, f"已提出对 {month.label} 的异议，处理后会答复。")
            return redirect(safe_next(request, fallback))
    return render(
        request,
        "frontend/objections/raise.html",
        {"form": form, "household": household, "month": month, "next": safe_next(request, "")},
        status=UNPROCESSABLE,
    )


@require_POST
@township_page
def objection_decide(request: HttpRequest, objection_id: int) -> HttpResponse:
    """Uphold (with corrective points, or reversing the record objected to) or dismiss."""
    actor = actor_of(request)
    objection = selectors.objection_get_for(actor=actor, objection_id=objection_id)
    form = ObjectionDecideForm(request.POST)
    if form.is_valid():
        uphold = form.cleaned_data["decision"] == "uphold"
        try:
            objection = services.objection_decide(
                actor=actor,
                objection=objection,
                uphold=uphold,
                reply=form.cleaned_data["reply"],
                correction_points=form.cleaned_data["correction_points"] if uphold else None,
            )
        except (NotFound, PermissionDenied):
            raise
        except ApplicationError as exc:
            show_errors(form, exc)
        else:
            if is_htmx(request):
                return render(request, "frontend/objections/_decided.html", {"o": objection})
            messages.success(
                request,
                f"已{objection.get_status_display()}农户 {objection.household.number} 的异议。",
            )
            return redirect(safe_next(request, reverse("frontend:objections")))
    if is_htmx(request):
        return render(
            request,
            "frontend/objections/_decide.html",
            {"o": objection, "form": form},
            status=UNPROCESSABLE,
        )
    context = _list_context(request, forms={objection.pk: form})
    return render(request, "frontend/objections/list.html", context, status=UNPROCESSABLE)
