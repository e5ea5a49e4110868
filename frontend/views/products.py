"""商品管理: a merchant's products (price, stock, window, preferential flag), kept by its
operators and the township admin through rewards.services.product_save."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from frontend.counter import counter_merchant, counter_merchants
from frontend.forms_beans import ProductForm
from frontend.pages import (
    UNPROCESSABLE,
    actor_of,
    bean_name_of,
    paginate,
    posted,
    show_errors,
    township_page,
)
from rewards import selectors, services
from rewards.models import Merchant, Product
from tenants.errors import ApplicationError, NotFound, PermissionDenied


@township_page
def product_list(request: HttpRequest, merchant_id: int) -> HttpResponse:
    actor = actor_of(request)
    merchant = counter_merchant(actor, merchant_id)
    products = selectors.product_list_for(actor=actor).filter(merchant=merchant)
    return render(
        request,
        "frontend/counter/products.html",
        {
            "merchant": merchant,
            "merchants": counter_merchants(actor),
            "page": paginate(request, products, per_page=50),
            "tab": "products",
        },
    )


def _product(request: HttpRequest, merchant: Merchant, product_id: int) -> Product:
    product = (
        selectors.product_list_for(actor=actor_of(request))
        .filter(merchant=merchant, pk=product_id)
        .first()
    )
    if product is None:
        raise NotFound("没有找到该商品。", code="product_not_found")
    return product


def _edit(request: HttpRequest, merchant: Merchant, product: Product | None) -> HttpResponse:
    actor = actor_of(request)
    bean = bean_name_of(request)
    initial = ProductForm.initial_for(product) if product else None
    form = ProductForm(posted(request), initial=initial, bean_name=bean)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                saved = services.product_save(
                    actor=actor, merchant=merchant, product=product, **form.cleaned_data
                )
            except (NotFound, PermissionDenied):
                raise
            except ApplicationError as exc:
                show_errors(form, exc, bean_name=bean)
            else:
                verb = "已修改" if product else "已添加"
                messages.success(request, f"{verb}商品“{saved.name}”。")
                return redirect("frontend:products", merchant.pk)
        status = UNPROCESSABLE
    return render(
        request,
        "frontend/counter/product_form.html",
        {
            "merchant": merchant,
            "merchants": counter_merchants(actor),
            "product": product,
            "form": form,
            "tab": "products",
        },
        status=status,
    )


@township_page
def product_new(request: HttpRequest, merchant_id: int) -> HttpResponse:
    merchant = counter_merchant(actor_of(request), merchant_id)
    return _edit(request, merchant, None)


@township_page
def product_edit(request: HttpRequest, merchant_id: int, product_id: int) -> HttpResponse:
    merchant = counter_merchant(actor_of(request), merchant_id)
    return _edit(request, merchant, _product(request, merchant, product_id))
