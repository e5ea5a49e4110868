"""乡镇管理: the indicator catalog with its revisions, accounts (the password shown once),
roles on units, and the audit log — the township admin's, 403 for everyone else."""

from __future__ import annotations

import re

import pytest
from django_tenants.utils import schema_context

from governance.models import AuditEntry, Resident, RoleAssignment
from scoring.models import Category, Indicator
from tenants.accounts.models import User
from tests.frontend.conftest import count_queries, field_errors, html

pytestmark = pytest.mark.django_db

SLUG = "changshan"
ADMIN_PAGES = [
    "/manage/",
    "/manage/indicators/new/",
    "/manage/users/",
    "/manage/roles/",
    "/manage/audit/",
]


@pytest.mark.parametrize(
    "username", ["village_leader", "info_admin", "group_leader", "merchant", "resident"]
)
def test_the_admin_pages_are_403_for_everyone_else(web, username) -> None:
    client = web(SLUG, username)
    for url in ADMIN_PAGES:
        response = client.get(url)
        assert response.status_code == 403, url
        assert "没有权限" in html(response)
    assert client.post("/manage/indicators/new/", {}).status_code == 403
    assert client.post("/manage/users/", {}).status_code == 403
    assert client.post("/manage/roles/", {}).status_code == 403


def test_the_admin_pages_open_for_the_admin(web) -> None:
    client = web(SLUG, "town_admin")
    for url in ADMIN_PAGES:
        assert client.get(url).status_code == 200, url


def test_the_admin_pages_need_a_login_and_are_not_on_the_public_site(web) -> None:
    assert web(SLUG).get("/manage/users/").status_code == 302
    assert web(None).get("/manage/users/").status_code == 404


# ---------------------------------------------------------------- the catalog
def test_every_account_reads_the_catalog_by_category(web) -> None:
    page = html(web(SLUG, "resident").get("/manage/indicators/"))
    with schema_context(SLUG):
        categories = list(Category.objects.values_list("name", flat=True))
        some = Indicator.objects.order_by("pk").first()
    for name in categories:
        assert name in page
    assert some.name in page
    assert "新增指标" not in page  # reading, not editing


def _indicator_data(category: int, **changes: object) -> dict[str, object]:
    return {
        "category": str(category),
        "code": "T-99",
        "name": "参加移风易俗宣讲",
        "points": "3",
        "unit": "次",
        "monthly_cap": "2",
        "is_active": "on",
        **changes,
    }


def test_the_admin_creates_an_indicator_and_edits_it_into_revision_2(web) -> None:
    client = web(SLUG, "town_admin")
    with schema_context(SLUG):
        category = Category.objects.order_by("position").first()
    created = client.post("/manage/indicators/new/", _indicator_data(category.pk))
    assert created.status_code == 302
    with schema_context(SLUG):
        indicator = Indicator.objects.get(code="T-99")
    assert created["Location"] == f"/manage/indicators/{indicator.pk}/"
    assert (indicator.points, indicator.monthly_cap, indicator.version) == (3, 2, 1)
    edited = client.post(
        f"/manage/indicators/{indicator.pk}/",
        _indicator_data(category.pk, points="5", code="IGNORED"),
        follow=True,
    )
    assert edited.status_code == 200
    page = html(edited)
    assert "现为第 2 版" in page
    history = page[page.index('id="revisions"') :]
    assert 'data-version="2"' in history
    assert 'data-version="1"' in history
    assert history.index('data-version="2"') < history.index('data-version="1"')  # newest first
    assert "改动：points" in history
    with schema_context(SLUG):
        indicator.refresh_from_db()
        assert (indicator.points, indicator.version, indicator.code) == (5, 2, "T-99")
        assert indicator.revisions.count() == 2


def test_indicator_errors_come_back_next_to_their_fields(web) -> None:
    client = web(SLUG, "town_admin")
    with schema_context(SLUG):
        category = Category.objects.order_by("position").first()
        taken = Indicator.objects.order_by("pk").first().code
    duplicate = client.post("/manage/indicators/new/", _indicator_data(category.pk, code=taken))
    assert duplicate.status_code == 422
    assert field_errors(duplicate, "code") == [f"指标代码“{taken}”已存在。"]
    zero = client.post("/manage/indicators/new/", _indicator_data(category.pk, points="0"))
    assert field_errors(zero, "points") == ["分值不能为 0。"]
    backwards = client.post(
        "/manage/indicators/new/",
        _indicator_data(category.pk, valid_from="2026-12-01", valid_to="2026-11-01"),
    )
    assert field_errors(backwards, "valid_to") == ["失效日期不能早于生效日期。"]


def test_a_non_admin_sees_an_indicator_but_cannot_edit_it(web) -> None:
    with schema_context(SLUG):
        indicator = Indicator.objects.order_by("pk").first()
    client = web(SLUG, "group_leader")
    page = client.get(f"/manage/indicators/{indicator.pk}/")
    assert page.status_code == 200
    assert 'id="indicator-form"' not in html(page)
    assert client.post(f"/manage/indicators/{indicator.pk}/", {}).status_code == 403
    assert client.get("/manage/indicators/999999/").status_code == 404


# ---------------------------------------------------------------- accounts
def _unlinked_resident() -> Resident:
    with schema_context(SLUG):
        resident = (
            Resident.objects.filter(user__isnull=True, is_active=True)
            .select_related("household")
            .order_by("pk")
            .first()
        )
        assert resident is not None
        return resident


