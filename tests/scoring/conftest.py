"""A small grid of our own inside a demo township, built in the test's transaction, so
worked examples are not disturbed by the demo's data."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context
from PIL import Image

from governance import services as grid
from governance.actors import Actor
from governance.models import GridLevel, GridUnit, Household
from scoring import services
from scoring.models import Indicator, Month
from tenants.accounts.models import User
from tenants.models import Township


def photo(fmt: str = "PNG", name: str = "evidence.png") -> SimpleUploadedFile:
    """A real (tiny) image, as a phone would upload it."""
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 30, 30)).save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


SHANGHAI = ZoneInfo("Asia/Shanghai")
PAST = date(2025, 3, 1)  # a month long over: open it, fill it, close it
AFTER_PAST = datetime(2025, 4, 2, 9, 0, tzinfo=SHANGHAI)


@dataclass
class SmallGrid:
    township: Township
    admin: Actor
    village: GridUnit
    lowest: GridUnit
    households: list[Household]
    leader: Actor  # leader of ``lowest``, living in households[0]
    month: Month

    def actor(self, username: str) -> Actor:
        return Actor(user=User.objects.get(username=username), township=self.township)

    def indicator(self, code: str) -> Indicator:
        return Indicator.objects.get(code=code)

    def approve(self, household: Household, code: str, quantity: int = 1, day: int = 10) -> None:
        indicator = self.indicator(code)
        line = services.RecordLine(
            household=household,
            indicator=indicator,
            occurred_on=self.month.period.replace(day=day),
            quantity=quantity,
            evidence=photo() if indicator.evidence_required else None,
        )
        records, _ = services.point_records_submit(actor=self.admin, lines=[line])
        services.point_records_review(actor=self.admin, records=records, approve=True)


def build_small_grid(slug: str, size: int, *, username: str = "small_leader") -> SmallGrid:
    township = Township.objects.select_related("settings").get(schema_name=slug)
    admin = Actor(user=User.objects.get(username="town_admin"), township=township)
    parent = None
    village = None
    for level in GridLevel.objects.order_by("depth"):
        parent = grid.unit_create(actor=admin, name=f"测试{level.name}", parent=parent)
        if level.is_village:
            village = parent
    households = [
        grid.household_create(actor=admin, unit=parent, number=f"T-{slug}-{i}") for i in range(size)
    ]
    resident = grid.resident_create(actor=admin, household=households[0], name="测试组长")
    user, _ = grid.user_create(
        actor=admin, username=username, display_name="测试组长", resident=resident
    )
    grid.role_assign(actor=admin, unit=parent, user=user, kind="leader")
    month, _ = Month.objects.get_or_create(period=PAST)
    return SmallGrid(
        township=township,
        admin=admin,
        village=village,
        lowest=parent,
        households=households,
        leader=Actor(user=user, township=township),
        month=month,
    )


@pytest.fixture
def small_changshan(db):  # type: ignore[no-untyped-def]
    with schema_context("changshan"):
        yield lambda size=3: build_small_grid("changshan", size)


@pytest.fixture
def small_weiqiao(db):  # type: ignore[no-untyped-def]
    with schema_context("weiqiao"):
        yield lambda size=3: build_small_grid("weiqiao", size)
