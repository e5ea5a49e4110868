"""The role home page: a section for every role the actor holds, nothing for roles it lacks."""

from __future__ import annotations

import pytest

from tests.frontend.conftest import html

pytestmark = pytest.mark.django_db

SECTIONS = {
    "admin": 'id="admin-panel"',
    "submit": 'id="submit-panel"',
    "mine": 'id="my-records"',
    "review": 'id="review-panel"',
    "month": 'id="month-panel"',
    "objections": 'id="objection-panel"',
    "viewer": 'class="card viewer-panel"',
    "leader": 'id="leader-score"',
    "household": 'id="household-panel"',
    "beans": 'id="beans-panel"',
    "counter": 'id="counter-panel"',
}

EXPECTED = {
    "town_admin": {"admin"},
    "village_leader": {"review", "month", "objections", "leader", "household", "beans"},
    "info_admin": {"submit", "mine", "household", "beans"},
    "microgrid_leader": {"viewer", "leader", "household", "beans"},
    "group_leader": {"submit", "mine", "leader", "household", "beans"},
    "resident": {"household", "beans"},
    "merchant": {"counter"},
}


@pytest.mark.parametrize("username", list(EXPECTED))
def test_each_role_sees_its_own_sections_and_no_others(web, places, username) -> None:
    response = web(places.slug, username).get("/")
    assert response.status_code == 200
    page = html(response)
    shown = {name for name, marker in SECTIONS.items() if marker in page}
    assert shown == EXPECTED[username]


def test_the_home_page_needs_a_login(web) -> None:
    response = web("changshan").get("/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/"


def test_the_township_bean_and_level_names_are_its_own(web) -> None:
    changshan = html(web("changshan", "microgrid_leader").get("/"))
    weiqiao = html(web("weiqiao", "microgrid_leader").get("/"))
    assert "山药豆" in changshan
    assert "棉花豆" not in changshan
    assert "棉花豆" in weiqiao
    assert "山药豆" not in weiqiao
    # The level names come from the township's grid (the demo accounts' display names don't).
    assert "（微网格）" in changshan
    assert "（片区网格）" in weiqiao
    assert "（微网格）" not in weiqiao


def test_a_resident_can_object_while_a_month_is_in_publicity(web) -> None:
    page = html(web("changshan", "resident").get("/"))
    assert 'id="objection-form"' in page
    assert "公示截止" in page


def test_logging_in_through_the_form_lands_on_the_home_page(web) -> None:
    client = web("changshan")
    response = client.post(
        "/login/", {"username": "village_leader", "password": "jifenbao-demo"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/"
    assert "待审核" in html(response)


def test_a_wrong_password_is_refused_in_chinese(web) -> None:
    response = web("changshan").post("/login/", {"username": "resident", "password": "nope"})
    assert response.status_code == 200
    assert "用户名或密码错误" in html(response)


def test_a_weiqiao_account_does_not_exist_on_changshan(web) -> None:
    from django_tenants.utils import schema_context

    from tenants.accounts.models import User

    with schema_context("weiqiao"):
        User.objects.create_user(username="only_weiqiao", password="only-weiqiao-pass")
    refused = web("changshan").post(
        "/login/", {"username": "only_weiqiao", "password": "only-weiqiao-pass"}
    )
    assert "用户名或密码错误" in html(refused)
