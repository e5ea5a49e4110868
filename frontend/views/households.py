"""农户: the households in the actor's reach, and one household with its people, points and records."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from frontend.forms import ObjectionRaiseForm
from frontend.pages import actor_of, paginate, township_page
from frontend.readers import latest_results_month, month_points_history
from governance.actors import Actor
from governance.models import Household, Resident
from governance.personal_data import reveal
from governance.selectors import (
    can_see_personal_data,
    household_get_for,
    household_list_for,
    level_list,
    unit_get_for,
    unit_list_for,
)
from scoring import selectors
from scoring.models import Month, PointRecord

MONTHS_SHOWN = 12


@township_page
def household_list(request: HttpRequest) -> HttpResponse:
    """Scoped households, filtered by unit (``?unit=``, with everything below it) and by
    number or a resident's name (``?q=``); with the latest month's points."""
    actor = actor_of(request)
    households = household_list_for(actor=actor)
    unit = None
    if request.GET.get("unit", "").isdigit():
        unit = unit_get_for(actor=actor, unit_id=int(request.GET["unit"]))
        households = households.filter(unit__path__startswith=unit.path)
    query = request.GET.get("q", "").strip()
    if query:
        households = households.filter(
            Q(number__icontains=query) | Q(residents__name__contains=query)
        ).distinct()
    page = paginate(request, households)
    month = latest_results_month()
    points: dict[int, int] = {}
    if month is not None:
        points = dict(
            selectors.household_results_for(actor=actor, month=month)
            .filter(household_id__in=[h.pk for h in page])
            .values_list("household_id", "points")
        )
    rows = [
        {"h": h, "head": _head(h), "size": len(h.residents.all()), "points": points.get(h.pk)}
        for h in page
    ]
    return render(
        request,
        "frontend/households/list.html",
        {
            "page": page,
            "rows": rows,
            "unit": unit,
            "q": query,
            "month": month,
            "units": filter_units(actor),
        },
    )


def filter_units(actor: Actor) -> list[Any]:
    """Units to filter by: those in reach above the level households hang on."""
    lowest = level_list().last()
    units = unit_list_for(actor=actor)
    if lowest is not None:
        units = units.exclude(level=lowest)
    return list(units[:500])


def _head(household: Household) -> str:
    residents = list(household.residents.all())
    return residents[0].name if residents else ""


def person_rows(actor: Actor, household: Household) -> list[dict[str, Any]]:
    """The household's residents with ID number and phone in clear only for those who may
    see them (governance.selectors.can_see_personal_data), masked for everyone else."""
    clear = can_see_personal_data(actor=actor, unit_path=household.unit.path)
    rows = []
    resident: Resident
    for resident in household.residents.all():
        rows.append(
            {
                "r": resident,
                "id_number": reveal(resident.id_number_encrypted)
                if clear
                else resident.id_number_masked,
                "phone": reveal(resident.phone_encrypted) if clear else resident.phone_masked,
            }
        )
    return rows


def raise_form_for(actor: Actor, household: Household, month: Month | None) -> Any:
    """The objection form, while ``month`` is in publicity and the actor may object."""
    if month is None or month.state != Month.State.PUBLICITY:
        return None
    own = actor.own_household_id == household.pk
    if not (own or actor.unit_grants or actor.sees_whole_township):
        return None
    records = list(
        selectors.record_list_for(actor=actor).filter(
            household=household, month=month, status=PointRecord.Status.APPROVED
        )
    )
    return ObjectionRaiseForm(records=records)


@township_page
def household_detail(request: HttpRequest, household_id: int) -> HttpResponse:
    actor = actor_of(request)
    household = household_get_for(actor=actor, household_id=household_id)
    chain = list(unit_list_for(actor=actor).filter(pk__in=household.unit.path_ids))
    month_page = paginate(request, selectors.month_list(), per_page=MONTHS_SHOWN, param="months")
    months = list(month_page)
    history = month_points_history(actor=actor, household=household, months=months)
    month_rows = [
        {"month": m, "result": history.get(m.pk)} for m in months if m.state != Month.State.OPEN
    ]
    records = (
        selectors.record_list_for(actor=actor)
        .filter(household=household)
        .order_by("-occurred_on", "-id")
    )
    chosen = request.GET.get("month", "")
    chosen_month = next((m for m in months if m.label == chosen), None)
    if chosen_month is not None:
        records = records.filter(month=chosen_month)
    page = paginate(request, records)
    publicity = selectors.month_list().filter(state=Month.State.PUBLICITY).first()
    objections = selectors.objection_list_for(actor=actor).filter(household=household)[:10]
    return render(
        request,
        "frontend/households/detail.html",
        {
            "household": household,
            "chain": chain,
            "people": person_rows(actor, household),
            "month_rows": month_rows,
            "months": months,
            "month_page": month_page,
            "chosen": chosen_month,
            "page": page,
            "publicity": publicity,
            "raise_form": raise_form_for(actor, household, publicity),
            "objections": objections,
            "latest": latest_results_month(),
        },
    )
