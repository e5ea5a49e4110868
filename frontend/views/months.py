"""月度: the month's state machine (close → confirm → publish → finalize) and its results,
drilled down month → grid units (every level) → households → records, and leaders' scores."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from frontend.forms import ConfirmForm, PublishForm
from frontend.pages import (
    UNPROCESSABLE,
    actor_of,
    forbidden,
    paginate,
    show_errors,
    township_page,
)
from frontend.readers import (
    head_names,
    leader_halves,
    month_rows,
    my_leader_results,
    top_units,
    villages_to_confirm,
)
from frontend.views.households import raise_form_for
from governance.selectors import household_get_for, unit_get_for, unit_list_for
from scoring import selectors, services
from scoring.models import Month, PointRecord
from tenants.errors import ApplicationError, NotFound, PermissionDenied

MONTHS_PER_PAGE = 12


@township_page
def month_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    page = paginate(request, selectors.month_list(), per_page=MONTHS_PER_PAGE)
    rows = month_rows(actor=actor, months=list(page), township=request.township)  # type: ignore[attr-defined]
    return render(request, "frontend/months/list.html", {"page": page, "rows": rows})


def month_context(
    request: HttpRequest,
    month: Month,
    *,
    publish_form: PublishForm | None = None,
    confirm_form: ConfirmForm | None = None,
    action_error: dict[str, str] | None = None,
) -> dict[str, Any]:
    actor = actor_of(request)
    (row,) = month_rows(actor=actor, months=[month], township=request.township)  # type: ignore[attr-defined]
    to_confirm = villages_to_confirm(actor=actor, month=month)
    if confirm_form is None and to_confirm:
        confirm_form = ConfirmForm(
            villages=to_confirm,
            initial={"meeting_date": services.township_now(request.township).date()},  # type: ignore[attr-defined]
        )
    units = []
    if month.state != Month.State.OPEN:
        units = list(
            selectors.unit_results_for(actor=actor, month=month).filter(**top_units(actor=actor))
        )
    return {
        "month": month,
        "row": row,
        "confirmations": month.confirmations.select_related("village", "confirmed_by").order_by(
            "village__path"
        ),
        "snapshot": selectors.month_current_snapshot(month)
        if month.state in (Month.State.PUBLICITY, Month.State.FINAL)
        else None,
        "confirm_form": confirm_form,
        "publish_form": publish_form or PublishForm(),
        "action_error": action_error or {},
        "units": units,
        "leaders": my_leader_results(actor=actor, month=month),
        "own_household_id": actor.own_household_id,
        "is_admin": actor.is_township_admin,
    }


@township_page
def month_detail(request: HttpRequest, label: str) -> HttpResponse:
    month = selectors.month_get(label=label)
    return render(request, "frontend/months/detail.html", month_context(request, month))


def _transition(request: HttpRequest, label: str, action: str) -> HttpResponse:
    """Close, publish or finalize (township admin). A refusal is shown by its button."""
    actor = actor_of(request)
    month = selectors.month_get(label=label)
    if not actor.is_township_admin:
        return forbidden(request, "只有乡镇管理员可以结算、公示或确认月度。")
    publish_form = PublishForm(request.POST) if action == "publish" else None
    try:
        if action == "close":
            month = services.month_close(actor=actor, month=month)
            done = "已结算，请各村召开会议认定结果。"
        elif publish_form is not None:
            if not publish_form.is_valid():
                raise ApplicationError("请检查公示原因。", code="invalid", attr="override_reason")
            month = services.month_publish(
                actor=actor,
                month=month,
                override_reason=publish_form.cleaned_data["override_reason"],
            )
            done = "已公示。"
        else:
            month = services.month_finalize(actor=actor, month=month)
            done = "已确认，积分已折算入账。"
    except (NotFound, PermissionDenied):
        raise
    except ApplicationError as exc:
        if publish_form is not None and not publish_form.errors:
            # "n villages have not confirmed; give a reason": the reason field is the answer.
            show_errors(publish_form, exc, fields={"": "override_reason"})
        context = month_context(
            request, month, publish_form=publish_form, action_error={action: exc.message}
        )
        return render(request, "frontend/months/detail.html", context, status=UNPROCESSABLE)
    messages.success(request, f"{month.label} {done}")
    return redirect(reverse("frontend:month", args=[month.label]))


@require_POST
@township_page
def month_close(request: HttpRequest, label: str) -> HttpResponse:
    return _transition(request, label, "close")


@require_POST
@township_page
def month_publish(request: HttpRequest, label: str) -> HttpResponse:
    return _transition(request, label, "publish")


@require_POST
@township_page
def month_finalize(request: HttpRequest, label: str) -> HttpResponse:
    return _transition(request, label, "finalize")


@require_POST
@township_page
def month_confirm(request: HttpRequest, label: str) -> HttpResponse:
    """The village grid leader records the leading group's meeting (主题党日/民主议政日)."""
    actor = actor_of(request)
    month = selectors.month_get(label=label)
    villages = villages_to_confirm(actor=actor, month=month)
    if not villages:
        if not unit_list_for(actor=actor, action="audit").exists():
            return forbidden(request, "只有负责审核本村积分的网格负责人可以登记认定会议。")
        messages.info(request, f"{month.label} 没有需要您认定的村。")
        return redirect(reverse("frontend:month", args=[month.label]))
    form = ConfirmForm(request.POST, villages=villages)
    if form.is_valid():
        try:
            services.month_confirm(actor=actor, month=month, **form.cleaned_data)
        except (NotFound, PermissionDenied):
            raise
        except ApplicationError as exc:
            show_errors(form, exc)
        else:
            messages.success(
                request, f"已登记{form.cleaned_data['village'].name} {month.label} 的认定会议。"
            )
            return redirect(reverse("frontend:month", args=[month.label]))
    context = month_context(request, month, confirm_form=form)
    return render(request, "frontend/months/detail.html", context, status=UNPROCESSABLE)


