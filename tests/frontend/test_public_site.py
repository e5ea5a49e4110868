"""The public site (the base domain): the townships, and the county officer's login."""

from __future__ import annotations

import pytest

from tests.frontend.conftest import html

pytestmark = pytest.mark.django_db


def test_the_index_lists_the_townships_with_their_boards(web) -> None:
    page = html(web(None).get("/"))
    assert "邹平市" in page
    assert "长山镇" in page
    assert "魏桥镇" in page
    assert "http://changshan.localhost/board/" in page


def test_a_county_officer_logs_in_on_the_public_site(web) -> None:
    client = web(None)
    response = client.post(
        "/login/", {"username": "county_viewer", "password": "jifenbao-demo"}, follow=True
    )
    assert response.status_code == 200
    page = html(response)
    assert "邹平市委组织部" in page
    assert "县域对比" in page


def test_a_township_account_cannot_log_in_on_the_public_site(web) -> None:
    response = web(None).post("/login/", {"username": "town_admin", "password": "jifenbao-demo"})
    assert "用户名或密码错误" in html(response)


def test_township_pages_are_not_on_the_public_site(web) -> None:
    assert web(None).get("/households/").status_code == 404
