"""Roster import and export: every row is validated before anything is written, a file
with one bad row changes nothing and names that row and column, a good file lands in one
transaction; exports and reports never show a full ID number to someone who may not see it."""

from __future__ import annotations

import io
import logging
import re
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context
from openpyxl import Workbook, load_workbook
from rest_framework.authtoken.models import Token

from governance import services
from governance.actors import Actor
from governance.models import (
    AuditEntry,
    GridUnit,
    Household,
    HouseholdMove,
    Resident,
    ResidentMove,
    RoleAssignment,
    RosterImport,
)
from governance.personal_data import id_number_check_digit, id_number_digest, reveal
from governance.roster import (
    EXAMPLE_ID_NUMBER,
    HEADERS,
    XLSX_CONTENT_TYPE,
    roster_export_build,
    roster_import_apply,
    roster_import_create,
    roster_parse,
    roster_validate,
)
from tenants.accounts.models import User
from tenants.models import Township
from tests.fixtures import committed, make_client, wait_until

# No module-wide django_db mark: the tests ask for ``db`` through their fixtures, and the
# integration test must run outside the test transaction for the worker to see its data.

ROLES = [
    "town_admin",
    "village_leader",
    "info_admin",
    "microgrid_leader",
    "group_leader",
    "group_leader_other",
    "merchant",
    "resident",
]


# ---------------------------------------------------------------- building rosters
def id_number(i: int, *, male: bool = True, born: date = date(1980, 1, 1)) -> str:
    """A valid ID number unique per ``i`` (region 3799xx: the demo uses 371626)."""
    seq = (i % 500) * 2 + (1 if male else 0)
    first17 = f"3799{i // 500:02d}{born:%Y%m%d}{seq:03d}"
    return first17 + id_number_check_digit(first17)


def with_bad_check_digit(value: str) -> str:
    return value[:17] + ("0" if value[17] != "0" else "1")


def person(i: int, *, path: str, number: str, head: bool = False, **cells: Any) -> dict[str, Any]:
    row = {
        "网格路径": path,
        "户号": number,
        "地址": "3排5号",
        "姓名": f"王{i}",
        "身份证号": id_number(i),
        "手机号": f"138{i:08d}",
        "户主": "是" if head else "否",
        "党员": "否",
        "村民代表": "否",
        "流动党员": "否",
    }
    row.update(cells)
    return row


def household_rows(
    start: int, *, path: str, number: str, size: int = 3, **cells: Any
) -> list[dict[str, Any]]:
    return [person(start + k, path=path, number=number, head=k == 0, **cells) for k in range(size)]


