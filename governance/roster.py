"""Roster (花名册) import and export: an .xlsx with one row per resident.

An import validates every row before it writes anything and then applies all rows or none:
the report lists each problem with its spreadsheet row and column, and a file with one bad
row changes nothing. The work runs in a Celery task (governance.tasks.roster_import_run)
that reports progress on the RosterImport row as it validates.

Speed comes from doing nothing per row against the database: the grid's name chains, the
file's households and the file's ID-number hashes are each loaded with one query, and the
writes are bulk inserts in one transaction. Clear ID numbers never leave this module except
into the encrypted columns: not into errors, audit entries or log lines.
"""

from __future__ import annotations

import io
import logging
import re
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Final, cast

from django.conf import settings
from django.core.files import File
from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from governance.actors import ENTER, EVERYWHERE, Actor
from governance.audit import audit_record
from governance.models import (
    GridLevel,
    GridUnit,
    Household,
    HouseholdMove,
    Resident,
    ResidentMove,
    RosterImport,
)
from governance.personal_data import (
    birth_date_from_id_number,
    gender_from_id_number,
    id_number_digest,
    id_number_problem,
    normalize_id_number,
    reveal,
)
from governance.selectors import can_see_personal_data, resident_list_for
from governance.services import new_card_code, resident_fields, resident_validate
from tenants.accounts.models import User
from tenants.errors import ApplicationError, Conflict, NotFound, PermissionDenied
from tenants.logging import mask_personal_numbers
from tenants.models import Township

logger = logging.getLogger(__name__)

XLSX_CONTENT_TYPE: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_TITLE: Final = "花名册"
# A 5 MB .xlsx can hold a couple of hundred thousand rows; one transaction of that size
# would hold locks for minutes. Bigger rosters are imported village by village.
MAX_ROWS: Final = 20_000
# The report keeps the first errors in row order; error_count says how many there were.
MAX_REPORTED_ERRORS: Final = 1_000
# Headers are looked for in the first columns only; cells right of the last known column
# are never read (a sheet may carry notes there, or thousands of empty styled cells).
MAX_HEADER_COLUMNS: Final = 64
PROGRESS_EVERY: Final = 500
BATCH_SIZE: Final = 1_000
# The sample number of the GB 11643 standard: the template's example row uses it, so a
# roster that still contains the example row is refused rather than imported.
EXAMPLE_ID_NUMBER: Final = "11010519491231002X"


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    help: str
    required: bool = False  # the header must be present and every row must fill it


COLUMNS: Final = (
    Column(
        "网格路径",
        "unit_path",
        "从最高一级写到最低一级（{levels}），各级名称用“/”分隔，例如“{example}”。"
        "农户挂在最低一级网格上。",
        required=True,
    ),
    Column(
        "户号",
        "number",
        "同一户的成员填相同的户号。户号不存在时新建该户；已存在时须在同一网格下，村民加入该户。",
        required=True,
    ),
    Column("地址", "address", "新建农户时使用，同一户的各行应一致。已有农户的地址不会被修改。"),
    Column("姓名", "name", "不超过 32 个字。", required=True),
    Column("性别", "gender", "男或女；不填时按身份证号推算。"),
    Column("出生日期", "birth_date", "如 1980-05-01；不填时按身份证号推算。"),
    Column(
        "身份证号",
        "id_number",
        "18 位，最后一位可以是 X。请把本列设为“文本”格式，否则 Excel 会截断后几位。"
        "文件内不能重复，也不能与已登记在册的村民重复。",
        required=True,
    ),
    Column("手机号", "phone", "11 位手机号，可不填。"),
    Column(
        "户主",
        "is_household_head",
        "是或否。每户须有且只有一位户主；已有户主的农户，新增成员填“否”。",
        required=True,
    ),
    Column("党员", "is_party_member", "是或否，不填视为否。"),
    Column("村民代表", "is_villager_representative", "是或否，不填视为否。"),
    Column("流动党员", "is_floating_party_member", "是或否，不填视为否。"),
)
HEADERS: Final = tuple(c.header for c in COLUMNS)
COLUMN_BY_KEY: Final = {c.key: c for c in COLUMNS}
FLAG_KEYS: Final = (
    "is_household_head",
    "is_party_member",
    "is_villager_representative",
    "is_floating_party_member",
)
_COLUMN_ORDER: Final = {c.header: i for i, c in enumerate(COLUMNS)}
_GENDERS: Final = {"男": Resident.Gender.MALE, "女": Resident.Gender.FEMALE}
_GENDER_NAMES: Final[dict[str, str]] = {str(v): k for k, v in _GENDERS.items()}
_YES: Final = "是"
_NO: Final = "否"
_DATE_FORMATS: Final = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")
_PATH_SEPARATOR: Final = re.compile(r"\s*[/／]\s*")
# resident_validate names fields in English; the report names the spreadsheet's columns.
_ATTR_COLUMNS: Final = {
    "name": "姓名",
    "phone": "手机号",
    "gender": "性别",
    "id_number": "身份证号",
}


