"""create_township: clone, settings from the template, first admin; nothing left on failure."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django_tenants.utils import schema_context, schema_exists

from governance.models import GridLevel
from scoring.models import Indicator
from tenants.accounts.models import User
from tenants.errors import ApplicationError
from tenants.models import Domain, PlatformEvent, Township, TownshipSettings
from tenants.services import township_create
from tenants.township_templates import _SECTIONS, TemplateSection, register_template_section

pytestmark = pytest.mark.django_db


def footprint() -> tuple[int, int, int, list[str]]:
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%%' "
            "AND nspname <> 'information_schema' ORDER BY 1"
        )
        schemas = [row[0] for row in cursor.fetchall()]
    return (
        Township.objects.count(),
        Domain.objects.count(),
        TownshipSettings.objects.count(),
        schemas,
    )


def test_create_township_clones_the_template_and_prints_the_admin_password(capsys) -> None:
    call_command(
        "create_township", slug="xiwang", name="西王镇", county="zouping", template="changshan"
    )
    out = capsys.readouterr().out
    assert "xiwang.localhost" in out
    password = out.split("初始密码（只显示这一次）: ")[1].split()[0]

    township = Township.objects.get(schema_name="xiwang")
    assert township.county.slug == "zouping"
    assert township.settings.bean_name == "山药豆"
    assert str(township.settings.leader_own_weight) == "0.50"
    assert township.settings.publicity_days == 7
    assert [t["top_percent"] for t in township.settings.tiers] == [10, 30, 50]
    assert Domain.objects.get(tenant=township).domain == "xiwang.localhost"
    assert PlatformEvent.objects.filter(township=township, kind="created").exists()
    with schema_context("xiwang"):
        assert list(GridLevel.objects.values_list("name", flat=True)) == [
            "村级网格",
            "微网格",
            "联户小组",
        ]
        assert Indicator.objects.filter(category__standard="virtue").exists()
        admin = User.objects.get(username="town_admin")
        assert admin.is_township_admin
        assert admin.check_password(password)
        # Users are per schema: changshan's demo accounts do not exist here.
        assert not User.objects.filter(username="group_leader").exists()


def test_the_second_template_differs() -> None:
    township_create(
        slug="haoshi",
        name="好生街道",
        county_slug="zouping",
        template_code="weiqiao",
        admin_password="a-long-password-1",
    )
    settings = Township.objects.get(schema_name="haoshi").settings
    assert settings.bean_name == "棉花豆"
    assert str(settings.leader_own_weight) == "0.60"
    with schema_context("haoshi"):
        assert GridLevel.objects.count() == 4
        assert GridLevel.objects.get(is_village=True).depth == 2


@pytest.mark.parametrize(
    ("options", "code"),
    [
        ({"slug": "changshan"}, "slug_taken"),
        ({"slug": "Bad-Slug"}, "invalid_slug"),
        ({"slug": "9lives"}, "invalid_slug"),
        ({"slug": "public"}, "reserved_slug"),
        ({"template": "nosuch"}, "unknown_template"),
        ({"county": "nosuch"}, "unknown_county"),
    ],
)
def test_bad_input_is_a_clear_error_and_leaves_nothing(options: dict[str, str], code: str) -> None:
    before = footprint()
    args = {
        "slug": "newtown",
        "name": "新镇",
        "county": "zouping",
        "template": "changshan",
        **options,
    }
    with pytest.raises(CommandError) as excinfo:
        call_command("create_township", **args)
    assert f"[{code}]" in str(excinfo.value)
    assert footprint() == before


def test_a_failure_after_the_schema_exists_rolls_everything_back() -> None:
    real = _SECTIONS["catalog"]

    def seed_then_fail(data: object, template: object) -> None:
        real.apply(data, template)  # the schema, levels and catalog exist at this point
        assert schema_exists("halfway")
        raise ApplicationError("seeding failed", code="boom")

    before = footprint()
    register_template_section(
        TemplateSection(name="catalog", validate=real.validate, apply=seed_then_fail)
    )
    try:
        with pytest.raises(ApplicationError, match="seeding failed"):
            township_create(
                slug="halfway", name="半路镇", county_slug="zouping", template_code="changshan"
            )
    finally:
        register_template_section(real)
    assert not schema_exists("halfway")
    assert footprint() == before


def test_suspended_township_answers_503_and_resumes_with_its_data(api) -> None:
    client = api("changshan", "town_admin")
    assert client.get("/api/v1/me/").status_code == 200
    users_before = _users_in("changshan")

    call_command("suspend_township", "changshan", reason="合同到期")
    response = client.get("/api/v1/me/")
    assert response.status_code == 503
    assert response.json()["errors"][0]["code"] == "township_suspended"
    page = client.get("/", HTTP_ACCEPT="text/html")
    assert page.status_code == 503
    assert "已暂停服务" in page.content.decode()
    assert api(None).get("/healthz").status_code == 200  # other hosts are unaffected

    call_command("suspend_township", "changshan", resume=True)
    assert client.get("/api/v1/me/").status_code == 200
    assert _users_in("changshan") == users_before
    kinds = list(
        PlatformEvent.objects.filter(township__schema_name="changshan").values_list(
            "kind", flat=True
        )
    )
    assert kinds[:2] == ["resumed", "suspended"]


def test_suspending_needs_a_reason() -> None:
    with pytest.raises(CommandError, match="暂停原因"):
        call_command("suspend_township", "weiqiao")


def _users_in(slug: str) -> int:
    with schema_context(slug):
        return User.objects.count()
