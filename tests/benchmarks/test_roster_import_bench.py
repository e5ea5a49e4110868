"""How long a 10,000-row roster takes to import (parse, validate, apply), measured against a
plain ``bulk_create`` of as many residents in the same run."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django_tenants.utils import schema_context
from openpyxl import Workbook

from governance import services
from governance.actors import Actor
from governance.models import GridUnit, Household, Resident, RoleAssignment, RosterImport
from governance.personal_data import id_number_check_digit
from governance.roster import HEADERS, roster_import_apply, roster_import_create
from tenants.accounts.models import User
from tenants.models import Township
from tests.benchmarks.conftest import stopwatch

pytestmark = pytest.mark.django_db

HOUSEHOLDS = 2_500
PER_HOUSEHOLD = 4
ROWS = HOUSEHOLDS * PER_HOUSEHOLD
MICROGRIDS, GROUPS_PER_MICROGRID = 10, 10


def _id_number(i: int, *, male: bool) -> str:
    """Unique per ``i`` and outside the demo's region code (371626)."""
    seq = (i % 500) * 2 + (1 if male else 0)
    first17 = f"3798{i // 500:02d}19{60 + i % 40:02d}{1 + i % 12:02d}{1 + i % 28:02d}{seq:03d}"
    return first17 + id_number_check_digit(first17)


def _roster(paths: list[str]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("花名册")
    sheet.append(list(HEADERS))
    per_group = HOUSEHOLDS // len(paths)
    for h in range(HOUSEHOLDS):
        for k in range(PER_HOUSEHOLD):
            i = h * PER_HOUSEHOLD + k
            male = k != 1
            sheet.append(
                [
                    paths[h // per_group],
                    f"BM-{h:05d}",
                    f"{1 + h % 12}排{1 + h % 30}号",
                    f"测{i}",
                    "男" if male else "女",
                    None,
                    _id_number(i, male=male),
                    f"139{i:08d}" if k < 2 else None,
                    "是" if k == 0 else "否",
                    "是" if i % 9 == 0 else "否",
                    "否",
                    "否",
                ]
            )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@contextmanager
def _phases() -> Iterator[dict[str, Any]]:
    """The phase timings the service logs with each finished import."""
    seen: dict[str, Any] = {}

    class Grab(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.update(getattr(record, "roster_phases", {}))

    logger = logging.getLogger("governance.roster")
    handler, level = Grab(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield seen
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def test_roster_import_10000_rows(table) -> None:
    township = Township.objects.get(schema_name="changshan")
    with schema_context("changshan"):
        admin = Actor(user=User.objects.get(username="town_admin"), township=township)
        info_admin = Actor(user=User.objects.get(username="info_admin"), township=township)
        village = RoleAssignment.objects.get(user__username="info_admin", kind="info_admin").unit
        paths = []
        for m in range(1, MICROGRIDS + 1):
            microgrid = services.unit_create(actor=admin, name=f"测速微网格{m}", parent=village)
            for g in range(1, GROUPS_PER_MICROGRID + 1):
                services.unit_create(actor=admin, name=f"第{g}联户小组", parent=microgrid)
                paths.append(f"{village.name}/{microgrid.name}/第{g}联户小组")
        with stopwatch() as build:
            content = _roster(paths)
        households, residents = Household.objects.count(), Resident.objects.count()

        # As the worker runs it, as the info administrator of the village.
        job = roster_import_create(
            actor=info_admin, file=ContentFile(content, name="测速花名册.xlsx")
        )
        with _phases() as phases, stopwatch() as total:
            job = roster_import_apply(roster_import=job)

        assert job.status == RosterImport.Status.SUCCEEDED, job.errors[:5]
        assert job.created == {"households": HOUSEHOLDS, "residents": ROWS}
        assert job.total_rows == job.processed_rows == ROWS
        assert Household.objects.count() - households == HOUSEHOLDS
        assert Resident.objects.count() - residents == ROWS
        assert GridUnit.objects.filter(name__startswith="测速微网格").count() == MICROGRIDS

        # The floor: the same number of resident rows, no parsing, checks or encryption.
        household_ids = list(
            Household.objects.filter(number__startswith="BM-").values_list("pk", flat=True)
        )
        plain_rows = [
            Resident(household_id=household_ids[i % len(household_ids)], name=f"基准{i}")
            for i in range(ROWS)
        ]
        with stopwatch() as plain:
            Resident.objects.bulk_create(plain_rows, batch_size=1_000)
        assert Resident.objects.count() - residents == 2 * ROWS

    t = table(
        f"roster import: {ROWS} rows in {HOUSEHOLDS} households ({len(content) // 1024} KB .xlsx)",
        ["step", "rows", "seconds", "rows/second"],
    )
    for step in ("parse", "validate", "apply"):
        t.add(step, ROWS, phases[step], ROWS / phases[step])
    t.add("total (roster_import_apply)", ROWS, total[0], ROWS / total[0])
    t.add("plain Resident.bulk_create", ROWS, plain[0], ROWS / plain[0])
    t.add("ratio total / plain", "", total[0] / plain[0], "")
    t.add("(building the .xlsx, not timed above)", ROWS, build[0], "")
