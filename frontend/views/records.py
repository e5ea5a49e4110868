"""录入积分 and 我提交的记录: submitting records for the households in scope, withdrawing them."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from frontend.forms import RecordForm
from frontend.pages import (
    UNPROCESSABLE,
    actor_of,
    forbidden,
    is_htmx,
    paginate,
    safe_next,
    show_errors,
    township_page,
)
from frontend.readers import head_names, my_records
from governance.actors import SUBMIT, Actor
from governance.selectors import household_list_for
from scoring import selectors, services
from scoring.models import PointRecord
from tenants.errors import ApplicationError, PermissionDenied


def can_submit(actor: Actor) -> bool:
    return bool(actor.paths_for(SUBMIT))


def record_form(request: HttpRequest, data: Any = None, files: Any = None) -> RecordForm:
    actor = actor_of(request)
    households = list(household_list_for(actor=actor, action=SUBMIT).filter(is_active=True))
    indicators = list(selectors.indicator_list().filter(is_active=True))
    today = services.township_now(request.township).date()  # type: ignore[attr-defined]
    return RecordForm(data, files, households=households, indicators=indicators, today=today)


@township_page
def record_new(request: HttpRequest) -> HttpResponse:
    """One record for one household in scope. Errors of the service (caps, month closed,
    evidence required …) come back next to the field they concern."""
    actor = actor_of(request)
    if not can_submit(actor):
        return forbidden(request, "您没有提交积分的权限。")
    form = record_form(request)
    status = 200
    if request.method == "POST":
        form = record_form(request, request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            line = services.RecordLine(
                household=data["household"],
                indicator=data["indicator"],
                occurred_on=data["occurred_on"],
                quantity=data["quantity"],
                note=data["note"],
                evidence=data.get("evidence") or None,
            )
            try:
                records, _created = services.point_records_submit(
                    actor=actor, lines=[line], idempotency_key=f"web-{data['submission_key']}"
                )
            except PermissionDenied as exc:
                # Only households in scope are offered; this is a household that left it.
                show_errors(form, exc, fields={"": "household"})
            except ApplicationError as exc:
                show_errors(form, exc)
            else:
                record = records[0]
                messages.success(
                    request,
                    f"已提交：农户 {record.household.number} · {record.indicator_name} "
                    f"{record.points:+d} 分，等待审核。",
                )
                return redirect(safe_next(request, reverse("frontend:records_mine")))
        status = UNPROCESSABLE
    return render(
        request,
        "frontend/records/new.html",
        {"form": form, "next": safe_next(request, "")},
        status=status,
    )


@township_page
def records_mine(request: HttpRequest) -> HttpResponse:
    """The records the actor submitted, newest first, with a withdraw button while pending."""
    actor = actor_of(request)
    records = my_records(actor=actor)
    status = request.GET.get("status", "")
    if status in PointRecord.Status.values:
        records = records.filter(status=status)
    page = paginate(request, records)
    names = head_names(actor=actor, household_ids=[r.household_id for r in page])
    return render(
        request,
        "frontend/records/mine.html",
        {
            "page": page,
            "names": names,
            "status": status,
            "statuses": PointRecord.Status.choices,
            "can_submit": can_submit(actor),
        },
    )


@require_POST
@township_page
def record_withdraw(request: HttpRequest, record_id: int) -> HttpResponse:
    actor = actor_of(request)
    record = selectors.record_get_for(actor=actor, record_id=record_id)
    error = ""
    try:
        record = services.point_record_withdraw(actor=actor, record=record)
    except PermissionDenied:
        raise  # not the submitter: the 403 page
    except ApplicationError as exc:
        error = exc.message  # already reviewed: say so where the button was
    if is_htmx(request):
        record = selectors.record_get_for(actor=actor, record_id=record_id)
        return render(
            request,
            "frontend/records/_mine_row.html",
            {
                "r": record,
                "names": head_names(actor=actor, household_ids=[record.household_id]),
                "error": error,
            },
            status=200,
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, f"已撤回记录 #{record.pk}。")
    return redirect(safe_next(request, reverse("frontend:records_mine")))
