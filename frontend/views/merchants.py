"""兑换点: the township's merchants (共富超市 in the villages, partner units for the whole
township) and who operates each one's counter — the township admin's.

Creating a merchant and granting or revoking an operator go through rewards.services
(merchant_create, merchant_operator_set), which audit the change; the counter itself, the
products and the settlement are the 兑换柜台 pages (frontend.views.counter, .products).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from frontend.forms_manage import MerchantForm, OperatorForm
from frontend.pages import (
    UNPROCESSABLE,
    actor_of,
    forbidden,
    paginate,
    posted,
    show_errors,
    township_page,
)
from frontend.readers import merchant_operators, operator_counts
from governance import selectors as grid
from governance.actors import Actor
from governance.models import GridUnit
from rewards import selectors, services
from rewards.models import Merchant
from tenants.errors import ApplicationError, NotFound, PermissionDenied

ADMIN_ONLY = "只有乡镇管理员可以管理兑换点。"


def _villages(actor: Actor) -> list[GridUnit]:
    """The units a 共富超市 can belong to: the active villages (the village-level units)."""
    return list(grid.unit_list_for(actor=actor).filter(level__is_village=True, is_active=True))


@township_page
def merchant_list(request: HttpRequest) -> HttpResponse:
    """Every merchant (open or not) with its operators' count; the admin adds one here."""
    actor = actor_of(request)
    if not actor.is_township_admin:
        return forbidden(request, ADMIN_ONLY)
    form = MerchantForm(posted(request), villages=_villages(actor))
    if request.method == "POST" and form.is_valid():
        try:
            merchant = services.merchant_create(actor=actor, **form.cleaned_data)
        except (NotFound, PermissionDenied):
            raise
        except ApplicationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, f"已添加兑换点“{merchant.name}”，请为其授权店员。")
            return redirect("frontend:merchant", merchant.pk)
    page = paginate(request, selectors.merchant_list_for(actor=actor), per_page=50)
    return render(
        request,
        "frontend/manage/merchants.html",
        {
            "form": form,
            "page": page,
            "operators": operator_counts(actor=actor, merchant_ids=[m.pk for m in page]),
        },
        status=UNPROCESSABLE if form.errors else 200,
    )


def _merchant_page(
    request: HttpRequest, merchant: Merchant, form: OperatorForm, *, status: int = 200
) -> HttpResponse:
    context: dict[str, Any] = {
        "merchant": merchant,
        "form": form,
        "operators": list(merchant_operators(actor=actor_of(request), merchant=merchant)),
    }
    return render(request, "frontend/manage/merchant.html", context, status=status)


@township_page
def merchant_detail(request: HttpRequest, merchant_id: int) -> HttpResponse:
    """A merchant, its operators, and the form that grants one more."""
    actor = actor_of(request)
    if not actor.is_township_admin:
        return forbidden(request, ADMIN_ONLY)
    merchant = selectors.merchant_get_for(actor=actor, merchant_id=merchant_id)
    form = OperatorForm(posted(request), users=grid.user_list_for(actor=actor))
    if request.method == "POST" and form.is_valid():
        user = form.cleaned_data["username"]
        try:
            services.merchant_operator_set(actor=actor, merchant=merchant, user=user, operates=True)
        except (NotFound, PermissionDenied):
            raise
        except ApplicationError as exc:
            show_errors(form, exc, fields={"user": "username"})
        else:
            messages.success(request, f"已授权 {user.get_username()} 在“{merchant.name}”办理兑换。")
            return redirect("frontend:merchant", merchant.pk)
    return _merchant_page(request, merchant, form, status=UNPROCESSABLE if form.errors else 200)


@require_POST
@township_page
def operator_revoke(request: HttpRequest, merchant_id: int, user_id: int) -> HttpResponse:
    actor = actor_of(request)
    if not actor.is_township_admin:
        return forbidden(request, ADMIN_ONLY)
    merchant = selectors.merchant_get_for(actor=actor, merchant_id=merchant_id)
    user = merchant_operators(actor=actor, merchant=merchant).filter(pk=user_id).first()
    if user is None:
        raise NotFound("该账号不是这个兑换点的店员。", code="operator_not_found")
    services.merchant_operator_set(actor=actor, merchant=merchant, user=user, operates=False)
    messages.success(request, f"已取消 {user.get_username()} 在“{merchant.name}”的兑换权限。")
    return redirect("frontend:merchant", merchant.pk)
