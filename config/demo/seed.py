"""The demo of ARCHITECTURE.md §6: county 邹平市, townships 长山镇 and 魏桥镇, demo accounts.

Idempotent: a second run finds what the first made and changes nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django_tenants.utils import schema_context
from guardian.shortcuts import assign_perm

from config.demo.accounts import COUNTY, DEMO_PASSWORD, TOWNSHIP_ACCOUNTS, TOWNSHIPS
from tenants.accounts.models import User
from tenants.db import tenant_connection
from tenants.models import County, Township
from tenants.services import county_get_or_create, township_create

logger = logging.getLogger(__name__)


@dataclass
class DemoSummary:
    created_townships: list[str]


def seed_demo(*, today: date | None = None) -> DemoSummary:
    """Seed the demo; its months follow ``today`` (default: each township's local date), see
    config/demo/months.py ``DemoCalendar``."""
    tenant_connection().set_schema_to_public()
    county = county_get_or_create(slug=COUNTY[0], name=COUNTY[1])
    created = []
    for slug, name, template in TOWNSHIPS:
        if not Township.objects.filter(schema_name=slug).exists():
            township_create(
                slug=slug,
                name=name,
                county_slug=county.slug,
                template_code=template,
                admin_password=DEMO_PASSWORD,
                admin_display_name=f"{name}管理员",
                actor="seed_demo",
            )
            created.append(slug)
    _public_accounts(county)
    for slug, _name, _template in TOWNSHIPS:
        township = Township.objects.get(schema_name=slug)
        with schema_context(slug):
            _township_accounts()
            _grid(township, today)
    return DemoSummary(created_townships=created)


def _user(username: str, display_name: str, **extra: Any) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(
            username=username, password=DEMO_PASSWORD, display_name=display_name, **extra
        )
    return user


@transaction.atomic
def _public_accounts(county: County) -> None:
    viewer = _user("county_viewer", "邹平市委组织部")
    assign_perm("tenants.view_county", viewer, county)
    _user("platform_admin", "平台管理员", is_superuser=True, is_staff=True)


@transaction.atomic
def _grid(township: Township, today: date | None) -> None:
    from config.demo.grid import assign_demo_accounts, seed_grid
    from config.demo.months import demo_calendar, seed_months, township_today
    from config.demo.rewards import seed_rewards

    calendar = demo_calendar(today or township_today(township))
    assign_demo_accounts(seed_grid(township), township)
    seed_months(township, calendar)
    seed_rewards(township, calendar)


@transaction.atomic
def _township_accounts() -> None:
    for username, display_name in TOWNSHIP_ACCOUNTS:
        extra = {"township_role": User.TownshipRole.ADMIN} if username == "town_admin" else {}
        _user(username, display_name, **extra)
