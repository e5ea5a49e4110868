"""The top navigation shows only what the actor's roles allow."""

from __future__ import annotations

import re

import pytest

from tests.frontend.conftest import html

pytestmark = pytest.mark.django_db

ALWAYS = {"首页", "月度", "异议", "公示榜"}
EXPECTED = {
    "town_admin": {"录入积分", "待审核", "农户", "兑换柜台", "评比", "负面清单", "管理"},
    "village_leader": {"待审核", "农户", "评比", "负面清单"},
    "info_admin": {"录入积分", "农户", "评比", "花名册"},
    "microgrid_leader": {"农户", "评比"},
    "group_leader": {"录入积分", "农户", "评比"},
    "merchant": {"兑换柜台"},
    "resident": {"农户"},
}


def nav_links(page: str) -> set[str]:
    nav = re.search(r'<nav class="main">(.*?)</nav>', page, flags=re.S)
    assert nav is not None
    return set(re.findall(r">([^<>]+)</a>", nav.group(1)))


@pytest.mark.parametrize("username", list(EXPECTED))
def test_the_nav_shows_only_what_the_role_allows(web, username) -> None:
    client = web("changshan", username)
    links = nav_links(html(client.get("/")))
    assert links == ALWAYS | EXPECTED[username]


def test_the_public_site_nav_shows_the_county_page_to_its_viewers(web) -> None:
    assert nav_links(html(web(None, "county_viewer").get("/"))) == {"县域对比"}
    assert nav_links(html(web(None).get("/"))) == set()
