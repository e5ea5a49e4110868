"""兑换柜台: who may use which counter, finding a household by its card, redeeming once
(however often the form is sent), overdrafts refused in Chinese, cancelling, settlement."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date

import pytest
from django_tenants.utils import schema_context
from openpyxl import load_workbook

from governance.actors import Actor
from governance.models import Household
from rewards import services
from rewards.models import BeanAccount, Merchant, NegativeListEntry, Product, Redemption
from tenants.accounts.models import User
from tenants.models import Township
from tests.frontend.conftest import count_queries, field_errors, give_beans, hidden, html

pytestmark = pytest.mark.django_db

SLUG = "changshan"


@dataclass
class Counter:
    shop: int
    bank: int
    soap: int  # a product of the shop: 10 beans, 5 in stock
    household: int
    card: str


def admin_actor() -> Actor:
    return Actor(
        user=User.objects.get(username="town_admin"),
        township=Township.objects.get(schema_name=SLUG),
    )


@pytest.fixture
def counter(changshan_places) -> Counter:
    with schema_context(SLUG):
        shop = Merchant.objects.get(kind="supermarket")
        bank = Merchant.objects.get(kind="bank")
        soap = services.product_save(
            actor=admin_actor(), merchant=shop, name="测试香皂", unit="块", bean_price=10, stock=5
        )
        household = Household.objects.get(pk=changshan_places.in_scope)
    give_beans(SLUG, household.pk, 100, key="test:counter:seed")
    return Counter(
        shop=shop.pk, bank=bank.pk, soap=soap.pk, household=household.pk, card=household.card_code
    )


def balance(household_id: int) -> int:
    with schema_context(SLUG):
        return BeanAccount.objects.get(household_id=household_id).balance


def stock(product_id: int) -> int | None:
    with schema_context(SLUG):
        return Product.objects.get(pk=product_id).stock


def redemptions(household_id: int) -> list[Redemption]:
    with schema_context(SLUG):
        return list(Redemption.objects.filter(household_id=household_id).order_by("pk"))


def redeem_form(client, merchant: int, card: str) -> dict[str, str]:
    """Look the card up and return the redeem form's hidden fields (card, key)."""
    page = client.get(f"/counter/{merchant}/", {"card": card})
    assert page.status_code == 200, html(page)[:2000]
    return {"card": hidden(page, "card"), "key": hidden(page, "key")}


# ---------------------------------------------------------------- who may use the counter
@pytest.mark.parametrize(
    ("username", "shop", "bank"),
    [
        ("merchant", 200, 403),  # operates the shop; the bank is visible but not theirs
        ("town_admin", 200, 200),
        ("resident", 403, 403),
        ("village_leader", 403, 403),
        ("group_leader", 403, 403),
    ],
)
def test_the_counter_by_role(web, counter, username, shop, bank) -> None:
    client = web(SLUG, username)
    assert client.get(f"/counter/{counter.shop}/").status_code == shop
    assert client.get(f"/counter/{counter.bank}/").status_code == bank
    assert client.get(f"/counter/{counter.shop}/settlement/").status_code == shop
    assert client.get(f"/counter/{counter.shop}/products/").status_code == shop


def test_a_merchant_that_does_not_exist_is_404(web, counter) -> None:
    assert web(SLUG, "merchant").get("/counter/99999/").status_code == 404


def test_an_operator_of_one_merchant_goes_straight_to_its_counter(web, counter) -> None:
    response = web(SLUG, "merchant").get("/counter/")
    assert response.status_code == 302
    assert response["Location"] == f"/counter/{counter.shop}/"
    chooser = web(SLUG, "town_admin").get("/counter/")
    assert chooser.status_code == 200
    assert "东关村共富超市" in html(chooser)
    assert "长山镇农商银行" in html(chooser)
    assert web(SLUG, "resident").get("/counter/").status_code == 403


# ---------------------------------------------------------------- finding the household
@pytest.mark.parametrize("typed", ["code", "lower", "qr"])
def test_the_card_is_found_by_code_or_by_the_scanned_qr_text(web, counter, typed) -> None:
    card = {
        "code": counter.card,
        "lower": f"  {counter.card.lower()} ",
        "qr": f"JFB1:{SLUG}:{counter.card}",
    }[typed]
    page = web(SLUG, "merchant").get(f"/counter/{counter.shop}/", {"card": card})
    assert page.status_code == 200
    text = html(page)
    with schema_context(SLUG):
        household = Household.objects.get(pk=counter.household)
        head = household.residents.get(is_household_head=True, is_active=True).name
    assert household.number in text
    assert f"{head[0]}*" in text  # the head's name, masked
    assert head not in text
    assert f'data-balance="{balance(counter.household)}"' in text
    assert "山药豆" in text
    assert 'name="key"' in text  # the redeem form, with its key
    assert "测试香皂" in text


