"""The merchant counter, a roster import and the county comparison in a real browser, with
screenshots.

Ledger entries can never be deleted (the database refuses it), so the browser's redemption
(and the roster import, which the real worker applies) happen on a throwaway township
created here and dropped afterwards with its schema; the demo townships are only read.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.db import connection, transaction
from django_tenants.utils import schema_context

from governance import services as grid
from governance.actors import Actor
from governance.models import Household
from rewards import services
from rewards.ledger import account_locked, ledger_post
from rewards.models import BeanAccount, LedgerEntry, Product, Redemption
from tenants.accounts.models import User
from tenants.models import Township
from tests.e2e.conftest import PASSWORD, log_in
from tests.fixtures import committed, session_calendar

pytestmark = pytest.mark.e2e

SLUG = "countertown"
SEED_BEANS = 100
OIL_PRICE = 60


@dataclass
class Shop:
    merchant: int
    oil: int
    household: int
    number: str
    card: str


def _build_shop() -> Shop:
    """A village, a household holding 100 beans, a 共富超市 with one product, and its
    operator ``merchant`` (password as the demo's)."""
    township = Township.objects.select_related("settings").get(schema_name=SLUG)
    with schema_context(SLUG):
        admin = Actor(user=User.objects.get(username="town_admin"), township=township)
        village = grid.unit_create(actor=admin, name="柜台村")
        micro = grid.unit_create(actor=admin, name="第1微网格", parent=village)
        group = grid.unit_create(actor=admin, name="第1联户小组", parent=micro)
        household = grid.household_create(actor=admin, unit=group, number="GT-001")
        grid.resident_create(
            actor=admin, household=household, name="王建国", is_household_head=True
        )
        merchant = services.merchant_create(
            actor=admin, name="柜台村共富超市", kind="supermarket", village=village
        )
        oil = services.product_save(
            actor=admin,
            merchant=merchant,
            name="食用油（5L）",
            unit="桶",
            bean_price=OIL_PRICE,
            stock=10,
        )
        services.product_save(
            actor=admin, merchant=merchant, name="洗衣液", unit="瓶", bean_price=15, stock=30
        )
        operator = User.objects.create_user(
            username="merchant", password=PASSWORD, display_name="共富超市店员"
        )
        admin.user.set_password(PASSWORD)  # the first admin's password was generated
        admin.user.save(update_fields=["password"])
        services.merchant_operator_set(actor=admin, merchant=merchant, user=operator, operates=True)
        with transaction.atomic():
            ledger_post(
                account=account_locked(household=household),
                kind=LedgerEntry.Kind.TIER_AWARD,
                amount=SEED_BEANS,
                source_type="test",
                source_id=0,
                idempotency_key="e2e:counter:seed",
            )
        return Shop(
            merchant=merchant.pk,
            oil=oil.pk,
            household=household.pk,
            number=household.number,
            card=household.card_code,
        )


@pytest.fixture
def shop(django_db_blocker: Any) -> Iterator[Shop]:
    """The throwaway township: created committed (the live server must see it), dropped
    afterwards with everything in it (its ledger entries included)."""
    from tenants.services import township_create

    with committed(django_db_blocker):
        _drop_township()  # left over by a run that was killed
        township_create(slug=SLUG, name="柜台镇", county_slug="zouping", template_code="changshan")
    try:
        with committed(django_db_blocker):
            yield _build_shop()
    finally:
        with committed(django_db_blocker):
            _drop_township()


def _drop_township() -> None:
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{SLUG}" CASCADE')
    Township.objects.filter(schema_name=SLUG).delete()


def test_the_merchant_redeems_and_cancels_at_the_counter(
    browser: Any, township_url: Any, django_db_blocker: Any, shop: Shop
) -> None:
    base = township_url(SLUG).rstrip("/")
    page = browser.new_page()
    try:
        log_in(page, base, "merchant")
        assert "柜台村共富超市" in page.inner_text("#counter-panel")
        page.click("header nav.main >> text=兑换柜台")
        page.wait_for_url(f"{base}/counter/{shop.merchant}/")
        # The card code as a cashier types it: lower case, with a stray space.
        page.fill("input[name=card]", f" {shop.card.lower()}")
        page.click("#lookup-form button[type=submit]")
        page.wait_for_selector("#holder")
        holder = page.inner_text("#holder")
        assert shop.number in holder
        assert "王*国" in holder
        assert "王建国" not in page.content()
        assert page.inner_text("#holder-balance") == str(SEED_BEANS)
        oil = page.locator(f"li.product[data-product='{shop.oil}']")
        oil.locator("button.step[data-step='1']").click()
        assert page.inner_text("#redeem-total [data-after]") == str(SEED_BEANS - OIL_PRICE)
        page.screenshot(path="/tmp/jfb_counter.png", full_page=True)
        with page.expect_navigation():
            page.click("#confirm-redeem")
        page.wait_for_selector("#receipt")
        assert "兑换成功" in page.inner_text("#receipt h1")
        assert page.inner_text("#balance-after") == str(SEED_BEANS - OIL_PRICE)
        assert "山药豆" in page.inner_text("#receipt")
        page.screenshot(path="/tmp/jfb_counter_receipt.png", full_page=True)
        with committed(django_db_blocker), schema_context(SLUG):
            (redemption,) = Redemption.objects.all()
            assert redemption.total_beans == OIL_PRICE
            assert BeanAccount.objects.get(household_id=shop.household).balance == 40
            assert Product.objects.get(pk=shop.oil).stock == 9

        # Today's list, and a cancel through htmx (the row is swapped in place).
        page.goto(f"{base}/counter/{shop.merchant}/")
        row = page.locator(f"#redemption-{redemption.pk}")
        row.locator("button.danger").click()  # no reason: refused in Chinese, in the row
        page.wait_for_selector(f"#redemption-{redemption.pk} .field-error")
        assert "请填写撤销原因" in page.inner_text(f"#redemption-{redemption.pk}")
        page.fill(f"#redemption-{redemption.pk} input[name=reason]", "顾客改主意")
        page.click(f"#redemption-{redemption.pk} button.danger")
        page.wait_for_selector(f"#redemption-{redemption.pk}[data-status=cancelled]")
        with committed(django_db_blocker), schema_context(SLUG):
            assert BeanAccount.objects.get(household_id=shop.household).balance == SEED_BEANS
            assert Product.objects.get(pk=shop.oil).stock == 10

        # The phone: the same counter at 390 px, looking the household up again.
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(f"{base}/counter/{shop.merchant}/?card={shop.card}")
        page.wait_for_selector("#holder")
        page.locator("li.product button.step[data-step='1']").first.click()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the counter scrolls sideways on a phone ({width}px)"
        page.screenshot(path="/tmp/jfb_counter_phone.png", full_page=True)
    finally:
        page.close()


def roster_xlsx(rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    from governance.roster import HEADERS

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(HEADERS))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def valid_id_number(serial: int) -> str:
    from governance.personal_data import id_number_check_digit

    first17 = f"37990019800101{serial:03d}"
    return first17 + id_number_check_digit(first17)


PATH = "柜台村/第1微网格/第1联户小组"


@pytest.mark.integration
@pytest.mark.usefixtures("celery_worker", "shop")
def test_a_roster_import_is_followed_in_the_browser_until_it_is_done(
    browser: Any, township_url: Any, django_db_blocker: Any, tmp_path: Path
) -> None:
    """The job page polls (htmx, every second) until the real worker has finished: first a
    file with a bad row (its report, nothing written), then a good one."""
    bad = tmp_path / "有错的花名册.xlsx"
    bad.write_bytes(
        roster_xlsx(
            [
                [PATH, "GT-101", "", "李大山", "", "", "12345", "", "是", "否", "否", "否"],
                [
                    PATH,
                    "GT-101",
                    "",
                    "李小山",
                    "",
                    "",
                    valid_id_number(2),
                    "",
                    "是",
                    "否",
                    "否",
                    "否",
                ],
            ]
        )
    )
    good = tmp_path / "柜台村花名册.xlsx"
    good.write_bytes(
        roster_xlsx(
            [
                [
                    PATH,
                    "GT-101",
                    "",
                    "李大山",
                    "",
                    "",
                    valid_id_number(1),
                    "",
                    "是",
                    "是",
                    "否",
                    "否",
                ],
                [
                    PATH,
                    "GT-101",
                    "",
                    "张秀英",
                    "",
                    "",
                    valid_id_number(4),
                    "",
                    "否",
                    "否",
                    "否",
                    "否",
                ],
            ]
        )
    )
    base = township_url(SLUG).rstrip("/")
    page = browser.new_page()
    try:
        log_in(page, base, "town_admin")
        page.goto(f"{base}/roster/")
        page.set_input_files("input[name=file]", str(bad))
        with page.expect_navigation():
            page.click("#roster-upload button[type=submit]")
        assert re.search(r"/roster/\d+/$", page.url)
        page.wait_for_selector("#roster-status[data-status=failed]", timeout=60_000)
        report = page.inner_text("#roster-status")
        assert "未导入" in report
        assert "身份证号" in report
        page.screenshot(path="/tmp/jfb_roster_failed.png", full_page=True)
        with committed(django_db_blocker), schema_context(SLUG):
            assert not Household.objects.filter(number="GT-101").exists()

        page.goto(f"{base}/roster/")
        page.set_input_files("input[name=file]", str(good))
        with page.expect_navigation():
            page.click("#roster-upload button[type=submit]")
        page.wait_for_selector("#roster-status[data-status=succeeded]", timeout=60_000)
        assert "导入完成：新建 1 户、2 位村民" in page.inner_text("#roster-status")
        assert page.locator("#roster-status[hx-trigger]").count() == 0  # it stopped polling
        page.screenshot(path="/tmp/jfb_roster_done.png", full_page=True)
        with committed(django_db_blocker), schema_context(SLUG):
            household = Household.objects.get(number="GT-101")
            assert household.residents.count() == 2
    finally:
        page.close()


def test_the_county_viewer_compares_the_townships(browser: Any, live_server: Any) -> None:
    base = f"http://localhost:{urlsplit(live_server.url).port}"
    page = browser.new_page()
    try:
        log_in(page, base, "county_viewer")
        page.click("header nav.main >> text=县域对比")
        page.wait_for_url(f"{base}/county/")
        text = page.inner_text("main")
        assert "邹平市" in text
        assert "长山镇" in text
        assert "魏桥镇" in text
        assert re.search(r"\d+\.\d%", page.inner_text("#compare"))
        assert page.locator("#compare svg.spark polyline").count() == 2
        assert page.locator("#mix svg rect").count() >= 7
        page.screenshot(path="/tmp/jfb_county.png", full_page=True)
        earlier = session_calendar().final_labels[1]
        page.select_option("select[name=month]", earlier)
        page.wait_for_url(re.compile(rf".*month={earlier}"))
        assert f"{earlier} 各乡镇对比" in page.inner_text("#compare")
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path="/tmp/jfb_county_phone.png", full_page=True)
    finally:
        page.close()


CALENDAR = session_calendar()
ADMIN_PAGES = {
    "indicators": "/manage/indicators/",
    "users": "/manage/users/",
    "roles": "/manage/roles/",
    "roster": "/roster/",
    "quarter": f"/awards/quarters/?quarter={CALENDAR.quarter}",
    "year": f"/awards/years/{CALENDAR.year}/",
    "negative": "/negative/",
    "audit": "/manage/audit/",
    "settlement": f"/counter/1/settlement/?month={CALENDAR.publicity_label}",
}


def test_screenshots_of_the_admin_pages(browser: Any, township_url: Any) -> None:
    """Screenshots for a person to look at (/tmp/jfb_admin_<page>.png); reading only."""
    base = township_url("changshan").rstrip("/")
    page = browser.new_page()
    try:
        log_in(page, base, "town_admin")
        for name, path in ADMIN_PAGES.items():
            response = page.goto(f"{base}{path}")
            assert response is not None
            assert response.status == 200, path
            page.screenshot(path=f"/tmp/jfb_admin_{name}.png", full_page=True)
    finally:
        page.close()
