"""Chinese by default; English on request (the language switch in the footer)."""

from __future__ import annotations

import pytest

from tests.frontend.conftest import html

pytestmark = pytest.mark.django_db


def test_chinese_is_the_default(web) -> None:
    page = html(web("changshan", "village_leader").get("/"))
    assert '<html lang="zh-hans">' in page
    assert ">农户</a>" in page
    assert ">待审核</a>" in page


def test_switching_to_english_and_back(web) -> None:
    client = web("changshan", "village_leader")
    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    page = html(switched)
    assert '<html lang="en">' in page
    assert ">Households</a>" in page
    assert ">To review</a>" in page
    back = html(client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"}, follow=True))
    assert ">农户</a>" in back


def test_the_board_in_english_keeps_the_townships_own_names(web) -> None:
    client = web("changshan")
    client.cookies["django_language"] = "en"
    page = html(client.get("/board/"))
    assert "“山药豆” points board" in page
    assert "村级网格长" in page
