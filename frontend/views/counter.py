"""兑换柜台: the merchant's counter. Identify the household by its card, pick products,
confirm; today's redemptions with their cancel buttons; the month's settlement.

Spending goes through rewards.services.redemption_create, which locks the household's
account and the products, so a balance never goes below zero; the form's key is the
service's idempotency key, so a double tap or a form sent twice makes one redemption.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from frontend.counter import (
    CardHolder,
    can_use_counter,
    card_holder,
    counter_merchant,
    counter_merchants,
    holder_of,
    products_on_sale,
    todays_redemptions,
)
from frontend.forms_beans import CancelForm, CardForm, RedeemForm, SettlementForm
from frontend.pages import (
    UNPROCESSABLE,
    XLSX,
    actor_of,
    bean_name_of,
    download,
    forbidden,
    is_htmx,
    paginate,
    show_errors,
    township_of,
    township_page,
)
from rewards import documents, selectors, services
from rewards.models import Merchant, Redemption
from scoring.services import parse_period, township_now
from tenants.errors import ApplicationError, NotFound, PermissionDenied

NO_COUNTER = "只有兑换点的店员和乡镇管理员可以使用兑换柜台。"
CARD_NOT_FOUND = "没有找到该户卡，请核对户卡码（补办后旧卡不能再用）。"
KEY_REUSED = "这张兑换单已经提交过，请重新查找农户后再兑换。"
SETTLEMENT_MONTHS = 24


def _today(request: HttpRequest) -> date:
    return township_now(township_of(request)).date()


@township_page
def counter_index(request: HttpRequest) -> HttpResponse:
    """The merchants the account operates; straight to the counter when there is one."""
    actor = actor_of(request)
    if not can_use_counter(actor):
        return forbidden(request, NO_COUNTER)
    merchants = counter_merchants(actor)
    if len(merchants) == 1:
        return redirect("frontend:counter", merchants[0].pk)
    return render(request, "frontend/counter/index.html", {"merchants": merchants})


def _counter_context(
    request: HttpRequest,
    merchant: Merchant,
    *,
    card_form: CardForm,
    holder: CardHolder | None = None,
    redeem_form: RedeemForm | None = None,
    cancel_forms: dict[int, CancelForm] | None = None,
) -> dict[str, Any]:
    actor = actor_of(request)
    today = todays_redemptions(actor=actor, merchant=merchant, township=township_of(request))
    return {
        "merchant": merchant,
        "merchants": counter_merchants(actor),
        "card_form": card_form,
        "holder": holder,
        "redeem_form": redeem_form,
        "today": paginate(request, today, param="today"),
        "cancel_forms": cancel_forms or {},
        "blank_cancel": CancelForm(),
        "tab": "counter",
    }


@township_page
def counter(request: HttpRequest, merchant_id: int) -> HttpResponse:
    """The counter: ``?card=`` looks the household up and offers the products on sale."""
    actor = actor_of(request)
    merchant = counter_merchant(actor, merchant_id)
    card_form = CardForm(request.GET if "card" in request.GET else None)
    holder = None
    redeem_form = None
    status = 200
    if card_form.is_bound:
        if card_form.is_valid():
            holder = card_holder(card=card_form.cleaned_data["card"], today=_today(request))
            if holder is None:
                card_form.add_error("card", CARD_NOT_FOUND)
        if holder is None:
            status = UNPROCESSABLE
        else:
            products = products_on_sale(actor=actor, merchant=merchant, today=_today(request))
            redeem_form = RedeemForm(initial={"card": holder.card_code}, products=products)
    context = _counter_context(
        request, merchant, card_form=card_form, holder=holder, redeem_form=redeem_form
    )
    return render(request, "frontend/counter/counter.html", context, status=status)


@require_POST
@township_page
def counter_redeem(request: HttpRequest, merchant_id: int) -> HttpResponse:
    """Confirm: the household's beans and the products' stock move together, once."""
    actor = actor_of(request)
    merchant = counter_merchant(actor, merchant_id)
    today = _today(request)
    holder = card_holder(card=request.POST.get("card", ""), today=today)
    if holder is None:
        messages.error(request, CARD_NOT_FOUND)
        return redirect("frontend:counter", merchant.pk)
    products = list(selectors.product_list_for(actor=actor).filter(merchant=merchant))
    on_sale = {p.pk for p in products_on_sale(actor=actor, merchant=merchant, today=today)}
    form = RedeemForm(request.POST, products=products, on_sale=on_sale)
    if form.is_valid():
        try:
            redemption, created = services.redemption_create(
                actor=actor,
                merchant=merchant,
                household=holder.household,
                lines=form.lines,
                idempotency_key=f"web-{form.cleaned_data['key']}",
            )
        except (NotFound, PermissionDenied):
            raise
        except ApplicationError as exc:
            if exc.code == "idempotency_key_reused":
                form.add_error(None, KEY_REUSED)
            else:
                show_errors(form, exc, fields=form.line_fields(), bean_name=bean_name_of(request))
        else:
            if created:
                messages.success(
                    request,
                    f"兑换成功：农户 {holder.household.number} 使用 "
                    f"{redemption.total_beans} {bean_name_of(request)}。",
                )
            return redirect("frontend:redemption", merchant.pk, redemption.pk)
    form.renew_key()
    context = _counter_context(
        request,
        merchant,
        card_form=CardForm(initial={"card": holder.card_code}),
        holder=holder,
        redeem_form=form,
    )
    return render(request, "frontend/counter/counter.html", context, status=UNPROCESSABLE)


def _redemption_at(request: HttpRequest, merchant: Merchant, redemption_id: int) -> Redemption:
    redemption = selectors.redemption_get_for(actor=actor_of(request), redemption_id=redemption_id)
    if redemption.merchant_id != merchant.pk:
        raise NotFound("没有找到该兑换记录。", code="redemption_not_found")
    return redemption


@township_page
def redemption_done(request: HttpRequest, merchant_id: int, redemption_id: int) -> HttpResponse:
    """The receipt: what was taken, what it cost, and the household's balance now."""
    actor = actor_of(request)
    merchant = counter_merchant(actor, merchant_id)
    redemption = _redemption_at(request, merchant, redemption_id)
    holder = holder_of(redemption.household, today=_today(request))
    return render(
        request,
        "frontend/counter/done.html",
        {"merchant": merchant, "r": redemption, "holder": holder, "tab": "counter"},
    )


