"""积分豆: a household's balance and ledger (流水), and its household card (户卡) with the
QR code the counter scans."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from frontend.beans import household_beans
from frontend.pages import actor_of, download, township_of, township_page
from governance import services as grid
from governance.actors import ENTER
from governance.selectors import household_get_for, unit_list_for
from rewards import documents

LEDGER_PAGE_SIZE = 20


@township_page
def household_beans_page(request: HttpRequest, household_id: int) -> HttpResponse:
    actor = actor_of(request)
    household = household_get_for(actor=actor, household_id=household_id)
    beans = household_beans(
        request, actor=actor, household=household, param="page", per_page=LEDGER_PAGE_SIZE
    )
    chain = list(unit_list_for(actor=actor).filter(pk__in=household.unit.path_ids))
    return render(
        request,
        "frontend/beans/household.html",
        {"household": household, "beans": beans, "chain": chain},
    )


@township_page
def household_card(request: HttpRequest, household_id: int) -> HttpResponse:
    """The card: its QR code, its code in letters, downloads; a reissue for who enters data."""
    actor = actor_of(request)
    household = household_get_for(actor=actor, household_id=household_id)
    residents = list(household.residents.all())
    return render(
        request,
        "frontend/beans/card.html",
        {
            "household": household,
            "head": residents[0].name if residents else "",
            "can_reissue": actor.can(ENTER, household.unit.path),
        },
    )


@township_page
def household_card_pdf(request: HttpRequest, household_id: int) -> HttpResponse:
    household = household_get_for(actor=actor_of(request), household_id=household_id)
    content = documents.card_pdf(township=township_of(request), household=household)
    return download(
        content, filename=f"户卡-{household.number}.pdf", content_type="application/pdf"
    )


@township_page
def household_card_png(request: HttpRequest, household_id: int) -> HttpResponse:
    household = household_get_for(actor=actor_of(request), household_id=household_id)
    content = documents.card_png(township=township_of(request), household=household)
    response = download(
        content, filename=f"户卡-{household.number}.png", content_type="image/png", inline=True
    )
    response["Cache-Control"] = "private, no-store"  # a reissued card changes the code
    return response


@require_POST
@township_page
def household_card_reissue(request: HttpRequest, household_id: int) -> HttpResponse:
    """A lost card: a new code, so the old card no longer redeems (the info administrator
    of the village, or the township admin)."""
    actor = actor_of(request)
    household = household_get_for(actor=actor, household_id=household_id, action=ENTER)
    household = grid.household_card_reissue(actor=actor, household=household)
    messages.success(request, f"已为农户 {household.number} 补办户卡，旧卡已失效，请打印新卡。")
    return redirect("frontend:household_card", household.pk)