def xlsx(rows: list[dict[str, Any]], headers: tuple[str, ...] = HEADERS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append([row.get(h) for h in headers])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def chain(unit: GridUnit) -> str:
    names = dict(GridUnit.objects.filter(pk__in=unit.path_ids).values_list("pk", "name"))
    return "/".join(names[pk] for pk in unit.path_ids)


def counts() -> dict[str, int]:
    return {
        "households": Household.objects.count(),
        "household_moves": HouseholdMove.objects.count(),
        "residents": Resident.objects.count(),
        "resident_moves": ResidentMove.objects.count(),
        "audit": AuditEntry.objects.filter(action="roster.import").count(),
    }


def actor(username: str, township: Township) -> Actor:
    return Actor(user=User.objects.get(username=username), township=township)


def run(who: Actor, content: bytes, name: str = "花名册.xlsx") -> RosterImport:
    job = roster_import_create(actor=who, file=ContentFile(content, name=name))
    return roster_import_apply(roster_import=job)


def cells(job: RosterImport) -> list[tuple[int | None, str | None, str]]:
    return [(e["row"], e["column"], e["code"]) for e in job.errors]


@dataclass
class Place:
    township: Township
    group: GridUnit  # a fresh, empty group in info_admin's village
    path: str
    other_village_group: GridUnit


@pytest.fixture
def cs(db: None) -> Iterator[Place]:
    township = Township.objects.select_related("settings").get(schema_name="changshan")
    with schema_context("changshan"):
        village = RoleAssignment.objects.get(
            user__username="info_admin", kind="info_admin", ended_at__isnull=True
        ).unit
        microgrid = GridUnit.objects.filter(parent=village).order_by("path").first()
        group = services.unit_create(
            actor=actor("town_admin", township), name="花名册测试小组", parent=microgrid
        )
        other = RoleAssignment.objects.get(user__username="group_leader_other").unit
        yield Place(township, group, chain(group), other)


# ---------------------------------------------------------------- all or nothing
def test_one_bad_row_changes_nothing_and_names_its_row_and_column(cs, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    rows = household_rows(1, path=cs.path, number="RT-001", size=4) + household_rows(
        5, path=cs.path, number="RT-002", size=4
    )
    rows[5]["身份证号"] = with_bad_check_digit(rows[5]["身份证号"])  # spreadsheet row 7
    before = counts()

    job = run(actor("info_admin", cs.township), xlsx(rows))

    assert job.status == RosterImport.Status.FAILED
    assert cells(job) == [(7, "身份证号", "invalid_id_number")]
    assert job.errors[0]["message"] == "身份证号校验位不正确。"
    assert job.error_count == 1
    assert counts() == before
    assert not Household.objects.filter(number__in=["RT-001", "RT-002"]).exists()
    assert bytes(RosterImport.objects.get(pk=job.pk).content) == b""  # clear IDs dropped
    assert not any(row["身份证号"] in caplog.text for row in rows)


def test_every_problem_is_reported_not_only_the_first(cs) -> None:
    rows = household_rows(1, path=cs.path, number="RT-010", size=6)
    rows[0]["姓名"] = ""  # row 2
    rows[1]["手机号"] = "12345"  # row 3
    rows[2]["党员"] = "不是"  # row 4
    rows[3]["性别"] = "未知"  # row 5
    rows[4]["网格路径"] = f"{cs.path}不存在"  # row 6
    rows[5]["出生日期"] = "去年"  # row 7
    rows[5]["身份证号"] = "12345"  # row 7

    job = run(actor("info_admin", cs.township), xlsx(rows))

    assert cells(job) == [
        (2, "姓名", "required"),
        (3, "手机号", "invalid_phone"),
        (4, "党员", "invalid_choice"),
        (5, "性别", "invalid_choice"),
        (6, "网格路径", "unit_not_found"),
        (7, "出生日期", "invalid_date"),
        (7, "身份证号", "invalid_id_number"),
    ]
    assert all(e["message"] for e in job.errors)
    assert not Household.objects.filter(number="RT-010").exists()


def test_the_report_keeps_the_first_thousand_errors_and_counts_them_all(cs) -> None:
    rows = [person(i, path=cs.path, number=f"RT-E{i:04d}", head=True) for i in range(1_100)]
    for row in rows:
        row["姓名"] = ""

    job = run(actor("info_admin", cs.township), xlsx(rows))

    assert job.error_count == 1_100
    assert len(job.errors) == 1_000
    assert job.errors[-1]["row"] == 1_001  # in row order: the first thousand rows


def test_an_id_number_twice_in_the_file_or_already_registered_is_refused(cs) -> None:
    registered = Resident.objects.filter(is_active=True).exclude(id_number_encrypted="").first()
    rows = household_rows(1, path=cs.path, number="RT-020", size=3)
    rows[2]["身份证号"] = rows[0]["身份证号"]
    rows[1]["身份证号"] = reveal(registered.id_number_encrypted)

    job = run(actor("town_admin", cs.township), xlsx(rows))

    assert cells(job) == [
        (3, "身份证号", "duplicate_id_number"),
        (4, "身份证号", "duplicate_in_file"),
    ]
    assert job.errors[1]["message"] == "与第 2 行的身份证号重复。"
    # The report never says whose number it is, nor repeats it.
    assert registered.name not in str(job.errors)
    assert rows[0]["身份证号"] not in str(job.errors)


def test_a_household_number_of_another_unit_is_refused(cs) -> None:
    elsewhere = Household.objects.exclude(unit=cs.group).first()
    rows = household_rows(1, path=cs.path, number=elsewhere.number)
    before = counts()

    job = run(actor("town_admin", cs.township), xlsx(rows))

    assert cells(job) == [(2, "户号", "household_in_other_unit")]
    assert job.errors[0]["message"] == f"户号“{elsewhere.number}”已存在于其他网格。"
    assert counts() == before


def test_a_row_outside_the_actors_village_fails_that_row_only(cs) -> None:
    rows = household_rows(1, path=cs.path, number="RT-030") + household_rows(
        4, path=chain(cs.other_village_group), number="RT-031"
    )

    job = run(actor("info_admin", cs.township), xlsx(rows))

    assert cells(job) == [(row, "网格路径", "permission_denied") for row in (5, 6, 7)]
    assert job.errors[0]["message"] == "无权为该网格录入。"


def test_a_path_must_start_at_the_top_and_end_at_the_lowest_level(cs) -> None:
    village_only = cs.path.split("/")[0]
    without_village = "/".join(cs.path.split("/")[1:])
    rows = [
        person(1, path=village_only, number="RT-040", head=True),
        person(2, path=without_village, number="RT-041", head=True),
        person(3, path=cs.path.replace("/", " ／ "), number="RT-042", head=True),
        person(4, path=" / ", number="RT-043", head=True),
    ]

    job = run(actor("info_admin", cs.township), xlsx(rows))

    assert cells(job) == [
        (2, "网格路径", "not_lowest_level"),
        (3, "网格路径", "unit_not_found"),
        (5, "网格路径", "required"),
    ]
    assert "网格路径应从村级网格写起" in job.errors[1]["message"]


def test_every_household_ends_with_exactly_one_head(cs) -> None:
    existing = Household.objects.create(number="RT-EXIST", unit=cs.group, card_code="RTEXIST001")
    Resident.objects.create(household=existing, name="老户主", is_household_head=True)
    rows = [
        person(1, path=cs.path, number="RT-050"),  # no head
        person(2, path=cs.path, number="RT-050"),
        person(3, path=cs.path, number="RT-051", head=True),
        person(4, path=cs.path, number="RT-051", head=True),  # second head
        person(5, path=cs.path, number="RT-EXIST", head=True),  # the household has one
        person(6, path=cs.path, number="RT-EXIST"),  # fine: joins under the existing head
    ]

    job = run(actor("info_admin", cs.township), xlsx(rows))

    assert cells(job) == [
        (2, "户主", "household_without_head"),
        (5, "户主", "household_head_twice"),
        (6, "户主", "household_has_head"),
    ]


def test_rows_of_one_household_agree_on_unit_and_address(cs) -> None:
    other_group = GridUnit.objects.filter(parent=cs.group.parent).exclude(pk=cs.group.pk).first()
    rows = household_rows(1, path=cs.path, number="RT-060", size=3)
    rows[1]["网格路径"] = chain(other_group)
    rows[2]["地址"] = "另一个地址"

    job = run(actor("info_admin", cs.township), xlsx(rows))

    assert cells(job) == [
        (3, "网格路径", "household_unit_mismatch"),
        (4, "地址", "household_address_mismatch"),
    ]


@pytest.mark.parametrize(
    ("cell", "value", "code"),
    [
        ("身份证号", EXAMPLE_ID_NUMBER, "example_row"),  # the template's example row left in
        ("身份证号", 3.799e17, "id_number_not_text"),  # Excel already dropped its last digits
        ("性别", "女", "gender_mismatch"),
        ("出生日期", "1990-01-01", "birth_date_mismatch"),
        ("户号", "X" * 33, "too_long"),
    ],
)
def test_cell_checks(cs, cell, value, code) -> None:
    rows = [person(1, path=cs.path, number="RT-070", head=True, **{cell: value})]
    job = run(actor("info_admin", cs.township), xlsx(rows))
    assert cells(job) == [(2, cell, code)]


def test_file_level_problems_are_reported_without_rows(cs) -> None:
    who = actor("info_admin", cs.township)
    missing = run(who, xlsx([], headers=tuple(h for h in HEADERS if h != "身份证号")))
    assert cells(missing) == [(1, "身份证号", "missing_column")]
    empty = run(who, xlsx([]))
    assert cells(empty) == [(None, None, "empty_roster")]
    # Columns are found by header: order and extra columns do not matter.
    shuffled = (*reversed(HEADERS), "备注")
    good = run(who, xlsx(household_rows(1, path=cs.path, number="RT-080"), headers=shuffled))
    assert good.status == RosterImport.Status.SUCCEEDED


def test_rows_beyond_a_wrong_declared_dimension_are_still_read(cs) -> None:
    """Some programs write a stale <dimension>; trusting it would silently drop rows."""
    rows = household_rows(1, path=cs.path, number="RT-090", size=4)
    source = zipfile.ZipFile(io.BytesIO(xlsx(rows)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:B2"', data)
                assert b'<dimension ref="A1:B2"' in data
            target.writestr(item, data)

    job = run(actor("info_admin", cs.township), out.getvalue())

    assert job.status == RosterImport.Status.SUCCEEDED, job.errors
    assert job.created == {"households": 1, "residents": 4}


# ---------------------------------------------------------------- a good file
def test_a_good_file_creates_households_and_residents_with_protected_numbers(cs) -> None:
    existing = Household.objects.create(number="RT-EXIST", unit=cs.group, card_code="RTEXIST001")
    Resident.objects.create(household=existing, name="老户主", is_household_head=True)
    rows = [
        *household_rows(1, path=cs.path, number="RT-100", size=3, 党员="是"),
        *household_rows(4, path=cs.path, number="RT-101", size=2, 地址="9排1号"),
        person(6, path=cs.path, number="RT-EXIST", 手机号=None, 村民代表="是"),
        {**person(7, path=cs.path, number="RT-102", head=True), "性别": "男", "出生日期": date(1980, 1, 1)},
    ]  # fmt: skip
    rows[1]["身份证号"] = id_number(2, male=False, born=date(1975, 6, 30))
    before = counts()

    job = run(actor("info_admin", cs.township), xlsx(rows), name="东关村花名册.xlsx")

    assert job.status == RosterImport.Status.SUCCEEDED, job.errors
    assert job.errors == []
    assert job.created == {"households": 3, "residents": 7}
    assert job.total_rows == job.processed_rows == 7
    assert job.finished_at is not None
    after = counts()
    assert after["households"] - before["households"] == 3
    assert after["household_moves"] - before["household_moves"] == 3
    assert after["residents"] - before["residents"] == 7
    assert after["resident_moves"] - before["resident_moves"] == 7

    households = {h.number: h for h in Household.objects.filter(number__startswith="RT-10")}
    assert {h.unit_id for h in households.values()} == {cs.group.pk}
    assert households["RT-101"].address == "9排1号"
    assert len({h.card_code for h in households.values()}) == 3
    assert HouseholdMove.objects.get(household=households["RT-100"]).unit_id == cs.group.pk

    woman = Resident.objects.get(household=households["RT-100"], name="王2")
    clear = rows[1]["身份证号"]
    assert woman.gender == "F"  # derived from the ID number
    assert woman.birth_date == date(1975, 6, 30)
    assert woman.id_number_masked == f"{clear[:4]}{'*' * 10}{clear[-4:]}"
    assert clear not in woman.id_number_encrypted
    assert reveal(woman.id_number_encrypted) == clear
    assert woman.id_number_hash == id_number_digest(clear)
    assert reveal(woman.phone_encrypted) == "13800000002"
    assert woman.phone_masked == "138****0002"
    assert woman.is_party_member
    assert not woman.is_household_head
    head = Resident.objects.get(household=households["RT-100"], is_household_head=True)
    assert head.name == "王1"
    assert ResidentMove.objects.get(resident=head).household_id == households["RT-100"].pk

    joined = Resident.objects.get(household=existing, name="王6")
    assert joined.is_villager_representative
    assert not joined.is_household_head
    assert joined.phone_encrypted == ""
    assert Resident.objects.filter(household=existing, is_household_head=True).count() == 1


def test_the_import_is_audited_once_without_id_numbers(cs, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    rows = household_rows(1, path=cs.path, number="RT-110", size=3)
    # Even a file named after a person's ID number does not carry it into the log.
    filename = f"{id_number(99)}.xlsx"

    job = run(actor("info_admin", cs.township), xlsx(rows), name=filename)

    entry = AuditEntry.objects.get(action="roster.import")
    assert entry.actor.username == "info_admin"
    assert entry.object_id == str(job.pk)
    assert entry.after == {"households": 1, "residents": 3, "file": job.filename}
    text = f"{entry.object_repr} {entry.before} {entry.after} {job.filename} {caplog.text}"
    for clear in [*(r["身份证号"] for r in rows), id_number(99)]:
        assert clear not in text
    assert job.filename.startswith(id_number(99)[:4] + "*" * 10)


def test_validation_runs_the_same_queries_for_12_or_200_rows(cs) -> None:
    def queries(households: int) -> int:
        who = actor("info_admin", cs.township)  # a fresh actor: grants are cached on it
        rows = [
            r
            for h in range(households)
            for r in household_rows(h * 4, path=cs.path, number=f"RT-Q{h:04d}", size=4)
        ]
        parsed = roster_parse(content=xlsx(rows))
        with CaptureQueriesContext(connection) as captured:
            plan = roster_validate(actor=who, rows=parsed.rows)
        assert plan.errors == []
        return len(captured)

    assert queries(3) == queries(50)


def test_progress_is_reported_every_500_rows(cs) -> None:
    rows = [
        r
        for h in range(301)
        for r in household_rows(h * 4, path=cs.path, number=f"RT-P{h:04d}", size=4)
    ]
    seen: list[int] = []
    parsed = roster_parse(content=xlsx(rows))
    plan = roster_validate(
        actor=actor("info_admin", cs.township), rows=parsed.rows, on_progress=seen.append
    )
    assert plan.errors == []
    assert seen == [500, 1000, 1204]


def test_a_conflicting_change_between_validation_and_write_changes_nothing(cs, monkeypatch) -> None:
    """Validation reads outside the import's transaction; if someone registers the same
    household number meanwhile, the unique index refuses the write and all of it rolls back."""
    from governance import roster

    check = roster._check_against_database

    def and_meanwhile(plan, digests):  # type: ignore[no-untyped-def]
        check(plan, digests)
        Household.objects.create(number="RT-131", unit=cs.group, card_code="RTRACE0001")

    monkeypatch.setattr(roster, "_check_against_database", and_meanwhile)
    rows = household_rows(1, path=cs.path, number="RT-130") + household_rows(
        4, path=cs.path, number="RT-131"
    )
    before = counts()

    job = run(actor("info_admin", cs.township), xlsx(rows))

    assert job.status == RosterImport.Status.FAILED
    assert cells(job) == [(None, None, "conflict")]
    assert counts() == {**before, "households": before["households"] + 1}  # only the rival's
    assert not Household.objects.filter(number="RT-130").exists()


def test_a_finished_job_is_not_run_again(cs) -> None:
    job = run(
        actor("info_admin", cs.township), xlsx(household_rows(1, path=cs.path, number="RT-120"))
    )
    assert job.status == RosterImport.Status.SUCCEEDED
    before = counts()
    again = roster_import_apply(roster_import=job)  # a redelivered task (acks_late)
    assert again.status == RosterImport.Status.SUCCEEDED
    assert counts() == before


def test_weiqiao_paths_start_at_the_district(db) -> None:
    township = Township.objects.get(schema_name="weiqiao")
    with schema_context("weiqiao"):
        group = GridUnit.objects.filter(level__depth=4).order_by("path").first()
        path = chain(group)
        assert path.count("/") == 3  # 管区/村/片区/联户小组
        job = run(
            actor("town_admin", township),
            xlsx(
                household_rows(1, path=path, number="RT-W1")
                + household_rows(4, path=path.split("/", 1)[1], number="RT-W2")
            ),
        )
        assert cells(job) == [(row, "网格路径", "unit_not_found") for row in (5, 6, 7)]
        assert "网格路径应从管区写起" in job.errors[0]["message"]


# ---------------------------------------------------------------- API
def upload(client, content: bytes, name: str = "花名册.xlsx"):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/v1/roster/imports/",
        {"file": SimpleUploadedFile(name, content, content_type=XLSX_CONTENT_TYPE)},
        format="multipart",
    )


def workbook_rows(content: bytes) -> list[tuple[Any, ...]]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return list(sheet.iter_rows(values_only=True))


def test_the_template_has_the_headers_an_example_and_an_explanation(api) -> None:
    response = api("changshan", "info_admin").get("/api/v1/roster/template/")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["花名册", "说明"]
    rows = list(workbook["花名册"].iter_rows(values_only=True))
    assert rows[0] == HEADERS
    assert rows[1][0].startswith("东关村/")  # a unit info_admin may enter for
    assert rows[1][HEADERS.index("身份证号")] == EXAMPLE_ID_NUMBER
    explained = [row[0] for row in workbook["说明"].iter_rows(min_row=2, values_only=True)]
    assert set(HEADERS) <= set(explained)


def test_upload_refuses_what_is_not_an_xlsx_roster(api, settings) -> None:
    client = api("changshan", "info_admin")
    wrong_type = upload(client, b"a,b,c\n", name="花名册.csv")
    assert wrong_type.status_code == 400
    assert wrong_type.json()["errors"][0] == {
        "code": "invalid_file_type",
        "detail": "请上传 .xlsx 格式的花名册（旧版 .xls 请先在 Excel 中另存为 .xlsx）。",
        "attr": "file",
    }
    not_a_workbook = upload(client, b"PK not really a zip")
    assert not_a_workbook.status_code == 400
    assert not_a_workbook.json()["errors"][0]["code"] == "invalid_file"
    settings.JFB_UPLOAD_MAX_BYTES = 1024
    too_big = upload(client, xlsx([]))
    assert too_big.status_code == 400
    assert too_big.json()["errors"][0]["code"] == "file_too_large"
    missing = client.post("/api/v1/roster/imports/", {}, format="multipart")
    assert missing.status_code == 400
    assert missing.json()["errors"][0]["attr"] == "file"
    with schema_context("changshan"):
        assert not RosterImport.objects.exists()


def test_upload_answers_202_and_the_uploader_polls_the_report(api, changshan) -> None:
    client = api("changshan", "info_admin")
    with schema_context("changshan"):
        group = RoleAssignment.objects.get(user__username="group_leader").unit
        path = chain(group)
    content = xlsx(household_rows(1, path=path, number="RT-200", size=2, 户主="否"))

    response = upload(client, content)

    assert response.status_code == 202, response.content
    body = response.json()
    assert body["status"] == "pending"
    assert body["progress"] == 0
    assert response["Location"] == f"/api/v1/roster/imports/{body['id']}/"
    with schema_context("changshan"):
        # The worker's part (the task is queued on commit; this test never commits).
        roster_import_apply(roster_import=RosterImport.objects.get(pk=body["id"]))
    polled = client.get(response["Location"])
    assert polled.status_code == 200
    report = polled.json()
    assert report["status"] == "failed"
    assert report["progress"] == 100
    assert report["error_count"] == 1
    assert report["errors"] == [
        {
            "row": 2,
            "column": "户主",
            "code": "household_without_head",
            "message": "户号“RT-200”没有户主：请在该户其中一行的“户主”填“是”。",
        }
    ]
    assert client.get("/api/v1/roster/imports/").json()["results"][0]["id"] == body["id"]


@pytest.mark.parametrize("role", ["village_leader", "group_leader", "group_leader_other"])
def test_another_users_import_is_404_but_the_township_admin_sees_it(api, role) -> None:
    response = upload(api("changshan", "info_admin"), xlsx([]))
    assert response.status_code == 202
    job = f"/api/v1/roster/imports/{response.json()['id']}/"
    other = api("changshan", role)
    assert other.get(job).status_code == 404
    assert other.get(job).json()["errors"][0]["code"] == "not_found"
    assert other.get("/api/v1/roster/imports/").json()["count"] == 0
    assert api("changshan", "town_admin").get(job).status_code == 200


def test_the_import_list_runs_a_constant_number_of_queries(api) -> None:
    for _ in range(3):
        assert upload(api("changshan", "info_admin"), xlsx([])).status_code == 202
    client = api("changshan", "town_admin")
    sizes = set()
    for size in (1, 50):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/api/v1/roster/imports/?page_size={size}")
        assert response.status_code == 200
        assert response.json()["results"][0]["errors"] is None  # counts only in lists
        sizes.add(len(queries))
    assert len(sizes) == 1


def exported(client, query: str = "") -> list[tuple[Any, ...]]:  # type: ignore[no-untyped-def]
    response = client.get(f"/api/v1/roster/export/{query}")
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    rows = workbook_rows(response.content)
    assert rows[0] == HEADERS
    return rows[1:]


def clear_ids_under(slug: str, path: str) -> set[str]:
    with schema_context(slug):
        return {
            reveal(r.id_number_encrypted)
            for r in Resident.objects.filter(household__unit__path__startswith=path, is_active=True)
        }


def test_export_for_a_group_leader_is_their_group_with_masked_numbers(api) -> None:
    with schema_context("changshan"):
        group = RoleAssignment.objects.get(user__username="group_leader").unit
        path = group.path
        expected = set(
            Resident.objects.filter(
                household__unit__path__startswith=path, is_active=True
            ).values_list("name", "id_number_masked")
        )
        everything = {reveal(r.id_number_encrypted) for r in Resident.objects.all()}
    rows = exported(api("changshan", "group_leader"))
    id_column = HEADERS.index("身份证号")
    assert {(r[HEADERS.index("姓名")], r[id_column]) for r in rows} == expected
    assert all(r[id_column][4:14] == "*" * 10 for r in rows)
    assert all(
        r[HEADERS.index("手机号")] in ("", None) or "****" in r[HEADERS.index("手机号")]
        for r in rows
    )
    assert not everything & {str(value) for row in rows for value in row}


def test_export_for_the_info_admin_has_clear_numbers_of_their_village(api) -> None:
    with schema_context("changshan"):
        village = RoleAssignment.objects.get(user__username="info_admin").unit
        microgrid = GridUnit.objects.filter(parent=village).order_by("path").first()
        village_id, microgrid_id = village.pk, microgrid.pk
        village_path, microgrid_path = village.path, microgrid.path
        other = RoleAssignment.objects.get(user__username="group_leader_other").unit.pk
    client = api("changshan", "info_admin")
    rows = exported(client)
    id_column = HEADERS.index("身份证号")
    assert {r[id_column] for r in rows} == clear_ids_under("changshan", village_path)
    assert all(r[0].startswith("东关村/") for r in rows)
    under = exported(client, f"?under={microgrid_id}")
    assert {r[id_column] for r in under} == clear_ids_under("changshan", microgrid_path)
    assert exported(client, f"?under={village_id}") == rows
    assert client.get(f"/api/v1/roster/export/?under={other}").status_code == 404
    assert client.get("/api/v1/roster/export/?under=x").status_code == 400


def test_export_queries_do_not_grow_with_the_residents(api) -> None:
    with schema_context("changshan"):
        village = RoleAssignment.objects.get(user__username="info_admin").unit
        group = RoleAssignment.objects.get(user__username="group_leader").unit
    client = api("changshan", "info_admin")
    sizes = []
    for unit in (group, village):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/api/v1/roster/export/?under={unit.pk}").status_code == 200
        sizes.append(len(queries))
    assert sizes[0] == sizes[1]


def test_an_exported_roster_goes_back_in_once_its_people_are_new(cs) -> None:
    """The export's columns are the import's: a file can round-trip (here after the
    original rows were taken off the register, so the ID numbers are free again)."""
    who = actor("info_admin", cs.township)
    first = run(who, xlsx(household_rows(1, path=cs.path, number="RT-300", size=3)))
    assert first.status == RosterImport.Status.SUCCEEDED
    content = roster_export_build(actor=who, under=cs.group)
    Resident.objects.filter(household__number="RT-300").update(is_active=False)
    Household.objects.filter(number="RT-300").update(number="RT-300-old")
    again = run(who, content)
    assert again.status == RosterImport.Status.SUCCEEDED, again.errors
    assert again.created == {"households": 1, "residents": 3}


# ---------------------------------------------------------------- permissions
#                       template upload list poll-others export
EXPECTED = {
    "town_admin":         (200, 202, 200, 200, 200),
    "village_leader":     (200, 403, 200, 404, 200),
    "info_admin":         (200, 202, 200, 404, 200),
    "microgrid_leader":   (200, 403, 200, 404, 200),
    "group_leader":       (200, 403, 200, 404, 200),
    "group_leader_other": (200, 403, 200, 404, 200),
    "merchant":           (200, 403, 200, 404, 200),
    "resident":           (200, 403, 200, 404, 200),
}  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
def test_roster_permission_matrix(api, places, role) -> None:
    """The roster endpoints in the governance permission table (both townships). "poll
    others" is a job uploaded by someone else: the info administrator polls town_admin's
    job and everyone else polls info_admin's; only the township admin sees others' jobs."""
    owner = "town_admin" if role == "info_admin" else "info_admin"
    theirs = upload(api(places.slug, owner), xlsx([]))
    assert theirs.status_code == 202
    client = api(places.slug, role)
    uploaded = upload(client, xlsx([]))
    got = (
        client.get("/api/v1/roster/template/").status_code,
        uploaded.status_code,
        client.get("/api/v1/roster/imports/").status_code,
        client.get(f"/api/v1/roster/imports/{theirs.json()['id']}/").status_code,
        client.get("/api/v1/roster/export/").status_code,
    )
    assert got == EXPECTED[role]
    if uploaded.status_code == 403:
        assert uploaded.json()["errors"][0]["code"] == "permission_denied"
    assert api(places.slug).get("/api/v1/roster/template/").status_code == 401


def test_full_id_numbers_in_exports_only_for_admin_and_the_villages_info_admin(api, places) -> None:
    with schema_context(places.slug):
        household = Household.objects.select_related("unit").get(pk=places.in_scope)
        clear = {reveal(r.id_number_encrypted) for r in household.residents.all()}
        under = household.unit_id
    for role in ("town_admin", "info_admin"):
        ids = {
            r[HEADERS.index("身份证号")]
            for r in exported(api(places.slug, role), f"?under={under}")
        }
        assert clear <= ids
    for role in ("village_leader", "microgrid_leader", "group_leader"):
        values = {
            str(v) for row in exported(api(places.slug, role), f"?under={under}") for v in row
        }
        assert values.isdisjoint(clear)


# ---------------------------------------------------------------- with the real worker
def everything() -> dict[str, int]:
    return {
        **counts(),
        "units": GridUnit.objects.count(),
        "jobs": RosterImport.objects.count(),
        "audit_entries": AuditEntry.objects.count(),
        "tokens": Token.objects.count(),
    }


@pytest.mark.integration
def test_a_roster_uploaded_through_the_api_is_imported_by_the_worker(
    celery_worker, django_db_blocker
) -> None:
    tag = uuid.uuid4().hex[:6].upper()
    numbers = [f"IT-{tag}-1", f"IT-{tag}-2"]
    with committed(django_db_blocker):
        township = Township.objects.get(schema_name="changshan")
        with schema_context("changshan"):
            before = everything()
            admin = actor("town_admin", township)
            village = RoleAssignment.objects.get(
                user__username="info_admin", kind="info_admin"
            ).unit
            microgrid = services.unit_create(
                actor=admin, name=f"集成测试微网格{tag}", parent=village
            )
            group = services.unit_create(actor=admin, name="第1联户小组", parent=microgrid)
            units = [group.pk, microgrid.pk]
            path = chain(group)
            had_token = Token.objects.filter(user__username="info_admin").exists()
        job_id = None
        try:
            client = make_client("changshan", "info_admin")
            rows = household_rows(9000, path=path, number=numbers[0], size=3) + household_rows(
                9003, path=path, number=numbers[1], size=2
            )
            response = upload(client, xlsx(rows))
            assert response.status_code == 202, response.content
            job_id = response.json()["id"]

            def finished() -> bool:
                return client.get(f"/api/v1/roster/imports/{job_id}/").json()["status"] in (
                    "succeeded",
                    "failed",
                )

            assert wait_until(finished, timeout=60), Path(celery_worker["log"]).read_text()[-3000:]
            report = client.get(f"/api/v1/roster/imports/{job_id}/").json()
            assert report["status"] == "succeeded", report
            assert report["progress"] == 100
            assert report["created"] == {"households": 2, "residents": 5}
            with schema_context("changshan"):
                assert Resident.objects.filter(household__number__in=numbers).count() == 5
                assert set(
                    Household.objects.filter(number__in=numbers).values_list("unit_id", flat=True)
                ) == {group.pk}
        finally:
            with schema_context("changshan"):
                residents = Resident.objects.filter(household__number__in=numbers)
                ResidentMove.objects.filter(resident__in=residents).delete()
                residents.delete()
                HouseholdMove.objects.filter(household__number__in=numbers).delete()
                Household.objects.filter(number__in=numbers).delete()
                AuditEntry.objects.filter(action="roster.import", object_id=str(job_id)).delete()
                AuditEntry.objects.filter(
                    action="unit.create", object_id__in=[str(pk) for pk in units]
                ).delete()
                RosterImport.objects.filter(pk=job_id).delete()
                for pk in units:  # the group before its micro-grid
                    GridUnit.objects.filter(pk=pk).delete()
                if not had_token:
                    Token.objects.filter(user__username="info_admin").delete()
        with schema_context("changshan"):
            assert everything() == before  # the session's demo data is as it was