def _results_month(label: str) -> Month:
    month = selectors.month_get(label=label)
    if month.state == Month.State.OPEN:
        raise NotFound(f"{month.label} 尚未结算，没有结果。", code="month_open")
    return month


@township_page
def month_unit(request: HttpRequest, label: str, unit_id: int) -> HttpResponse:
    """A unit's month: its total, its sub-units (every level), its leaders, its households."""
    actor = actor_of(request)
    month = _results_month(label)
    unit = unit_get_for(actor=actor, unit_id=unit_id)
    results = selectors.unit_results_for(actor=actor, month=month)
    result = results.filter(unit=unit).first()
    children = list(results.filter(unit__parent=unit))
    chain = list(unit_list_for(actor=actor).filter(pk__in=unit.path_ids[:-1]))
    leaders = [
        leader_halves(r)
        for r in selectors.leader_results_for(actor=actor, month=month).filter(unit=unit)
    ]
    households = selectors.household_results_for(actor=actor, month=month).filter(
        unit__path__startswith=unit.path
    )
    page = paginate(request, households, per_page=50)
    names = head_names(actor=actor, household_ids=[r.household_id for r in page])
    return render(
        request,
        "frontend/months/unit.html",
        {
            "month": month,
            "unit": unit,
            "result": result,
            "children": children,
            "chain": chain,
            "leaders": leaders,
            "page": page,
            "names": names,
        },
    )


@township_page
def month_household(request: HttpRequest, label: str, household_id: int) -> HttpResponse:
    """A household's month: its points and the approved records that make them up."""
    actor = actor_of(request)
    month = _results_month(label)
    household = household_get_for(actor=actor, household_id=household_id)
    result = (
        selectors.household_results_for(actor=actor, month=month)
        .filter(household=household)
        .first()
    )
    records = list(
        selectors.record_list_for(actor=actor)
        .filter(month=month, household=household, status=PointRecord.Status.APPROVED)
        .order_by("occurred_on", "id")
    )
    chain = list(unit_list_for(actor=actor).filter(pk__in=household.unit.path_ids))
    return render(
        request,
        "frontend/months/household.html",
        {
            "month": month,
            "household": household,
            "head": head_names(actor=actor, household_ids=[household.pk]).get(household.pk, ""),
            "result": result,
            "records": records,
            "records_sum": sum(r.points for r in records),
            "chain": chain,
            "raise_form": raise_form_for(actor, household, month),
        },
    )


@township_page
def month_leader(request: HttpRequest, label: str, assignment_id: int) -> HttpResponse:
    """A leader's month score with its two halves: own household, and the unit's average."""
    actor = actor_of(request)
    month = _results_month(label)
    result = (
        selectors.leader_results_for(actor=actor, month=month)
        .filter(assignment_id=assignment_id)
        .first()
    )
    if result is None:
        raise NotFound("没有找到该网格负责人的月度积分。", code="not_found")
    return render(
        request,
        "frontend/months/leader.html",
        {"month": month, "h": leader_halves(result)},
    )