def test_an_unknown_card_is_refused_next_to_the_field(web, counter) -> None:
    page = web(SLUG, "merchant").get(f"/counter/{counter.shop}/", {"card": "NOSUCHCARD"})
    assert page.status_code == 422
    assert any("没有找到该户卡" in e for e in field_errors(page, "card"))
    assert 'id="redeem-form"' not in html(page)


def test_products_sold_out_or_out_of_their_window_are_not_offered(web, counter) -> None:
    with schema_context(SLUG):
        shop = Merchant.objects.get(pk=counter.shop)
        services.product_save(
            actor=admin_actor(), merchant=shop, name="售罄的面粉", bean_price=5, stock=0
        )
        services.product_save(
            actor=admin_actor(),
            merchant=shop,
            name="下架的挂面",
            bean_price=5,
            active_to=date(2020, 1, 1),
        )
    text = html(web(SLUG, "merchant").get(f"/counter/{counter.shop}/", {"card": counter.card}))
    assert "测试香皂" in text
    assert "售罄的面粉" not in text
    assert "下架的挂面" not in text


def test_negative_list_restrictions_are_shown_at_the_counter(web, counter) -> None:
    with schema_context(SLUG):
        services.negative_entry_create(
            actor=admin_actor(),
            household=Household.objects.get(pk=counter.household),
            kind=NegativeListEntry.Kind.NO_PREFERENTIAL_POLICIES,
            reason="测试",
            starts_on=date(2026, 1, 1),
        )
    text = html(web(SLUG, "town_admin").get(f"/counter/{counter.bank}/", {"card": counter.card}))
    assert 'id="restrictions"' in text
    assert "禁止享受相关优惠政策" in text
    assert "不能兑换“优惠政策类”商品" in text


# ---------------------------------------------------------------- redeeming
def test_redeeming_moves_the_balance_and_the_stock_and_shows_the_receipt(web, counter) -> None:
    client = web(SLUG, "merchant")
    before = balance(counter.household)
    data = redeem_form(client, counter.shop, counter.card)
    response = client.post(
        f"/counter/{counter.shop}/redeem/", {**data, f"q{counter.soap}": "2"}, follow=True
    )
    assert response.status_code == 200
    (redemption,) = redemptions(counter.household)
    assert response.redirect_chain[-1][0] == f"/counter/{counter.shop}/redemptions/{redemption.pk}/"
    assert redemption.total_beans == 20
    assert balance(counter.household) == before - 20
    assert stock(counter.soap) == 3
    receipt = html(response)
    assert "兑换成功" in receipt
    assert f'id="balance-after" data-balance="{before - 20}"' in receipt
    assert "测试香皂" in receipt
    assert "使用 20 山药豆" in receipt
    # Today's list at the counter shows it, with its cancel form.
    counter_page = html(client.get(f"/counter/{counter.shop}/"))
    assert f'id="redemption-{redemption.pk}"' in counter_page