def test_creating_an_account_shows_its_password_once(web) -> None:
    resident = _unlinked_resident()
    client = web(SLUG, "town_admin")
    response = client.post(
        "/manage/users/",
        {
            "username": "new_leader",
            "display_name": resident.name,
            "household_number": resident.household.number,
            "resident_name": resident.name,
            "township_role": "",
        },
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    password = re.search(r'id="initial-password">([^<]+)<', html(response)).group(1)
    assert len(password) >= 10
    with schema_context(SLUG):
        user = User.objects.get(username="new_leader")
        assert user.check_password(password)
        assert Resident.objects.get(pk=resident.pk).user_id == user.pk
    listed = html(client.get("/manage/users/?q=new_leader"))
    assert "new_leader" in listed
    assert password not in listed  # never shown again


def test_account_errors_come_back_next_to_their_fields(web) -> None:
    resident = _unlinked_resident()
    client = web(SLUG, "town_admin")
    taken = client.post("/manage/users/", {"username": "resident", "display_name": "重名"})
    assert taken.status_code == 422
    assert field_errors(taken, "username") == ["用户名“resident”已被使用。"]
    wrong = client.post(
        "/manage/users/",
        {
            "username": "someone",
            "display_name": "某人",
            "household_number": resident.household.number,
            "resident_name": "查无此人",
        },
    )
    assert field_errors(wrong, "resident_name") == ["该户没有这位在册村民，请核对户号和姓名。"]
    linked = client.post(
        "/manage/users/",
        {
            "username": "someone",
            "display_name": "某人",
            "household_number": "",
            "resident_name": resident.name,
        },
    )
    assert field_errors(linked, "household_number") == ["请填写本人所在户号。"]


def test_the_account_list_in_constant_queries(web) -> None:
    client = web(SLUG, "town_admin")
    assert count_queries(client, "/manage/users/?page_size=1") == count_queries(
        client, "/manage/users/?page_size=100"
    )


# ---------------------------------------------------------------- roles
def test_a_taken_role_is_refused_next_to_the_unit_and_revoking_frees_it(web) -> None:
    client = web(SLUG, "town_admin")
    with schema_context(SLUG):
        current = RoleAssignment.objects.select_related("unit").get(
            user__username="info_admin", ended_at__isnull=True
        )
        village = current.unit
    data = {"unit": str(village.pk), "username": "village_leader", "kind": "info_admin"}
    refused = client.post("/manage/roles/", data)
    assert refused.status_code == 422
    assert field_errors(refused, "unit") == [f"“{village.name}”已有在任的信息管理员，请先卸任。"]
    assert client.post(f"/manage/roles/{current.pk}/revoke/").status_code == 302
    assigned = client.post("/manage/roles/", data)
    assert assigned.status_code == 302
    with schema_context(SLUG):
        new = RoleAssignment.objects.get(unit=village, kind="info_admin", ended_at__isnull=True)
        assert new.user.username == "village_leader"
        assert RoleAssignment.objects.get(pk=current.pk).ended_at is not None
    # The permissions followed: the old info administrator no longer imports rosters.
    assert web(SLUG, "info_admin").get("/roster/").status_code == 403
    assert web(SLUG, "village_leader").get("/roster/").status_code == 200


def test_a_leader_needs_a_resident_record(web) -> None:
    client = web(SLUG, "town_admin")
    with schema_context(SLUG):
        unit = RoleAssignment.objects.get(user__username="group_leader", ended_at__isnull=True).unit
    response = client.post(
        "/manage/roles/", {"unit": str(unit.pk), "username": "merchant", "kind": "leader"}
    )
    assert response.status_code == 422
    assert field_errors(response, "username") == [
        "网格负责人须先绑定本人的村民档案（其积分一半来自本户）。"
    ]
    unknown = client.post(
        "/manage/roles/", {"unit": str(unit.pk), "username": "nobody", "kind": "leader"}
    )
    assert field_errors(unknown, "username") == ["没有该用户名的账号，请先在“账号”中创建。"]


def test_the_roles_list_in_constant_queries(web) -> None:
    client = web(SLUG, "town_admin")
    assert count_queries(client, "/manage/roles/?page_size=1") == count_queries(
        client, "/manage/roles/?page_size=100"
    )


# ---------------------------------------------------------------- the audit log
def test_the_audit_log_filters_by_action_and_actor(web) -> None:
    client = web(SLUG, "town_admin")
    with schema_context(SLUG):
        category = Category.objects.order_by("position").first()
    client.post("/manage/indicators/new/", _indicator_data(category.pk))
    page = html(client.get("/manage/audit/", {"action": "indicator", "actor": "town_admin"}))
    rows = re.findall(r'<tr data-action="([^"]+)">', page)
    assert rows
    assert set(rows) == {"indicator.create"}
    assert "参加移风易俗宣讲" in page
    with schema_context(SLUG):
        total = AuditEntry.objects.count()
    everything = html(client.get("/manage/audit/?page_size=200"))
    assert f'<span class="count">{total}</span>' in everything
    nothing = html(client.get("/manage/audit/", {"since": "2099-01-01"}))
    assert "没有符合条件的记录。" in nothing


def test_the_audit_log_in_constant_queries(web) -> None:
    client = web(SLUG, "town_admin")
    assert count_queries(client, "/manage/audit/?page_size=1") == count_queries(
        client, "/manage/audit/?page_size=100"
    )