# ---------------------------------------------------------------- selectors
def roster_import_list_for(*, actor: Actor) -> QuerySet[RosterImport]:
    """Import jobs the actor may follow: the township admin sees all, others their own uploads.

    The uploaded bytes are deferred: a list never needs them and they may be megabytes."""
    jobs = RosterImport.objects.select_related("uploaded_by").defer("content")
    if actor.is_township_admin:
        return jobs
    if not actor.in_township:
        return jobs.none()
    return jobs.filter(uploaded_by=cast(User, actor.user))


def roster_import_get_for(*, actor: Actor, import_id: int) -> RosterImport:
    job = roster_import_list_for(actor=actor).filter(pk=import_id).first()
    if job is None:
        raise NotFound("没有找到该导入任务。", code="roster_import_not_found")
    return job


def roster_import_progress(job: RosterImport) -> int:
    """Percent for a progress bar: validation is the per-row work; 100 only when finished."""
    if job.is_finished:
        return 100
    if not job.total_rows:
        return 0
    return min(99, job.processed_rows * 100 // job.total_rows)


def can_import(actor: Actor) -> bool:
    """Whoever enters data somewhere (a village's info administrator, the township admin)."""
    paths = actor.paths_for(ENTER) if actor.in_township else []
    return paths is EVERYWHERE or bool(paths)


# ---------------------------------------------------------------- upload
@transaction.atomic
def roster_import_create(*, actor: Actor, file: File) -> RosterImport:
    """Accept an uploaded roster and queue its import; the job row and the task commit together.

    Only the cheap checks happen here (who, size, file type): reading rows is the task's work,
    and the client learns the outcome by polling the job."""
    if not can_import(actor):
        raise PermissionDenied(
            "只有信息管理员和乡镇管理员可以导入花名册。", code="permission_denied"
        )
    filename = mask_personal_numbers((file.name or "").rsplit("/", 1)[-1].strip())[:255]
    if not filename.lower().endswith(".xlsx"):
        raise ApplicationError(
            "请上传 .xlsx 格式的花名册（旧版 .xls 请先在 Excel 中另存为 .xlsx）。",
            code="invalid_file_type",
            attr="file",
        )
    limit = settings.JFB_UPLOAD_MAX_BYTES
    if (file.size or 0) > limit:
        raise ApplicationError(
            f"文件过大：花名册不能超过 {limit // (1024 * 1024)} MB，请分批导入。",
            code="file_too_large",
            attr="file",
        )
    content = file.read()
    if len(content) > limit:  # a file object that misreported its size
        raise ApplicationError(
            f"文件过大：花名册不能超过 {limit // (1024 * 1024)} MB，请分批导入。",
            code="file_too_large",
            attr="file",
        )
    if not _looks_like_xlsx(content):
        raise ApplicationError(
            "文件无法读取：不是有效的 .xlsx 文件。请用模板填写后上传。",
            code="invalid_file",
            attr="file",
        )
    job = RosterImport.objects.create(
        uploaded_by=cast(User, actor.user), filename=filename, content=content
    )
    from governance.tasks import roster_import_run
    from tenants.tasking import enqueue_on_commit

    enqueue_on_commit(roster_import_run, job.pk)
    return job


def _looks_like_xlsx(content: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


# ---------------------------------------------------------------- parse
@dataclass
class RosterRow:
    row: int  # the spreadsheet's row number (the header is row 1)
    values: dict[str, Any]


@dataclass
class ParsedRoster:
    rows: list[RosterRow] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)


def _error(row: int | None, column: str | None, code: str, message: str) -> dict[str, Any]:
    return {"row": row, "column": column, "code": code, "message": message}


def roster_parse(*, content: bytes) -> ParsedRoster:
    """The data rows of the first sheet, keyed by column; blank rows are skipped.

    Columns are found by their header, so their order and extra columns do not matter.
    openpyxl's read-only mode streams the sheet instead of building every cell object."""
    parsed = ParsedRoster()
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged or foreign file
        parsed.errors.append(
            _error(None, None, "invalid_file", "文件无法读取：不是有效的 .xlsx 文件。")
        )
        return parsed
    try:
        sheet = workbook.worksheets[0]
        # The <dimension> a file declares is not trusted: a wrong one would silently cut rows
        # off (or pad a million empty ones), so rows are read as the sheet really has them.
        sheet.reset_dimensions()
        header = next(
            sheet.iter_rows(min_row=1, max_row=1, max_col=MAX_HEADER_COLUMNS, values_only=True),
            (),
        )
        positions: dict[str, int] = {}
        for index, cell in enumerate(header):
            title = _text(cell)
            if title in _COLUMN_ORDER:
                if title in positions:
                    parsed.errors.append(
                        _error(1, title, "duplicate_column", f"表头中“{title}”出现了两次。")
                    )
                positions.setdefault(title, index)
        missing = [c.header for c in COLUMNS if c.required and c.header not in positions]
        for title in missing:
            parsed.errors.append(
                _error(1, title, "missing_column", f"缺少“{title}”列：请使用花名册模板的表头。")
            )
        if parsed.errors:
            return parsed
        wanted = [(COLUMNS[_COLUMN_ORDER[t]].key, i) for t, i in positions.items()]
        rows = sheet.iter_rows(min_row=2, max_col=max(positions.values()) + 1, values_only=True)
        for number, values in enumerate(rows, start=2):
            if all(_text(values[i]) == "" for _key, i in wanted):
                continue
            if len(parsed.rows) >= MAX_ROWS:
                parsed.errors.append(
                    _error(
                        None,
                        None,
                        "too_many_rows",
                        f"一个文件最多导入 {MAX_ROWS} 行，请按村分批导入。",
                    )
                )
                return parsed
            parsed.rows.append(
                RosterRow(
                    row=number,
                    values={key: values[i] for key, i in wanted},
                )
            )
        if not parsed.rows:
            parsed.errors.append(_error(None, None, "empty_roster", "花名册中没有数据行。"))
        return parsed
    finally:
        workbook.close()


def _text(value: Any) -> str:
    """A cell as text: Excel stores typed-in numbers as numbers (户号 101, 手机号 138…)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _YES if value else _NO
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


# ---------------------------------------------------------------- validate
@dataclass
class _UnitInfo:
    pk: int
    path: str
    level_id: int
    is_active: bool


@dataclass
class _HouseholdPlan:
    number: str
    first_row: int
    unit: _UnitInfo | None = None
    unit_row: int = 0
    address: str = ""
    address_row: int = 0
    rows: list[int] = field(default_factory=list)
    head_rows: list[int] = field(default_factory=list)
    existing_pk: int | None = None


@dataclass
class RosterPlan:
    """What an import would write, or why it must not write anything."""

    total_rows: int
    errors: list[dict[str, Any]] = field(default_factory=list)
    households: dict[str, _HouseholdPlan] = field(default_factory=dict)
    residents: list[tuple[str, Resident]] = field(default_factory=list)

    @property
    def new_households(self) -> list[_HouseholdPlan]:
        return [h for h in self.households.values() if h.existing_pk is None]


class _Grid:
    """The township's units by name chain ("东关村/第1微网格/第1联户小组"), loaded once."""

    def __init__(self) -> None:
        levels = list(GridLevel.objects.order_by("depth"))
        self.top_level = levels[0] if levels else None
        self.lowest_level = levels[-1] if levels else None
        units = list(GridUnit.objects.values_list("pk", "name", "path", "level_id", "is_active"))
        names = {pk: name for pk, name, *_ in units}
        self.by_chain: dict[tuple[str, ...], _UnitInfo] = {}
        self.chains: dict[int, str] = {}
        for pk, _name, path, level_id, is_active in units:
            ids = [int(part) for part in path.strip("/").split("/") if part]
            chain = tuple(names.get(i, "") for i in ids)
            self.by_chain[chain] = _UnitInfo(pk, path, level_id, is_active)
            self.chains[pk] = "/".join(chain)
        self.top_names = {chain[0] for chain in self.by_chain if len(chain) == 1}

    def resolve(self, text: str) -> tuple[_UnitInfo | None, str, str]:
        """(unit, error code, message) for a path written in the roster."""
        parts = tuple(p for p in _PATH_SEPARATOR.split(text.strip()) if p)
        if not parts:
            return None, "required", "网格路径不能为空。"
        unit = self.by_chain.get(parts)
        if unit is None:
            if parts[0] not in self.top_names:
                top = self.top_level.name if self.top_level else "最高一级"
                return None, "unit_not_found", f"没有找到“{parts[0]}”：网格路径应从{top}写起。"
            known = 1
            while known < len(parts) and parts[: known + 1] in self.by_chain:
                known += 1
            return (
                None,
                "unit_not_found",
                f"没有找到网格：“{'/'.join(parts[:known])}”下没有“{parts[known]}”。",
            )
        if self.lowest_level is None or unit.level_id != self.lowest_level.pk:
            lowest = self.lowest_level.name if self.lowest_level else "最低一级"
            return None, "not_lowest_level", f"网格路径须写到最低一级（{lowest}）。"
        if not unit.is_active:
            return None, "unit_inactive", "该网格已停用。"
        return unit, "", ""

    def example_chain(self, actor: Actor) -> str:
        lowest = self.lowest_level.pk if self.lowest_level else None
        for chain, unit in sorted(self.by_chain.items(), key=lambda item: item[1].path):
            if unit.level_id == lowest and unit.is_active and actor.can(ENTER, unit.path):
                return "/".join(chain)
        levels = GridLevel.objects.order_by("depth").values_list("name", flat=True)
        return "/".join(f"某{name}" for name in levels)


def roster_validate(
    *, actor: Actor, rows: list[RosterRow], on_progress: Callable[[int], None] | None = None
) -> RosterPlan:
    """Check every row and collect every problem — never stop at the first.

    A row is checked on its own first (fields, unit, reach, duplicates within the file);
    then the file is checked against the database in three set-based queries (households by
    number, heads of existing households, ID numbers already registered), and each
    household is checked as a whole (one unit, one address, exactly one head).
    """
    validator = _Validator(actor=actor, total_rows=len(rows))
    for done, item in enumerate(rows, start=1):
        validator.check_row(item)
        if on_progress is not None and (done % PROGRESS_EVERY == 0 or done == len(rows)):
            on_progress(done)
    plan = validator.plan
    _check_against_database(plan, validator.digests)
    if not plan.errors:
        plan.residents = [validator.residents_by_row[item.row] for item in rows]
    plan.errors.sort(key=lambda e: (e["row"] or 0, _COLUMN_ORDER.get(e["column"], 99)))
    return plan


class _Validator:
    """The row-by-row half of validation; its state is what later rows are checked against."""

    def __init__(self, *, actor: Actor, total_rows: int) -> None:
        self.actor = actor
        self.grid = _Grid()
        self.plan = RosterPlan(total_rows=total_rows)
        self.units: dict[str, tuple[_UnitInfo | None, str, str]] = {}
        self.first_row_of_id: dict[str, int] = {}
        self.digests: dict[str, list[int]] = {}
        self.residents_by_row: dict[int, tuple[str, Resident]] = {}

    def check_row(self, item: RosterRow) -> None:
        row, values = item.row, item.values
        errors: list[dict[str, Any]] = []
        unit = self._unit(row, _text(values.get("unit_path")), errors)
        number = _text(values.get("number"))
        address = _text(values.get("address"))
        name = _text(values.get("name"))
        for text, column, limit in (
            (number, "户号", 32),
            (address, "地址", 200),
            (name, "姓名", 32),
        ):
            if len(text) > limit:
                errors.append(_error(row, column, "too_long", f"{column}不能超过 {limit} 个字。"))
        if not number:
            errors.append(_error(row, "户号", "required", "户号不能为空。"))

        gender_text = _text(values.get("gender"))
        gender = _GENDERS.get(gender_text, gender_text)
        phone = _text(values.get("phone"))
        # The ID number is checked below, set-based: resident_validate would query per row.
        for problem in resident_validate(name=name, phone=phone, gender=gender):
            column = _ATTR_COLUMNS.get(str(problem["attr"]), str(problem["attr"]))
            errors.append(_error(row, column, str(problem["code"]), str(problem["detail"])))
        id_number = self._id_number(row, values.get("id_number"), errors)
        birth_date = _check_birth_date(row, values.get("birth_date"), errors)
        if id_number and gender in _GENDER_NAMES and gender != gender_from_id_number(id_number):
            errors.append(_error(row, "性别", "gender_mismatch", "性别与身份证号不一致。"))
        if id_number and birth_date and birth_date != birth_date_from_id_number(id_number):
            errors.append(
                _error(row, "出生日期", "birth_date_mismatch", "出生日期与身份证号不一致。")
            )
        flags = {key: _check_flag(row, key, values.get(key), errors) for key in FLAG_KEYS}
        if number and len(number) <= 32:
            self._household(
                row,
                number=number,
                unit=unit,
                address=address,
                is_head=flags["is_household_head"],
                errors=errors,
            )

        self.plan.errors.extend(errors)
        if not self.plan.errors:
            # Only while the file is still clean: once it has failed, nothing will be written.
            self.residents_by_row[row] = (
                number,
                Resident(
                    name=name,
                    gender=gender or gender_from_id_number(id_number),
                    birth_date=birth_date or birth_date_from_id_number(id_number),
                    **resident_fields(id_number=id_number, phone=phone),
                    **flags,
                ),
            )

    def _unit(self, row: int, text: str, errors: list[dict[str, Any]]) -> _UnitInfo | None:
        """Resolved in memory, once per distinct path; a unit out of the actor's reach fails
        the row (it is the actor's own file, so naming the unit reveals nothing: not a 404)."""
        if not text:
            errors.append(_error(row, "网格路径", "required", "网格路径不能为空。"))
            return None
        if text not in self.units:
            found, code, message = self.grid.resolve(text)
            if found is not None and not self.actor.can(ENTER, found.path):
                found, code, message = None, "permission_denied", "无权为该网格录入。"
            self.units[text] = (found, code, message)
        unit, code, message = self.units[text]
        if unit is None:
            errors.append(_error(row, "网格路径", code, message))
        return unit

    def _id_number(self, row: int, value: Any, errors: list[dict[str, Any]]) -> str:
        """The normalized number when valid and new in this file, else "" (with the error)."""
        id_number = _check_id_number(row, value, errors)
        if not id_number:
            return ""
        if id_number in self.first_row_of_id:
            errors.append(
                _error(
                    row,
                    "身份证号",
                    "duplicate_in_file",
                    f"与第 {self.first_row_of_id[id_number]} 行的身份证号重复。",
                )
            )
            return id_number
        self.first_row_of_id[id_number] = row
        self.digests.setdefault(id_number_digest(id_number), []).append(row)
        return id_number

    def _household(
        self,
        row: int,
        *,
        number: str,
        unit: _UnitInfo | None,
        address: str,
        is_head: bool,
        errors: list[dict[str, Any]],
    ) -> None:
        household = self.plan.households.get(number)
        if household is None:
            household = self.plan.households[number] = _HouseholdPlan(number=number, first_row=row)
        household.rows.append(row)
        if is_head:
            household.head_rows.append(row)
        if unit is not None:
            if household.unit is None:
                household.unit, household.unit_row = unit, row
            elif household.unit.pk != unit.pk:
                errors.append(
                    _error(
                        row,
                        "网格路径",
                        "household_unit_mismatch",
                        f"户号“{number}”在第 {household.unit_row} 行填写的网格路径不同。",
                    )
                )
        if address and not household.address:
            household.address, household.address_row = address, row
        elif address and household.address != address:
            errors.append(
                _error(
                    row,
                    "地址",
                    "household_address_mismatch",
                    f"同一户的地址应一致：第 {household.address_row} 行为“{household.address}”。",
                )
            )


def _check_id_number(row: int, value: Any, errors: list[dict[str, Any]]) -> str:
    if isinstance(value, float):
        # Excel keeps 15 significant digits: an ID number typed into a number cell has
        # already lost its last digits, so no check digit could save it.
        errors.append(
            _error(
                row,
                "身份证号",
                "id_number_not_text",
                "身份证号被 Excel 存成了数字，后几位已丢失：请把该列设为“文本”格式后重新填写。",
            )
        )
        return ""
    id_number = normalize_id_number(_text(value))
    if not id_number:
        errors.append(_error(row, "身份证号", "required", "身份证号不能为空。"))
        return ""
    if id_number == EXAMPLE_ID_NUMBER:
        errors.append(
            _error(row, "身份证号", "example_row", "这是模板中的示例行，请删除后再导入。")
        )
        return ""
    problem = id_number_problem(id_number)
    if problem:
        errors.append(_error(row, "身份证号", "invalid_id_number", f"{problem}。"))
        return ""
    return id_number


def _check_birth_date(row: int, value: Any, row_errors: list[dict[str, Any]]) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if not text:
        return None
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
    row_errors.append(
        _error(row, "出生日期", "invalid_date", "出生日期格式应为 1980-05-01（也可不填）。")
    )
    return None


def _check_flag(row: int, key: str, value: Any, row_errors: list[dict[str, Any]]) -> bool:
    text = _text(value)
    if text in ("", _NO):
        return False
    if text == _YES:
        return True
    column = COLUMN_BY_KEY[key].header
    row_errors.append(_error(row, column, "invalid_choice", f"“{column}”只能填“是”或“否”。"))
    return False


def _check_against_database(plan: RosterPlan, digests: dict[str, list[int]]) -> None:
    """The set-based half of validation: one query each, whatever the number of rows."""
    errors = plan.errors
    registered: set[str] = set()
    hashes = list(digests)
    for start in range(0, len(hashes), 5_000):
        registered.update(
            Resident.objects.filter(
                is_active=True, id_number_hash__in=hashes[start : start + 5_000]
            ).values_list("id_number_hash", flat=True)
        )
    for digest in registered:
        for row in digests[digest]:
            errors.append(_error(row, "身份证号", "duplicate_id_number", "该身份证号已登记在册。"))

    existing = {
        number: (pk, unit_id, is_active)
        for number, pk, unit_id, is_active in Household.objects.filter(
            number__in=list(plan.households)
        ).values_list("number", "pk", "unit_id", "is_active")
    }
    with_head = set(
        Resident.objects.filter(
            household_id__in=[pk for pk, _unit, _active in existing.values()],
            is_active=True,
            is_household_head=True,
        ).values_list("household_id", flat=True)
    )
    for household in plan.households.values():
        found = existing.get(household.number)
        has_head = False
        if found is not None:
            pk, unit_id, is_active = found
            if not is_active:
                errors.append(
                    _error(
                        household.first_row,
                        "户号",
                        "household_inactive",
                        f"户号“{household.number}”已注销，不能再添加村民。",
                    )
                )
                continue
            if household.unit is not None and household.unit.pk != unit_id:
                errors.append(
                    _error(
                        household.first_row,
                        "户号",
                        "household_in_other_unit",
                        f"户号“{household.number}”已存在于其他网格。",
                    )
                )
                continue
            household.existing_pk = pk
            has_head = pk in with_head
        if has_head:
            for row in household.head_rows:
                errors.append(
                    _error(
                        row,
                        "户主",
                        "household_has_head",
                        f"户号“{household.number}”已有户主，每户只能有一位户主。",
                    )
                )
        elif not household.head_rows:
            errors.append(
                _error(
                    household.first_row,
                    "户主",
                    "household_without_head",
                    f"户号“{household.number}”没有户主：请在该户其中一行的“户主”填“是”。",
                )
            )
        else:
            for row in household.head_rows[1:]:
                errors.append(
                    _error(
                        row,
                        "户主",
                        "household_head_twice",
                        f"户号“{household.number}”的户主已在第 {household.head_rows[0]} 行，"
                        "每户只能有一位户主。",
                    )
                )


# ---------------------------------------------------------------- apply
def roster_write(*, actor: Actor, roster_import: RosterImport, plan: RosterPlan) -> dict[str, int]:
    """Write a clean plan: every household and resident, set-based, in ONE transaction with
    the job's success and its audit entry — all rows or none.

    The job row is locked first, so a redelivered task (acks_late) waits and then finds the
    job finished instead of importing twice. Existing households the plan adds residents to
    are locked and re-checked: validation read them outside this transaction."""
    with transaction.atomic():
        job = RosterImport.objects.select_for_update().defer("content").get(pk=roster_import.pk)
        if job.is_finished:
            return dict(job.created)
        existing = {
            h.existing_pk: h.unit.pk for h in plan.households.values() if h.existing_pk and h.unit
        }
        if existing:
            current = dict(
                Household.objects.select_for_update()
                .filter(pk__in=list(existing), is_active=True)
                .values_list("pk", "unit_id")
            )
            if current != existing:
                raise Conflict("导入期间有农户被迁移或注销。", code="conflict")
        today = timezone.localdate()
        new = plan.new_households
        codes = _unused_card_codes(len(new))
        households = Household.objects.bulk_create(
            [
                Household(number=h.number, address=h.address, unit_id=h.unit.pk, card_code=code)  # type: ignore[union-attr]
                for h, code in zip(new, codes, strict=True)
            ],
            batch_size=BATCH_SIZE,
        )
        HouseholdMove.objects.bulk_create(
            [HouseholdMove(household=h, unit_id=h.unit_id, valid_from=today) for h in households],
            batch_size=BATCH_SIZE,
        )
        household_ids = {h.number: h.pk for h in households}
        household_ids.update(
            {h.number: h.existing_pk for h in plan.households.values() if h.existing_pk}
        )
        residents = []
        for number, resident in plan.residents:
            resident.household_id = household_ids[number]
            residents.append(resident)
        Resident.objects.bulk_create(residents, batch_size=BATCH_SIZE)
        ResidentMove.objects.bulk_create(
            [
                ResidentMove(resident=r, household_id=r.household_id, valid_from=today)
                for r in residents
            ],
            batch_size=BATCH_SIZE,
        )
        created = {"households": len(households), "residents": len(residents)}
        # Counts and the file name only: the entry must never carry an ID number.
        audit_record(
            actor=actor,
            action="roster.import",
            obj=job,
            object_repr=f"花名册导入 {job.filename}"[:200],
            after={**created, "file": job.filename},
        )
        RosterImport.objects.filter(pk=job.pk).update(
            status=RosterImport.Status.SUCCEEDED,
            processed_rows=plan.total_rows,
            created=created,
            finished_at=timezone.now(),
            content=b"",
        )
        return created


def _unused_card_codes(count: int) -> list[str]:
    """``count`` distinct card codes no household has (one query per round; collisions in
    32^10 codes are rare enough that a second round almost never happens)."""
    codes: set[str] = set()
    while len(codes) < count:
        fresh = {new_card_code() for _ in range(count - len(codes))} - codes
        taken = set(
            Household.objects.filter(card_code__in=list(fresh)).values_list("card_code", flat=True)
        )
        codes |= fresh - taken
    return list(codes)


def roster_import_apply(*, roster_import: RosterImport) -> RosterImport:
    """Run an uploaded roster's import: parse, validate every row, then write all or nothing.

    Progress (processed_rows) is written outside the import's transaction, each update
    committing on its own, so a client polling the job sees it move. Only jobs that have
    not finished are run: a redelivered task does nothing for a finished one.
    """
    claimed = RosterImport.objects.filter(
        pk=roster_import.pk,
        status__in=[
            RosterImport.Status.PENDING,
            RosterImport.Status.VALIDATING,
            RosterImport.Status.APPLYING,
        ],
    ).update(status=RosterImport.Status.VALIDATING, processed_rows=0)
    job = RosterImport.objects.select_related("uploaded_by").get(pk=roster_import.pk)
    if not claimed:
        return job
    phases: dict[str, float] = {}
    try:
        actor = Actor(user=job.uploaded_by, township=_current_township())
        with _timed(phases, "parse"):
            parsed = roster_parse(content=bytes(job.content))
        _job_update(job, total_rows=len(parsed.rows))
        if parsed.errors:
            return _job_fail(job, parsed.errors, phases)
        with _timed(phases, "validate"):
            plan = roster_validate(
                actor=actor,
                rows=parsed.rows,
                on_progress=lambda done: _job_update(job, processed_rows=done),
            )
        if plan.errors:
            return _job_fail(job, plan.errors, phases)
        _job_update(job, status=RosterImport.Status.APPLYING)
        with _timed(phases, "apply"):
            created = roster_write(actor=actor, roster_import=job, plan=plan)
    except (IntegrityError, Conflict):
        # Someone registered the same household number or ID number, or moved a household,
        # between validation and the write: the transaction rolled back, nothing changed.
        return _job_fail(
            job,
            [
                _error(
                    None,
                    None,
                    "conflict",
                    "导入期间有人修改了相同的农户或村民，本次未导入任何数据。请重新上传。",
                )
            ],
            phases,
        )
    except Exception:
        _job_fail(
            job,
            [_error(None, None, "internal_error", "导入时发生内部错误，请联系平台管理员。")],
            phases,
        )
        raise
    job.refresh_from_db()
    logger.info(
        "roster import %s: %s households and %s residents from %s rows",
        job.pk,
        created["households"],
        created["residents"],
        job.total_rows,
        extra={"roster_phases": phases},
    )
    return job


def _current_township() -> Township | None:
    tenant = getattr(connection, "tenant", None)
    if isinstance(tenant, Township):
        return tenant
    return Township.objects.filter(schema_name=getattr(connection, "schema_name", "")).first()


def _job_update(job: RosterImport, **fields: Any) -> None:
    """Progress and outcome, committed on their own. A succeeded job is never touched: a
    redelivered copy of the task that raced the first must not report it failed."""
    RosterImport.objects.filter(pk=job.pk).exclude(status=RosterImport.Status.SUCCEEDED).update(
        **fields
    )


def _job_fail(
    job: RosterImport, errors: list[dict[str, Any]], phases: dict[str, float]
) -> RosterImport:
    """Finish without writing: the report keeps the first errors; the file is dropped
    because it holds ID numbers in clear and the user will upload a corrected one."""
    _job_update(
        job,
        status=RosterImport.Status.FAILED,
        errors=errors[:MAX_REPORTED_ERRORS],
        error_count=len(errors),
        finished_at=timezone.now(),
        content=b"",
    )
    job.refresh_from_db()
    logger.info(
        "roster import %s failed with %s errors in %s rows",
        job.pk,
        len(errors),
        job.total_rows,
        extra={"roster_phases": phases},
    )
    return job


@contextmanager
def _timed(phases: dict[str, float], name: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        phases[name] = time.perf_counter() - started


# ---------------------------------------------------------------- template and export
_HEADER_FONT: Final = Font(bold=True)
_HEADER_FILL: Final = PatternFill("solid", fgColor="DDEBF7")
_WIDTHS: Final = {
    "网格路径": 36,
    "户号": 12,
    "地址": 24,
    "姓名": 10,
    "性别": 6,
    "出生日期": 12,
    "身份证号": 22,
    "手机号": 14,
}
_TEXT_COLUMNS: Final = ("户号", "身份证号", "手机号")


def roster_template_build(*, actor: Actor) -> bytes:
    """The template: the header row, one example row, a "说明" sheet explaining each column.

    The number columns are formatted as text, so Excel keeps every digit of what is typed
    into them; yes/no and gender columns offer drop-down lists."""
    grid = _Grid()
    example_path = grid.example_chain(actor)
    levels = "、".join(GridLevel.objects.order_by("depth").values_list("name", flat=True))
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    sheet.append(list(HEADERS))
    sheet.append(
        [
            example_path,
            "示例-001",
            "3排5号",
            "张建国",
            "男",
            "1949-12-31",
            EXAMPLE_ID_NUMBER,
            "13800000000",
            _YES,
            _NO,
            _NO,
            _NO,
        ]
    )
    for index, title in enumerate(HEADERS, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        cell = sheet.cell(row=1, column=index)
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        sheet.column_dimensions[letter].width = _WIDTHS.get(title, 10)
        if title in _TEXT_COLUMNS:
            sheet.column_dimensions[letter].number_format = "@"
            sheet.cell(row=2, column=index).number_format = "@"
    sheet.freeze_panes = "A2"
    last = MAX_ROWS + 1
    yes_no = DataValidation(
        type="list",
        formula1=f'"{_YES},{_NO}"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="填写有误",
        error="只能填“是”或“否”。",
    )
    genders = DataValidation(
        type="list",
        formula1='"男,女"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="填写有误",
        error="性别只能填“男”或“女”，也可不填。",
    )
    for key in FLAG_KEYS:
        letter = sheet.cell(row=1, column=HEADERS.index(COLUMN_BY_KEY[key].header) + 1)
        yes_no.add(f"{letter.column_letter}2:{letter.column_letter}{last}")
    gender_letter = sheet.cell(row=1, column=HEADERS.index("性别") + 1).column_letter
    genders.add(f"{gender_letter}2:{gender_letter}{last}")
    sheet.add_data_validation(yes_no)
    sheet.add_data_validation(genders)

    notes = workbook.create_sheet("说明")
    notes.append(["列名", "必填", "填写说明"])
    for column in COLUMNS:
        notes.append(
            [
                column.header,
                "必填" if column.required else "选填",
                column.help.format(levels=levels, example=example_path),
            ]
        )
    notes.append([])
    for line in (
        "导入时先校验全部行：只要有一行有错，整个文件都不会导入，并列出每个错误所在的行号和列名；改正后重新上传即可。",
        "第 2 行是示例，导入前请删除。",
        f"单个文件不超过 {settings.JFB_UPLOAD_MAX_BYTES // (1024 * 1024)} MB、{MAX_ROWS} 行；只能为本人有录入权限的网格导入。",
    ):
        notes.append(["", "", line])
    for cell in notes[1]:
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
    notes.column_dimensions["A"].width = 12
    notes.column_dimensions["B"].width = 8
    notes.column_dimensions["C"].width = 100
    for row in notes.iter_rows(min_row=2):
        row[2].alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def roster_export_build(*, actor: Actor, under: GridUnit | None = None) -> bytes:
    """The residents the actor may see, in the import's columns (so a file can go back in).

    ID numbers and phones are in clear only where selectors.can_see_personal_data allows it
    (decided once per unit), masked everywhere else. A constant number of queries: the
    grid's names, the actor's grants and one streamed query for the residents."""
    residents = resident_list_for(actor=actor)
    if under is not None:
        residents = residents.filter(household__unit__path__startswith=under.path)
    residents = residents.order_by(
        "household__unit__path", "household__number", "-is_household_head", "id"
    )
    grid = _Grid()
    clear_for: dict[str, bool] = {}
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    for index, title in enumerate(HEADERS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _WIDTHS.get(title, 10)
    header = []
    for title in HEADERS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        header.append(cell)
    sheet.append(header)
    for resident in residents.iterator(chunk_size=2_000):
        unit = resident.household.unit
        if unit.path not in clear_for:
            clear_for[unit.path] = can_see_personal_data(actor=actor, unit_path=unit.path)
        clear = clear_for[unit.path]
        sheet.append(
            [
                grid.chains.get(unit.pk, unit.name),
                resident.household.number,
                resident.household.address,
                resident.name,
                _GENDER_NAMES.get(resident.gender, ""),
                resident.birth_date,
                reveal(resident.id_number_encrypted) if clear else resident.id_number_masked,
                reveal(resident.phone_encrypted) if clear else resident.phone_masked,
                *(_YES if getattr(resident, key) else _NO for key in FLAG_KEYS),
            ]
        )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
