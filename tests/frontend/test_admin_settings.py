"""乡镇设置, 兑换点 and 积分类别: the township admin's pages (403 for everyone else). A change
goes through its service, shows on the next page and is in the audit log; a refusal comes
back in Chinese next to its field and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django_tenants.utils import schema_context

from governance.models import AuditEntry, GridLevel, GridUnit
from rewards.models import Merchant, MerchantUserObjectPermission
from scoring.models import Category
from tenants.models import Township, TownshipSettings
from tests.frontend.conftest import count_queries, field_errors, html

pytestmark = pytest.mark.django_db

SLUG = "changshan"
OTHERS = ["village_leader", "merchant", "resident"]


def current_settings() -> TownshipSettings:
    return Township.objects.select_related("settings").get(schema_name=SLUG).settings


def settings_data(**changes: Any) -> dict[str, Any]:
    """The settings form as the page sends it (every field, the tiers as rows)."""
    s = current_settings()
    data: dict[str, Any] = {
        "bean_name": s.bean_name,
        "leader_own_weight": str(s.leader_own_weight),
        "publicity_days": str(s.publicity_days),
        "month_close_day": str(s.month_close_day),
        "points_to_beans": str(s.points_to_beans),
        "tier_level_depths": [str(d) for d in s.tier_level_depths],
        "annual_award_top_n": str(s.annual_award_top_n),
    }
    for key in ("code", "name", "top_percent", "award_beans"):
        data[f"tiers-{key}"] = [str(t[key]) for t in s.tiers] + ["", ""]  # two blank rows
    data.update(changes)
    return data


def audit(action: str) -> list[AuditEntry]:
    with schema_context(SLUG):
        return list(AuditEntry.objects.filter(action=action).order_by("pk"))


def a_merchant() -> int:
    with schema_context(SLUG):
        return Merchant.objects.order_by("pk").values_list("pk", flat=True)[0]


def a_village() -> GridUnit:
    with schema_context(SLUG):
        return GridUnit.objects.filter(level__is_village=True).order_by("path")[0]


# ---------------------------------------------------------------- who may
@pytest.mark.parametrize("username", OTHERS)
def test_the_pages_are_403_for_everyone_but_the_admin(web, username) -> None:
    client = web(SLUG, username)
    merchant = a_merchant()
    with schema_context(SLUG):
        level = GridLevel.objects.order_by("depth")[0].pk
    for url in ["/manage/settings/", "/manage/merchants/", f"/manage/merchants/{merchant}/"]:
        response = client.get(url)
        assert response.status_code == 403, url
        assert "没有权限" in html(response)
    before = current_settings().bean_name
    posts = {
        "/manage/settings/": settings_data(bean_name="偷改豆"),
        f"/manage/settings/levels/{level}/": {f"level-{level}-name": "偷改"},
        "/manage/merchants/": {"name": "偷开的店", "kind": "bank"},
        f"/manage/merchants/{merchant}/": {"username": username},
        "/manage/indicators/categories/": {"code": "X", "name": "偷加", "standard": "autonomy"},
    }
    for url, data in posts.items():
        assert client.post(url, data).status_code == 403, url
    assert current_settings().bean_name == before
    with schema_context(SLUG):
        assert not Merchant.objects.filter(name="偷开的店").exists()
        assert not Category.objects.filter(code="X").exists()
    # Everyone reads the catalog; only the admin is offered the category form.
    catalog = client.get("/manage/indicators/")
    assert catalog.status_code == 200
    assert 'id="category-form"' not in html(catalog)


def test_the_pages_open_for_the_admin_and_are_linked_from_manage_and_home(web) -> None:
    client = web(SLUG, "town_admin")
    for url in [
        "/manage/settings/",
        "/manage/merchants/",
        f"/manage/merchants/{a_merchant()}/",
        "/manage/indicators/",
    ]:
        assert client.get(url).status_code == 200, url
    assert 'id="category-form"' in html(client.get("/manage/indicators/"))
    for page in (html(client.get("/manage/")), html(client.get("/"))):
        assert 'href="/manage/settings/"' in page
        assert 'href="/manage/merchants/"' in page
        assert 'href="/manage/indicators/#new-category"' in page


def test_the_pages_need_a_login_and_are_not_on_the_public_site(web) -> None:
    assert web(SLUG).get("/manage/settings/").status_code == 302
    assert web(None).get("/manage/settings/").status_code == 404
    assert web(None).get("/manage/merchants/").status_code == 404


# ---------------------------------------------------------------- 乡镇设置
def test_the_settings_page_shows_the_settings_levels_and_derived_weight(web) -> None:
    s = current_settings()
    page = html(web(SLUG, "town_admin").get("/manage/settings/"))
    assert f'value="{s.bean_name}"' in page
    assert f">{s.leader_average_weight:.2f}</output>" in page
    for tier in s.tiers:
        assert f'value="{tier["name"]}"' in page
    with schema_context(SLUG):
        levels = list(GridLevel.objects.order_by("depth"))
    for level in levels:
        assert f'<tr data-level="{level.depth}">' in page
        assert level.leader_title in page
        assert f'action="/manage/settings/levels/{level.pk}/"' in page


def test_changing_the_bean_name_shows_on_the_next_page_and_is_audited(web) -> None:
    before = current_settings().bean_name
    client = web(SLUG, "town_admin")
    response = client.post("/manage/settings/", settings_data(bean_name="铁棍豆"))
    assert response.status_code == 302
    assert response["Location"] == "/manage/settings/"
    after = html(client.get("/manage/settings/"))
    assert "已保存乡镇设置。" in after
    assert 'value="铁棍豆"' in after
    assert "“铁棍豆”积分指标目录" in html(client.get("/manage/indicators/"))
    assert current_settings().bean_name == "铁棍豆"
    (entry,) = audit("settings.update")
    # Only what changed: the other fields (sent as they were) are not in the entry.
    assert (entry.before, entry.after) == ({"bean_name": before}, {"bean_name": "铁棍豆"})
    assert entry.actor_name == "town_admin"
    log = html(client.get("/manage/audit/", {"action": "settings"}))
    assert '<tr data-action="settings.update">' in log
    assert "铁棍豆" in log


def test_sending_the_settings_unchanged_audits_nothing(web) -> None:
    client = web(SLUG, "town_admin")
    weight = str(current_settings().leader_own_weight).rstrip("0")  # "0.5" is "0.50"
    response = client.post("/manage/settings/", settings_data(leader_own_weight=weight))
    assert response.status_code == 302
    assert "没有修改任何内容。" in html(client.get("/manage/settings/"))
    assert audit("settings.update") == []


def test_an_invalid_weight_is_refused_in_chinese_and_changes_nothing(web) -> None:
    before = current_settings()
    response = web(SLUG, "town_admin").post(
        "/manage/settings/", settings_data(bean_name="铁棍豆", leader_own_weight="1.5")
    )
    assert response.status_code == 422
    assert field_errors(response, "leader_own_weight") == ["网格长本户积分权重须在 0 与 1 之间。"]
    assert ">—</output>" in html(response)  # no average weight for an impossible weight
    after = current_settings()
    assert (after.bean_name, after.leader_own_weight) == (
        before.bean_name,
        before.leader_own_weight,
    )
    assert audit("settings.update") == []


def test_the_weights_and_tiers_are_saved_and_tier_errors_come_back_next_to_them(web) -> None:
    client = web(SLUG, "town_admin")
    with schema_context(SLUG):
        depths = list(GridLevel.objects.order_by("depth").values_list("depth", flat=True))
    data = settings_data(
        leader_own_weight="0.6",
        tier_level_depths=[str(depths[-1])],
        **{
            "tiers-code": ["gold", "silver", ""],
            "tiers-name": ["金豆", "银豆", ""],
            "tiers-top_percent": ["20", "40", ""],
            "tiers-award_beans": ["500", "250", ""],
        },
    )
    assert client.post("/manage/settings/", data).status_code == 302
    saved = current_settings()
    assert str(saved.leader_own_weight) == "0.60"
    assert saved.tier_level_depths == [depths[-1]]
    assert saved.tiers == [
        {"code": "gold", "name": "金豆", "top_percent": 20, "award_beans": 500},
        {"code": "silver", "name": "银豆", "top_percent": 40, "award_beans": 250},
    ]
    assert ">0.40</output>" in html(client.get("/manage/settings/"))
    backwards = client.post(
        "/manage/settings/",
        settings_data(**{"tiers-top_percent": ["40", "20"]}),
    )
    assert backwards.status_code == 422
    assert field_errors(backwards, "tiers") == [
        "档次比例须为递增的 1–100 的整数（如 10、30、50）。"
    ]
    half = client.post("/manage/settings/", settings_data(**{"tiers-award_beans": ["x", "1"]}))
    assert field_errors(half, "tiers") == ["第 1 行的比例和奖励须为整数。"]
    assert current_settings().tiers == saved.tiers


def test_a_level_is_renamed_and_its_leaders_get_the_new_capability(web) -> None:
    with schema_context(SLUG):
        level = GridLevel.objects.get(depth=2)
    prefix = f"level-{level.pk}"
    assert web(SLUG, "microgrid_leader").get("/records/new/").status_code == 403
    client = web(SLUG, "town_admin")
    response = client.post(
        f"/manage/settings/levels/{level.pk}/",
        {
            f"{prefix}-name": "片区",
            f"{prefix}-leader_title": "片区长",
            f"{prefix}-capabilities": ["submit"],
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/manage/settings/#level-{level.pk}"
    with schema_context(SLUG):
        level.refresh_from_db()
    assert (level.name, level.leader_title, level.capabilities) == (
        "片区",
        "片区长",
        ["submit", "view"],
    )
    page = html(client.get("/manage/settings/"))
    assert "已保存网格层级“片区”。" in page
    assert "片区长" in page
    (entry,) = audit("level.update")
    assert entry.after["name"] == "片区"
    # The micro-grid leader in office now submits records.
    assert web(SLUG, "microgrid_leader").get("/records/new/").status_code == 200


def test_a_level_without_a_name_is_refused_next_to_the_field(web) -> None:
    with schema_context(SLUG):
        level = GridLevel.objects.get(depth=1)
    prefix = f"level-{level.pk}"
    response = web(SLUG, "town_admin").post(
        f"/manage/settings/levels/{level.pk}/",
        {f"{prefix}-name": "", f"{prefix}-leader_title": "村长"},
    )
    assert response.status_code == 422
    assert field_errors(response, "name")
    with schema_context(SLUG):
        assert GridLevel.objects.get(pk=level.pk).name == level.name


# ---------------------------------------------------------------- 兑换点
def test_a_merchant_is_created_and_its_operator_reaches_the_counter_until_revoked(web) -> None:
    admin = web(SLUG, "town_admin")
    leader = web(SLUG, "group_leader")
    assert leader.get("/counter/").status_code == 403
    village = a_village()
    created = admin.post(
        "/manage/merchants/",
        {"name": "测试共富超市", "kind": "supermarket", "village": str(village.pk), "address": ""},
    )
    assert created.status_code == 302
    with schema_context(SLUG):
        merchant = Merchant.objects.get(name="测试共富超市")
    assert (merchant.kind, merchant.village_id) == ("supermarket", village.pk)
    assert created["Location"] == f"/manage/merchants/{merchant.pk}/"
    assert "测试共富超市" in html(admin.get("/manage/merchants/"))

    granted = admin.post(f"/manage/merchants/{merchant.pk}/", {"username": "group_leader"})
    assert granted.status_code == 302
    page = html(admin.get(f"/manage/merchants/{merchant.pk}/"))
    assert '<tr data-operator="group_leader">' in page
    for url in (
        f"/counter/{merchant.pk}/",
        f"/counter/{merchant.pk}/products/",
        f"/counter/{merchant.pk}/settlement/",
    ):
        assert f'href="{url}"' in page
    reached = leader.get("/counter/")
    assert reached.status_code == 302
    assert reached["Location"] == f"/counter/{merchant.pk}/"
    assert leader.get(f"/counter/{merchant.pk}/").status_code == 200

    with schema_context(SLUG):
        user_id = MerchantUserObjectPermission.objects.get(content_object=merchant).user_id
    revoked = admin.post(f"/manage/merchants/{merchant.pk}/operators/{user_id}/revoke/")
    assert revoked.status_code == 302
    assert leader.get("/counter/").status_code == 403
    assert '<tr data-operator="group_leader">' not in html(
        admin.get(f"/manage/merchants/{merchant.pk}/")
    )
    with schema_context(SLUG):
        actions = list(
            AuditEntry.objects.filter(object_type="rewards.merchant", object_id=str(merchant.pk))
            .order_by("pk")
            .values_list("action", flat=True)
        )
    assert actions == ["merchant.create", "merchant.operator_grant", "merchant.operator_revoke"]


def test_merchant_errors_come_back_next_to_their_fields(web) -> None:
    client = web(SLUG, "town_admin")
    homeless = client.post("/manage/merchants/", {"name": "无村超市", "kind": "supermarket"})
    assert homeless.status_code == 422
    assert field_errors(homeless, "village") == ["共富超市须属于一个村。"]
    with schema_context(SLUG):
        assert not Merchant.objects.filter(name="无村超市").exists()
    merchant = a_merchant()
    nobody = client.post(f"/manage/merchants/{merchant}/", {"username": "nobody"})
    assert nobody.status_code == 422
    assert field_errors(nobody, "username") == ["没有该用户名的账号，请先在“账号”中创建。"]
    assert client.get("/manage/merchants/99999/").status_code == 404
    assert client.post(f"/manage/merchants/{merchant}/operators/99999/revoke/").status_code == 404


def test_a_partner_unit_needs_no_village(web) -> None:
    response = web(SLUG, "town_admin").post(
        "/manage/merchants/", {"name": "长山加油站", "kind": "petrol", "address": "镇北"}
    )
    assert response.status_code == 302
    with schema_context(SLUG):
        merchant = Merchant.objects.get(name="长山加油站")
    assert merchant.village_id is None


def test_the_merchant_list_in_constant_queries(web) -> None:
    client = web(SLUG, "town_admin")
    assert count_queries(client, "/manage/merchants/?page_size=1") == count_queries(
        client, "/manage/merchants/?page_size=100"
    )


# ---------------------------------------------------------------- 积分类别
def test_a_new_category_is_offered_in_the_indicator_form(web) -> None:
    client = web(SLUG, "town_admin")
    response = client.post(
        "/manage/indicators/categories/",
        {"code": "smart", "name": "智治·数字分", "standard": "smart"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/manage/indicators/#category-smart"
    with schema_context(SLUG):
        category = Category.objects.get(code="smart")
    assert (category.name, category.standard) == ("智治·数字分", "smart")
    assert f'<option value="{category.pk}">智治·数字分（智治）</option>' in html(
        client.get("/manage/indicators/new/")
    )
    assert 'id="category-smart"' in html(client.get("/manage/indicators/"))
    (entry,) = audit("category.create")
    assert entry.after["name"] == "智治·数字分"


def test_a_taken_category_code_is_refused_next_to_the_field(web) -> None:
    with schema_context(SLUG):
        taken = Category.objects.order_by("position")[0]
        count = Category.objects.count()
    response = web(SLUG, "town_admin").post(
        "/manage/indicators/categories/",
        {"code": taken.code, "name": "重复", "standard": "virtue"},
    )
    assert response.status_code == 422
    assert field_errors(response, "code") == [f"类别代码“{taken.code}”已存在。"]
    with schema_context(SLUG):
        assert Category.objects.count() == count
