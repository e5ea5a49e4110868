"""The public board (公示榜) of a township: the published month, per household, for anyone.

The numbers come only from the month's current published snapshot (``MonthSnapshot``, read
through ``scoring.selectors``), so the board shows exactly what was published — and, after
an upheld objection, the corrected version. The board knows nobody: it may show a
household's number, its head's name masked (王*明), its grid and its points, and never an
ID number or a phone (those columns are not even read).

No selector yet answers "names for an anonymous reader", so the two narrow reads below
(unit names and household heads' names, ``values_list`` only) stand in for it; see the
frontend report. They read the current township's schema only, as every request does.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.paginator import Page
from django.http import HttpRequest

from frontend.pages import paginate
from frontend.templatetags.jfb import mask_name
from governance.models import GridLevel, GridUnit, Resident
from governance.selectors import level_list
from scoring.models import Month, MonthSnapshot
from scoring.selectors import month_current_snapshot, month_list

BOARD_PAGE_SIZE = 100


@dataclass(frozen=True)
class Unit:
    id: int
    name: str
    path: str
    depth: int
    is_village: bool

    @property
    def ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part]


@dataclass
class BoardRow:
    household_id: int
    number: str
    points: int
    unit: Unit
    grid: Unit | None
    head: str = ""


@dataclass
class BoardSection:
    """The households of one grid unit (the level under the village) on this page."""

    title: str
    rows: list[BoardRow] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(r.points for r in self.rows)


@dataclass
class Board:
    month: Month | None
    snapshot: MonthSnapshot | None
    months: list[Month]
    villages: list[tuple[Unit, str]]  # (village, its title with the units above it)
    village: Unit | None
    page: Page | None
    sections: list[BoardSection]
    household_count: int
    grid_level_name: str
    group_level_name: str
    auditor_title: str = ""  # who decides objections (the village level's leader)
    submitter_title: str = ""  # who submits records (the lowest level's leader)


def published_months() -> list[Month]:
    """Months whose results were published: in publicity, or final."""
    return list(month_list().filter(state__in=[Month.State.PUBLICITY, Month.State.FINAL])[:24])


def board_month(months: list[Month], label: str | None) -> Month | None:
    """The month the board shows: the one asked for if published, else the latest month in
    publicity, else the latest final month."""
    if label:
        chosen = next((m for m in months if m.label == label), None)
        if chosen is not None:
            return chosen
    in_publicity = [m for m in months if m.state == Month.State.PUBLICITY]
    candidates = in_publicity or months
    return candidates[0] if candidates else None


def _units() -> dict[int, Unit]:
    rows = GridUnit.objects.values_list("id", "name", "path", "level__depth", "level__is_village")
    return {row[0]: Unit(*row) for row in rows}


def _levels() -> list[GridLevel]:
    return list(level_list())


def _heads(household_ids: list[int]) -> dict[int, str]:
    return dict(
        Resident.objects.filter(
            household_id__in=household_ids, is_household_head=True, is_active=True
        )
        .order_by("household_id", "id")
        .values_list("household_id", "name")
    )


def _grid_depth(levels: list[GridLevel], units: dict[int, Unit]) -> int | None:
    """The level the board groups households by: the one right under the village, unless
    households hang there already."""
    village = next((u for u in units.values() if u.is_village), None)
    if village is None or not levels:
        return None
    depth = village.depth + 1
    return depth if depth < levels[-1].depth else None


def _rows_by_village(
    snapshot: MonthSnapshot, units: dict[int, Unit], grid_depth: int | None
) -> dict[int, list[BoardRow]]:
    """The snapshot's households ([id, number, unit, points, records]) placed in the grid."""
    rows: dict[int, list[BoardRow]] = {}
    for household_id, number, unit_id, points, _count in snapshot.content.get("households", []):
        unit = units.get(unit_id)
        if unit is None:
            continue
        chain = [units[i] for i in unit.ids if i in units]
        village = next((u for u in chain if u.is_village), None)
        if village is None:
            continue
        grid = next((u for u in chain if u.depth == grid_depth), None)
        rows.setdefault(village.id, []).append(
            BoardRow(household_id=household_id, number=number, points=points, unit=unit, grid=grid)
        )
    return rows


def _sections(rows: list[BoardRow], village: Unit) -> list[BoardSection]:
    """One page of rows under their grid's name, heads' names masked."""
    heads = _heads([r.household_id for r in rows])
    sections: list[BoardSection] = []
    for row in rows:
        row.head = mask_name(heads.get(row.household_id, ""))
        title = row.grid.name if row.grid else village.name
        if not sections or sections[-1].title != title:
            sections.append(BoardSection(title=title))
        sections[-1].rows.append(row)
    return sections


def board_build(request: HttpRequest) -> Board:
    months = published_months()
    month = board_month(months, request.GET.get("month"))
    snapshot = month_current_snapshot(month) if month is not None else None
    levels = _levels()
    names = {level.depth: level.name for level in levels}
    units = _units() if snapshot is not None else {}
    grid_depth = _grid_depth(levels, units)
    board = Board(
        month=month,
        snapshot=snapshot,
        months=months,
        villages=[],
        village=None,
        page=None,
        sections=[],
        household_count=0,
        grid_level_name=names.get(grid_depth, "") if grid_depth else "",
        group_level_name=levels[-1].name if levels else "",
        auditor_title=next((lv.leader_title for lv in levels if "audit" in lv.capabilities), ""),
        submitter_title=next(
            (lv.leader_title for lv in reversed(levels) if "submit" in lv.capabilities), ""
        ),
    )
    if snapshot is None:
        return board
    by_village = _rows_by_village(snapshot, units, grid_depth)
    villages = sorted((units[v] for v in by_village), key=lambda u: u.path)
    if not villages:
        return board
    wanted = request.GET.get("village", "")
    village = next((v for v in villages if str(v.id) == wanted), villages[0])
    rows = sorted(
        by_village[village.id],
        key=lambda r: (r.grid.path if r.grid else "", r.unit.path, r.number),
    )
    board.page = paginate(request, rows, per_page=BOARD_PAGE_SIZE)
    board.sections = _sections(list(board.page.object_list), village)
    board.villages = [(v, " · ".join(units[i].name for i in v.ids if i in units)) for v in villages]
    board.village = village
    board.household_count = len(rows)
    return board
