"""The township's pages in a real browser: submit, review, the public board, a resident's home."""

from __future__ import annotations

import re
import uuid
from datetime import date
from typing import Any

import pytest
from django_tenants.utils import schema_context

from frontend.views.home import RECENT_MONTHS
from governance.actors import Actor
from governance.models import Household
from scoring import services
from scoring.models import HouseholdMonthResult, Indicator, Month, PointRecord, Review
from tenants.accounts.models import User
from tenants.models import Township
from tests.e2e.conftest import log_in
from tests.fixtures import committed, demo_places, session_calendar

pytestmark = pytest.mark.e2e

ID_NUMBER = re.compile(r"\d{17}[\dXx]")
PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
ROLES = [
    "town_admin",
    "village_leader",
    "info_admin",
    "microgrid_leader",
    "group_leader",
    "resident",
]


def township_today(slug: str) -> date:
    township = Township.objects.select_related("settings").get(schema_name=slug)
    return services.township_now(township).date()


def free_indicator(household_id: int, today: date) -> Indicator:
    """An indicator the household can still receive this month (no photo needed, under cap)."""
    for indicator in Indicator.objects.filter(
        is_active=True, evidence_required=False, points__gt=0
    ):
        used = sum(
            PointRecord.objects.filter(
                household_id=household_id,
                indicator=indicator,
                month__period=today.replace(day=1),
                status__in=["pending", "approved"],
            ).values_list("quantity", flat=True)
        )
        if indicator.monthly_cap is None or used < indicator.monthly_cap:
            return indicator
    raise AssertionError("no indicator left for this household this month")


def delete_records(slug: str, marker: str) -> None:
    with schema_context(slug):
        records = PointRecord.objects.filter(note=marker)
        Review.objects.filter(record__in=records).delete()
        records.delete()


def test_group_leader_submits_a_record_and_sees_it_pending(
    browser: Any, township_url: Any, django_db_blocker: Any
) -> None:
    marker = f"e2e-{uuid.uuid4().hex[:8]}"
    with committed(django_db_blocker):
        places = demo_places("changshan")
        with schema_context("changshan"):
            indicator = free_indicator(places.in_scope, township_today("changshan"))
    base = township_url("changshan").rstrip("/")
    page = browser.new_page()
    try:
        log_in(page, base, "group_leader")
        form = page.locator("#submit-panel form")
        # Only the group's households are offered.
        offered = {
            int(v)
            for v in form.locator("select[name=household] option").evaluate_all(
                "els => els.map(e => e.value).filter(Boolean)"
            )
        }
        assert offered == set(places.group_households)
        form.locator("select[name=household]").select_option(str(places.in_scope))
        form.locator("select[name=indicator]").select_option(str(indicator.pk))
        form.locator("input[name=note]").fill(marker)
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        page.wait_for_selector("ul.messages li.success")
        with committed(django_db_blocker), schema_context("changshan"):
            record = PointRecord.objects.get(note=marker)
            assert record.status == "pending"
            assert record.submitted_by.username == "group_leader"
        row = page.locator(f"#my-records #record-{record.pk}")
        assert row.get_attribute("data-status") == "pending"
        assert "待审核" in row.inner_text()
        assert "撤回" in row.inner_text()
    finally:
        page.close()
        with committed(django_db_blocker):
            delete_records("changshan", marker)


def test_village_leader_approves_a_pending_record(
    browser: Any, township_url: Any, django_db_blocker: Any
) -> None:
    marker = f"e2e-{uuid.uuid4().hex[:8]}"
    with committed(django_db_blocker):
        places = demo_places("changshan")
        with schema_context("changshan"):
            township = Township.objects.select_related("settings").get(schema_name="changshan")
            leader = User.objects.get(username="village_leader")
            own = leader.resident.household_id
            household = Household.objects.select_related("unit").get(
                pk=next(h for h in places.group_households if h != own)
            )
            today = township_today("changshan")
            (record,), _ = services.point_records_submit(
                actor=Actor(user=User.objects.get(username="group_leader"), township=township),
                lines=[
                    services.RecordLine(
                        household=household,
                        indicator=free_indicator(household.pk, today),
                        occurred_on=today,
                        note=marker,
                    )
                ],
            )
    base = township_url("changshan").rstrip("/")
    page = browser.new_page()
    try:
        log_in(page, base, "village_leader")
        page.goto(f"{base}/review/?q={household.number}")
        row = page.locator(f"#review-{record.pk}")
        assert household.number in row.inner_text()
        row.locator("button.ok").click()
        page.wait_for_selector(f"#review-{record.pk}[data-status=approved]")
        assert "已通过" in page.locator(f"#review-{record.pk}").inner_text()
        with committed(django_db_blocker), schema_context("changshan"):
            record.refresh_from_db()
            assert record.status == "approved"
            assert record.reviewed_by.username == "village_leader"
    finally:
        page.close()
        with committed(django_db_blocker):
            delete_records("changshan", marker)


def test_the_public_board_shows_the_bean_name_and_no_personal_numbers(
    browser: Any, township_url: Any
) -> None:
    page = browser.new_page()
    try:
        page.goto(township_url("changshan", "/board/"))
        text = page.inner_text("main")
        html = page.content()
        assert "长山镇" in page.inner_text("header")
        assert "山药豆" in text
        assert session_calendar().publicity_label in text
        assert "公示截止" in text
        assert "棉花豆" not in html  # weiqiao's bean: nothing of another township
        assert not ID_NUMBER.search(html)
        assert not PHONE.search(html)
        heads = page.locator("table.board-table tbody tr td:nth-child(2)").all_inner_texts()
        assert heads
        assert all("*" in name for name in heads if len(name) > 1)
        page.screenshot(path="/tmp/jfb_board.png", full_page=False)
    finally:
        page.close()


def test_a_resident_sees_the_points_of_their_household(
    browser: Any, township_url: Any, django_db_blocker: Any
) -> None:
    with committed(django_db_blocker), schema_context("changshan"):
        household = User.objects.get(username="resident").resident.household
        # the home page lists the recent months: the open one, then those with results
        recent = list(Month.objects.order_by("-period").values_list("period", flat=True))
        recent = recent[:RECENT_MONTHS]
        points = dict(
            HouseholdMonthResult.objects.filter(
                household=household, month__period__in=recent
            ).values_list("month__period", "points")
        )
    assert len(points) == len(recent) - 1  # all but the open month
    base = township_url("changshan").rstrip("/")
    page = browser.new_page()
    try:
        log_in(page, base, "resident")
        panel = page.locator("#household-panel")
        assert household.number in panel.inner_text()
        for period, value in points.items():
            row = panel.locator(f"tr[data-month='{period:%Y-%m}']")
            assert row.locator("td.points").inner_text().strip() == str(value)
        assert page.locator("#objection-form textarea[name=reason]").count() == 1
    finally:
        page.close()


@pytest.mark.parametrize(("width", "height", "suffix"), [(1280, 900, ""), (390, 844, "_phone")])
def test_screenshots_of_every_role_home_page(
    browser: Any, township_url: Any, width: int, height: int, suffix: str
) -> None:
    """Screenshots for a person to look at (/tmp/jfb_home_<role>[_phone].png)."""
    base = township_url("changshan").rstrip("/")
    for username in ROLES:
        browser.clear_cookies()
        page = browser.new_page()
        page.set_viewport_size({"width": width, "height": height})
        try:
            log_in(page, base, username)
            assert page.locator("section.hello h1").inner_text().startswith("您好")
            page.screenshot(path=f"/tmp/jfb_home_{username}{suffix}.png", full_page=True)
        finally:
            page.close()
