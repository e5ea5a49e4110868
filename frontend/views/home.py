"""The role home page: one section per role the actor holds (an actor may hold several)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from frontend.beans import household_beans
from frontend.counter import can_use_counter, counter_merchants
from frontend.forms import ObjectionDecideForm, ReviewForm
from frontend.pages import actor_of, township_page
from frontend.readers import (
    current_open_month,
    head_names,
    latest_results_month,
    month_points_history,
    month_rows,
    my_leader_results,
    my_records,
    objections_to_decide,
    review_queue,
    villages_to_confirm,
)
from frontend.views.households import person_rows, raise_form_for
from frontend.views.records import record_form
from governance.actors import Actor
from governance.selectors import household_get_for, unit_list_for
from scoring import selectors
from scoring.models import Month

PANEL_ROWS = 10
RECENT_MONTHS = 6


def _unit_roles(roles: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in roles if (r.get("scope") or {}).get("kind") == "unit"]


def submit_panel(request: HttpRequest) -> dict[str, Any]:
    actor = actor_of(request)
    records = list(my_records(actor=actor)[:PANEL_ROWS])
    return {
        "form": record_form(request),
        "records": records,
        "names": head_names(actor=actor, household_ids=[r.household_id for r in records]),
    }


def audit_panel(request: HttpRequest, months: list[Month]) -> dict[str, Any]:
    actor = actor_of(request)
    queue = review_queue(actor=actor)
    pending = list(queue[:PANEL_ROWS])
    objections = list(objections_to_decide(actor=actor)[:5])
    attention = [
        row
        for row in month_rows(actor=actor, months=months, township=request.township)  # type: ignore[attr-defined]
        if row.month.state != Month.State.FINAL
    ]
    confirm = {row.month.pk: villages_to_confirm(actor=actor, month=row.month) for row in attention}
    return {
        "pending": pending,
        "pending_count": queue.count(),
        "names": head_names(actor=actor, household_ids=[r.household_id for r in pending]),
        "review_form": ReviewForm(),
        "objections": objections,
        "objection_count": objections_to_decide(actor=actor).count(),
        "decide_form": ObjectionDecideForm(),
        "months": attention,
        "confirm": confirm,
    }


def viewer_panel(actor: Actor, unit_ids: list[int], month: Month | None) -> dict[str, Any]:
    """A viewing leader's units (micro-grid): their households and the latest month points."""
    units = list(unit_list_for(actor=actor).filter(pk__in=unit_ids))
    panels = []
    for unit in units:  # one or two units per leader
        unit_result = None
        children: list[Any] = []
        households: list[Any] = []
        if month is not None:
            results = selectors.unit_results_for(actor=actor, month=month)
            unit_result = results.filter(unit=unit).first()
            children = list(results.filter(unit__parent=unit))
            households = list(
                selectors.household_results_for(actor=actor, month=month).filter(
                    unit__path__startswith=unit.path
                )[:PANEL_ROWS]
            )
        panels.append(
            {
                "unit": unit,
                "result": unit_result,
                "children": children,
                "households": households,
                "names": head_names(
                    actor=actor, household_ids=[r.household_id for r in households]
                ),
            }
        )
    return {"units": panels, "month": month}


def resident_panel(request: HttpRequest, months: list[Month]) -> dict[str, Any]:
    actor = actor_of(request)
    household = household_get_for(actor=actor, household_id=actor.own_household_id)  # type: ignore[arg-type]
    history = month_points_history(actor=actor, household=household, months=months)
    publicity = next((m for m in months if m.state == Month.State.PUBLICITY), None)
    current = current_open_month()
    current_records = []
    if current is not None:
        current_records = list(
            selectors.record_list_for(actor=actor).filter(household=household, month=current)[
                :PANEL_ROWS
            ]
        )
    return {
        "household": household,
        "beans": household_beans(request, actor=actor, household=household),
        "people": person_rows(actor, household),
        "history": [
            {"month": m, "result": history.get(m.pk)} for m in months if m.state != Month.State.OPEN
        ],
        "current": current,
        "current_records": current_records,
        "publicity": publicity,
        "raise_form": raise_form_for(actor, household, publicity),
        "objections": list(
            selectors.objection_list_for(actor=actor).filter(household=household)[:5]
        ),
    }


def admin_panel(request: HttpRequest, months: list[Month]) -> dict[str, Any]:
    actor = actor_of(request)
    return {
        "months": month_rows(actor=actor, months=months, township=request.township),  # type: ignore[attr-defined]
        "pending_count": review_queue(actor=actor).count(),
        "objection_count": objections_to_decide(actor=actor).count(),
    }


@township_page
def home(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    roles = actor.roles()
    unit_roles = _unit_roles(roles)
    months = list(selectors.month_list()[:RECENT_MONTHS])
    latest = latest_results_month()

    def has(capability: str) -> bool:
        return any(capability in r["capabilities"] for r in unit_roles)

    context: dict[str, Any] = {"roles": roles, "latest": latest}
    if actor.is_township_admin:
        context["admin"] = admin_panel(request, months)
    elif actor.sees_whole_township:
        context["overview"] = {"months": months}
    if has("submit") or has("enter"):
        context["submit"] = submit_panel(request)
    if has("audit"):
        context["audit"] = audit_panel(request, months)
    viewing = [
        r["scope"]["id"]
        for r in unit_roles
        if not {"audit", "submit", "enter"} & set(r["capabilities"])
    ]
    if viewing:
        context["viewer"] = viewer_panel(actor, viewing, latest)
    if unit_roles:
        context["leader_results"] = my_leader_results(actor=actor, month=latest)
    if can_use_counter(actor) and not actor.is_township_admin:  # the admin: in admin_panel
        context["counter"] = {"merchants": counter_merchants(actor)}
    if actor.resident is not None:
        context["resident"] = resident_panel(request, months)
    return render(request, "frontend/home.html", context)
