"""县域对比 on the public site: the county organisation department compares its townships;
anyone else is asked to log in (anonymous) or refused (403)."""

from __future__ import annotations

import re

import pytest
from django_tenants.utils import schema_context

from tenants.accounts.models import User
from tenants.models import TownshipMonthRollup
from tests.frontend.conftest import html, make_web

pytestmark = pytest.mark.django_db


def row(page: str, table: str, slug: str) -> str:
    section = page[page.index(f'class="{table}"') :]
    match = re.search(rf'<tr data-township="{slug}">(.*?)</tr>', section, flags=re.S)
    assert match is not None, f"no row for {slug} in {table}"
    return match.group(1)


def test_the_county_viewer_compares_the_townships_of_the_latest_month(web) -> None:
    response = web(None, "county_viewer").get("/county/")
    assert response.status_code == 200
    page = html(response)
    latest = TownshipMonthRollup.objects.order_by("-period").first()
    assert latest is not None
    assert f"{latest.period:%Y-%m} 各乡镇对比" in page
    assert "长山镇" in page
    assert "魏桥镇" in page
    assert "“山药豆”" in page
    assert "“棉花豆”" in page
    changshan = TownshipMonthRollup.objects.get(
        township__schema_name="changshan", period=latest.period
    )
    compare = row(page, "compare", "changshan")
    rate = changshan.participating_households / changshan.households * 100
    assert f"{rate:.1f}%" in compare
    assert f"<b>{round(changshan.points_total / changshan.households, 2)}</b>" in compare
    assert "<polyline" in compare  # the six-month trend, an inline SVG
    mix = row(page, "mix", "weiqiao")
    weiqiao = TownshipMonthRollup.objects.get(township__schema_name="weiqiao", period=latest.period)
    for category, points in weiqiao.points_by_category.items():
        assert re.search(rf'data-category="{category}"[^>]*>{points}<', mix)
    assert mix.count("<rect") == sum(1 for v in weiqiao.points_by_category.values() if v)
    assert "<script" not in page[page.index("<main>") :]  # no charting library: no script


def test_a_chosen_month(web, demo_calendar) -> None:
    earlier = demo_calendar.final_labels[1]
    page = html(web(None, "county_viewer").get(f"/county/?month={earlier}"))
    assert f"{earlier} 各乡镇对比" in page
    unknown = html(web(None, "county_viewer").get("/county/?month=1999-01"))
    assert "1999-01 没有统计数据" in unknown


def test_the_platform_operator_sees_every_county(web) -> None:
    assert web(None, "platform_admin").get("/county/").status_code == 200


def test_anyone_else_is_asked_to_log_in_or_refused(web) -> None:
    anonymous = web(None).get("/county/")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/login/")
    with schema_context("public"):
        User.objects.create_user(username="someone_public", password="someone-public-pass")
    refused = make_web(None, "someone_public").get("/county/")
    assert refused.status_code == 403
    assert "您没有查看任何县（市）的权限。" in html(refused)


def test_the_county_page_is_not_on_a_townships_host(web) -> None:
    assert web("changshan", "town_admin").get("/county/").status_code == 404


def test_the_public_index_links_the_county_page_for_its_viewers(web) -> None:
    page = html(web(None, "county_viewer").get("/"))
    assert 'href="/county/"' in page
    assert "正在建设中" not in page
    anonymous = html(web(None).get("/"))
    assert 'href="/county/"' not in anonymous