@require_POST
@township_page
def redemption_cancel(request: HttpRequest, merchant_id: int, redemption_id: int) -> HttpResponse:
    """Undo a redemption made today: the beans go back (a reversing entry) and the stock."""
    actor = actor_of(request)
    merchant = counter_merchant(actor, merchant_id)
    redemption = _redemption_at(request, merchant, redemption_id)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            redemption = services.redemption_cancel(
                actor=actor, redemption=redemption, reason=form.cleaned_data["reason"]
            )
        except (NotFound, PermissionDenied):
            raise
        except ApplicationError as exc:
            show_errors(form, exc, bean_name=bean_name_of(request))
    failed = bool(form.errors)
    if is_htmx(request):
        return render(
            request,
            "frontend/counter/_today_row.html",
            {
                "r": _redemption_at(request, merchant, redemption_id),
                "merchant": merchant,
                "form": form if failed else CancelForm(),
            },
            status=UNPROCESSABLE if failed else 200,
        )
    if failed:
        context = _counter_context(
            request, merchant, card_form=CardForm(), cancel_forms={redemption.pk: form}
        )
        return render(request, "frontend/counter/counter.html", context, status=UNPROCESSABLE)
    messages.success(
        request,
        f"已撤销兑换 #{redemption.pk}，{redemption.total_beans} {bean_name_of(request)}已退回农户 "
        f"{redemption.household.number}。",
    )
    return redirect(f"{reverse('frontend:counter', args=[merchant.pk])}#today")


def recent_months(today: date, count: int) -> list[str]:
    """``count`` month labels, this month first."""
    year, month = today.year, today.month
    labels = []
    for _ in range(count):
        labels.append(f"{year}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return labels


@township_page
def settlement(request: HttpRequest, merchant_id: int) -> HttpResponse:
    """The merchant's month (items and beans redeemed, cancelled ones left out), for the
    village to reimburse the shop; ``?export=xlsx`` downloads it."""
    actor = actor_of(request)
    merchant = counter_merchant(actor, merchant_id)
    months = recent_months(_today(request), SETTLEMENT_MONTHS)
    form = SettlementForm(request.GET if "month" in request.GET else None, months=months)
    label = form.cleaned_data["month"] if form.is_valid() else months[0]
    data = selectors.settlement_for(actor=actor, merchant=merchant, period=parse_period(label))
    if request.GET.get("export") == "xlsx" and not form.errors:
        rows: list[list[Any]] = [
            [i["product_name"], i["unit_price"], i["quantity"], i["beans"], i["redemptions"]]
            for i in data["items"]
        ]
        rows.append(["合计", "", data["total_quantity"], data["total_beans"], data["redemptions"]])
        bean = bean_name_of(request)
        content = documents.xlsx(
            title=f"{merchant.name}{data['month']}结算",
            headers=["商品", f"单价（{bean}）", "数量", bean, "兑换笔数"],
            rows=rows,
            widths=[24, 14, 10, 12, 12],
        )
        return download(
            content, filename=f"{merchant.name}-{data['month']}-结算.xlsx", content_type=XLSX
        )
    return render(
        request,
        "frontend/counter/settlement.html",
        {
            "merchant": merchant,
            "merchants": counter_merchants(actor),
            "form": form,
            "data": data,
            "label": label,
            "tab": "settlement",
        },
        status=UNPROCESSABLE if form.errors else 200,
    )
