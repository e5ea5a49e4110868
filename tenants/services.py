"""Writes to the public schema: provisioning, suspending and resuming townships."""

from __future__ import annotations

import logging
import re
import secrets
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context, schema_exists

from tenants.db import tenant_connection
from tenants.errors import ApplicationError, Conflict, NotFound
from tenants.models import SLUG_PATTERN, County, Domain, PlatformEvent, Township, TownshipSettings
from tenants.township_templates import template_load, template_sections

logger = logging.getLogger(__name__)

RESERVED_SLUGS = frozenset(
    {"public", "www", "api", "admin", "static", "media", "board", "healthz", "test", "template"}
)


@dataclass(frozen=True)
class ProvisionedTownship:
    township: Township
    admin_username: str
    admin_password: str
    seconds: float


def host_for(slug: str) -> str:
    return f"{slug}.{settings.JFB_BASE_DOMAIN}"


def slug_validate(slug: str) -> None:
    if not re.fullmatch(SLUG_PATTERN, slug or ""):
        raise ApplicationError(
            f"乡镇标识“{slug}”不合法：只能用小写字母和数字，以字母开头，长度 2–30（如 changshan）。",
            code="invalid_slug",
            attr="slug",
        )
    if slug in RESERVED_SLUGS or slug.startswith("pg") or slug == settings.TENANT_BASE_SCHEMA:
        raise ApplicationError(
            f"乡镇标识“{slug}”是保留字，请换一个。", code="reserved_slug", attr="slug"
        )
    if Township.objects.filter(schema_name__iexact=slug).exists() or schema_exists(slug):
        raise Conflict(f"乡镇标识“{slug}”已被使用。", code="slug_taken", attr="slug")
    if Domain.objects.filter(domain=host_for(slug)).exists():
        raise Conflict(f"域名 {host_for(slug)} 已被使用。", code="domain_taken", attr="slug")


def base_schema_ensure() -> None:
    """Create and migrate the empty schema that new townships clone.

    Cloning a schema that lags behind the migrations would mark the missing ones as
    applied without running them, so this migrates it first (a no-op when current).
    """
    name = settings.TENANT_BASE_SCHEMA
    tenant_connection().set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA IF NOT EXISTS "{name}"')
    call_command("migrate_schemas", schema_name=name, interactive=False, verbosity=0)
    tenant_connection().set_schema_to_public()


def township_create(
    *,
    slug: str,
    name: str,
    county_slug: str,
    template_code: str,
    admin_username: str = "town_admin",
    admin_password: str | None = None,
    admin_display_name: str = "",
    actor: str = "system",
) -> ProvisionedTownship:
    """Provision a township: schema (cloned), host, settings, template data, first admin.

    Everything is checked before anything is created, and the creation is one transaction
    (PostgreSQL DDL is transactional): a failure leaves no schema, domain or row behind.
    """
    started = time.perf_counter()
    tenant_connection().set_schema_to_public()
    name = (name or "").strip()
    if not name:
        raise ApplicationError("乡镇名称不能为空。", code="required", attr="name")
    slug_validate(slug)
    county = County.objects.filter(slug=county_slug).first()
    if county is None:
        raise NotFound(
            f"没有标识为“{county_slug}”的县（市）。", code="unknown_county", attr="county"
        )
    template = template_load(template_code)
    password = admin_password or secrets.token_urlsafe(12)

    base_schema_ensure()
    with transaction.atomic():
        township = Township(schema_name=slug, name=name, county=county, template=template.code)
        township.save(verbosity=0)
        Domain.objects.create(domain=host_for(slug), tenant=township, is_primary=True)
        TownshipSettings.objects.create(
            township=township, **settings_from_template(template.settings)
        )
        with schema_context(slug):
            for section in template_sections():
                data = template.sections.get(section.name)
                if data is not None:
                    section.apply(data, template)
            _first_admin_create(
                username=admin_username, password=password, display_name=admin_display_name
            )
        PlatformEvent.objects.create(
            township=township,
            actor=actor,
            kind=PlatformEvent.Kind.CREATED,
            details={"template": template.code, "county": county.slug},
        )
    seconds = time.perf_counter() - started
    logger.info("township %s provisioned from %s in %.2fs", slug, template.code, seconds)
    return ProvisionedTownship(township, admin_username, password, seconds)


def settings_from_template(values: dict[str, Any] | Any) -> dict[str, Any]:
    result = dict(values)
    for key in ("leader_own_weight", "points_to_beans"):
        if key in result:
            result[key] = Decimal(str(result[key]))
    return result


def _first_admin_create(*, username: str, password: str, display_name: str) -> None:
    from tenants.accounts.models import User

    User.objects.create_user(
        username=username,
        password=password,
        display_name=display_name or "乡镇管理员",
        township_role=User.TownshipRole.ADMIN,
    )


def township_suspend(*, township: Township, reason: str, actor: str) -> Township:
    """Stop serving a township's hosts (503). Nothing is deleted; resuming restores it."""
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError("请填写暂停原因。", code="required", attr="reason")
    with transaction.atomic():
        township = Township.objects.select_for_update().get(pk=township.pk)
        if township.is_suspended:
            return township
        township.status = Township.Status.SUSPENDED
        township.suspended_at = timezone.now()
        township.suspension_reason = reason
        township.save(update_fields=["status", "suspended_at", "suspension_reason"])
        PlatformEvent.objects.create(
            township=township,
            actor=actor,
            kind=PlatformEvent.Kind.SUSPENDED,
            details={"reason": reason},
        )
    return township


def township_resume(*, township: Township, actor: str) -> Township:
    with transaction.atomic():
        township = Township.objects.select_for_update().get(pk=township.pk)
        if not township.is_suspended:
            return township
        township.status = Township.Status.ACTIVE
        township.suspended_at = None
        township.suspension_reason = ""
        township.save(update_fields=["status", "suspended_at", "suspension_reason"])
        PlatformEvent.objects.create(
            township=township, actor=actor, kind=PlatformEvent.Kind.RESUMED
        )
    return township


def county_get_or_create(*, slug: str, name: str) -> County:
    county, _ = County.objects.get_or_create(slug=slug, defaults={"name": name})
    return county