def test_the_same_form_sent_twice_makes_one_redemption(web, counter) -> None:
    client = web(SLUG, "merchant")
    before = balance(counter.household)
    data = {**redeem_form(client, counter.shop, counter.card), f"q{counter.soap}": "1"}
    first = client.post(f"/counter/{counter.shop}/redeem/", data)
    second = client.post(f"/counter/{counter.shop}/redeem/", data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert len(redemptions(counter.household)) == 1
    assert balance(counter.household) == before - 10
    assert stock(counter.soap) == 4


def test_each_rendering_of_the_form_has_its_own_key(web, counter) -> None:
    client = web(SLUG, "merchant")
    first = redeem_form(client, counter.shop, counter.card)["key"]
    second = redeem_form(client, counter.shop, counter.card)["key"]
    assert first != second
    assert re.fullmatch(r"[0-9a-f]{32}", first)


def test_an_overdraft_is_refused_in_chinese_and_changes_nothing(web, counter) -> None:
    client = web(SLUG, "merchant")
    before = balance(counter.household)
    with schema_context(SLUG):
        dear = services.product_save(
            actor=admin_actor(),
            merchant=Merchant.objects.get(pk=counter.shop),
            name="电饭锅",
            bean_price=before + 1,
            stock=3,
        )
    data = {**redeem_form(client, counter.shop, counter.card), f"q{dear.pk}": "1"}
    response = client.post(f"/counter/{counter.shop}/redeem/", data)
    assert response.status_code == 422
    text = html(response)
    assert f"山药豆余额不足：该户余额 {before}，本次需要 {before + 1}。" in text
    assert "积分豆" not in text  # the township's own bean name, everywhere
    assert hidden(response, "key") != data["key"]  # a fresh key for the next attempt
    assert redemptions(counter.household) == []
    assert balance(counter.household) == before
    assert stock(dear.pk) == 3


def test_too_many_of_a_product_is_refused_next_to_its_quantity(web, counter) -> None:
    client = web(SLUG, "merchant")
    data = {**redeem_form(client, counter.shop, counter.card), f"q{counter.soap}": "6"}
    response = client.post(f"/counter/{counter.shop}/redeem/", data)
    assert response.status_code == 422
    text = html(response)
    block = re.search(rf'data-product="{counter.soap}">(.*?)</li>', text, flags=re.S)
    assert block is not None
    assert "库存不足（剩余 5）" in block.group(1)
    assert redemptions(counter.household) == []


def test_nothing_chosen_is_refused(web, counter) -> None:
    client = web(SLUG, "merchant")
    response = client.post(
        f"/counter/{counter.shop}/redeem/", redeem_form(client, counter.shop, counter.card)
    )
    assert response.status_code == 422
    assert "请选择要兑换的商品" in html(response)


def test_a_preferential_product_is_refused_to_a_listed_household(web, counter) -> None:
    with schema_context(SLUG):
        services.negative_entry_create(
            actor=admin_actor(),
            household=Household.objects.get(pk=counter.household),
            kind=NegativeListEntry.Kind.NO_PREFERENTIAL_POLICIES,
            reason="测试",
            starts_on=date(2026, 1, 1),
        )
        rate = Product.objects.get(merchant_id=counter.bank, is_preferential=True)
    client = web(SLUG, "town_admin")
    data = {**redeem_form(client, counter.bank, counter.card), f"q{rate.pk}": "1"}
    response = client.post(f"/counter/{counter.bank}/redeem/", data)
    assert response.status_code == 422
    assert "该户在负面清单中（禁止享受相关优惠政策）" in html(response)


# ---------------------------------------------------------------- cancelling
def _redeem_one(client, counter: Counter) -> Redemption:
    data = {**redeem_form(client, counter.shop, counter.card), f"q{counter.soap}": "1"}
    assert client.post(f"/counter/{counter.shop}/redeem/", data).status_code == 302
    return redemptions(counter.household)[-1]


def test_cancelling_needs_a_reason_and_gives_the_beans_back(web, counter) -> None:
    client = web(SLUG, "merchant")
    before = balance(counter.household)
    redemption = _redeem_one(client, counter)
    url = f"/counter/{counter.shop}/redemptions/{redemption.pk}/cancel/"
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 422
    assert "请填写撤销原因。" in html(refused)
    assert balance(counter.household) == before - 10
    done = client.post(url, {"reason": "顾客改主意"})
    assert done.status_code == 302
    assert balance(counter.household) == before
    assert stock(counter.soap) == 5
    (cancelled,) = redemptions(counter.household)
    assert cancelled.status == Redemption.Status.CANCELLED
    assert cancelled.cancel_reason == "顾客改主意"


def test_cancelling_through_htmx_swaps_the_row(web, counter) -> None:
    client = web(SLUG, "merchant")
    redemption = _redeem_one(client, counter)
    response = client.post(
        f"/counter/{counter.shop}/redemptions/{redemption.pk}/cancel/",
        {"reason": "录错了"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    row = html(response)
    assert row.startswith(f'<tr id="redemption-{redemption.pk}" data-status="cancelled">')
    assert "已撤销" in row
    again = client.post(
        f"/counter/{counter.shop}/redemptions/{redemption.pk}/cancel/",
        {"reason": "再撤一次"},
        HTTP_HX_REQUEST="true",
    )
    assert again.status_code == 422


def test_another_merchants_redemption_is_not_found_at_this_counter(web, counter) -> None:
    client = web(SLUG, "merchant")
    redemption = _redeem_one(client, counter)
    admin = web(SLUG, "town_admin")
    assert admin.get(f"/counter/{counter.bank}/redemptions/{redemption.pk}/").status_code == 404
    resident = web(SLUG, "resident")
    url = f"/counter/{counter.shop}/redemptions/{redemption.pk}/cancel/"
    assert resident.post(url, {"reason": "x"}).status_code == 403


def test_todays_redemptions_in_constant_queries(web, counter) -> None:
    client = web(SLUG, "merchant")
    for _ in range(3):
        _redeem_one(client, counter)
    assert count_queries(client, f"/counter/{counter.shop}/?today_size=1") == count_queries(
        client, f"/counter/{counter.shop}/?today_size=50"
    )


# ---------------------------------------------------------------- settlement and products
def test_the_settlement_of_the_month_and_its_workbook(web, counter, demo_calendar) -> None:
    client = web(SLUG, "merchant")
    _redeem_one(client, counter)
    page = client.get(f"/counter/{counter.shop}/settlement/")
    assert page.status_code == 200
    assert "测试香皂" in html(page)
    month = demo_calendar.publicity_label  # the demo's redemptions are dated in it
    earlier = html(client.get(f"/counter/{counter.shop}/settlement/", {"month": month}))
    assert f"{month} 结算" in earlier
    assert "测试香皂" not in earlier  # another month
    download = client.get(f"/counter/{counter.shop}/settlement/", {"export": "xlsx"})
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(download.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][1] == "单价（山药豆）"
    assert ("测试香皂", 10, 1, 10, 1) in rows
    assert rows[-1][0] == "合计"


def test_a_product_is_added_and_edited_with_errors_next_to_the_fields(web, counter) -> None:
    client = web(SLUG, "merchant")
    created = client.post(
        f"/counter/{counter.shop}/products/new/",
        {
            "name": "花生油（1L）",
            "unit": "瓶",
            "bean_price": "25",
            "stock": "12",
            "is_active": "on",
        },
    )
    assert created.status_code == 302
    with schema_context(SLUG):
        product = Product.objects.get(merchant_id=counter.shop, name="花生油（1L）")
    assert (product.bean_price, product.stock, product.is_active) == (25, 12, True)
    url = f"/counter/{counter.shop}/products/{product.pk}/"
    refused = client.post(
        url,
        {
            "name": "花生油（1L）",
            "unit": "瓶",
            "bean_price": "25",
            "active_from": "2026-12-10",
            "active_to": "2026-12-01",
            "is_active": "on",
        },
    )
    assert refused.status_code == 422
    assert field_errors(refused, "active_to") == ["下架日期不能早于上架日期。"]
    edited = client.post(
        url,
        {
            "name": "花生油（1L）",
            "unit": "瓶",
            "bean_price": "30",
            "stock": "",
            "is_preferential": "on",
        },
    )
    assert edited.status_code == 302
    with schema_context(SLUG):
        product.refresh_from_db()
    assert (product.bean_price, product.stock, product.is_preferential, product.is_active) == (
        30,
        None,
        True,
        False,
    )
    assert web(SLUG, "merchant").get(f"/counter/{counter.bank}/products/new/").status_code == 403


def test_the_product_list_in_constant_queries(web, counter) -> None:
    client = web(SLUG, "merchant")
    assert count_queries(client, f"/counter/{counter.shop}/products/?page_size=1") == count_queries(
        client, f"/counter/{counter.shop}/products/?page_size=50"
    )


def test_the_counter_refuses_a_post_without_its_csrf_token(counter) -> None:
    from tests.frontend.conftest import make_web

    client = make_web(SLUG, "merchant")
    client.handler.enforce_csrf_checks = True
    page = client.get(f"/counter/{counter.shop}/", {"card": counter.card})
    data = {"card": hidden(page, "card"), "key": hidden(page, "key"), f"q{counter.soap}": "1"}
    refused = client.post(f"/counter/{counter.shop}/redeem/", data)
    assert refused.status_code == 403
    assert redemptions(counter.household) == []
    token = hidden(page, "csrfmiddlewaretoken")
    accepted = client.post(
        f"/counter/{counter.shop}/redeem/", {**data, "csrfmiddlewaretoken": token}
    )
    assert accepted.status_code == 302
    assert len(redemptions(counter.household)) == 1
