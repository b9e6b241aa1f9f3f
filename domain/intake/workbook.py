"""Read the import workbook (人员 + 整改任务), write its template and the invite-link export."""

from __future__ import annotations

import calendar
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from io import BytesIO
from typing import Any, TypeVar

from domain import deadlines
from domain.errors import WorkbookRejected
from domain.intake.archives import MB, WORKBOOK_LIMITS, is_ole, oversized
from domain.model import (
    KIND_NAMES_ZH,
    ROLE_NAMES_ZH,
    CampaignSource,
    Role,
    RoundInfo,
    RowError,
    SheetPerson,
    SheetTask,
    TaskKind,
    Workbook,
)
from domain.texts import Phrase

PEOPLE_SHEET = "人员"
TASKS_SHEET = "整改任务"
HELP_SHEET = "说明"
INVITES_SHEET = "邀请链接"
ROUND_SHEET = "轮次"  # optional: the round's source, feedback date and due dates

# Guards applied before openpyxl sees the file: a crafted zip must not exhaust memory.
MAX_UNCOMPRESSED_BYTES = WORKBOOK_LIMITS.max_total
MAX_DATA_ROWS = 20_000
# openpyxl keeps every stored cell in memory (merged cells need read_only=False); 50 cells for
# each allowed row leaves room for styled blanks while bounding load time and memory.
MAX_STORED_CELLS = 50 * MAX_DATA_ROWS
MAX_CELL_CHARS = 2_000
# Cells covered by merged ranges (openpyxl makes an object for each): a merged 问题 cell spans
# a few rows; a whole-column merge would be a million.
MAX_MERGED_CELLS = 100_000
# Columns stored in bounded database fields get tighter limits than free text.
COLUMN_LIMITS = {
    "姓名": 100,
    "责任人": 100,
    "牵头领导": 100,
    "单位": 200,
    "责任单位": 200,
    "配合单位": 1000,
    "序号": 50,
    "问题类别": 500,
    "Telegram用户名": 64,
    "手机": 32,
}
HEADER_SCAN_ROWS = 50

NOT_XLSX = Phrase.of("wb.not_xlsx")
OLD_OR_LOCKED = Phrase.of("wb.old_or_locked")
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"

_WORKBOOK_CONTENT_TYPE = re.compile(
    rb"(spreadsheetml\.(sheet|template)|ms-excel\.(sheet|template)\.macroEnabled)\.main\+xml"
)
_CELL_TAG = re.compile(rb"<(?:\w+:)?c[\s>/]")
_MERGE_TAG = re.compile(
    rb"<(?:\w+:)?mergeCell\s[^>]*?ref\s*=\s*[\"']\$?([A-Za-z]{1,3})\$?(\d{1,7})"
    rb":\$?([A-Za-z]{1,3})\$?(\d{1,7})[\"']"
)
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
_CJK_ADJACENT_SPACE = re.compile(
    r"[ \t\u3000\xa0]+(?=[^\x00-\x7f])|(?<=[^\x00-\x7f])[ \t\u3000\xa0]+"
)
_ROLE_SEPARATORS = re.compile(r"[、,，/／;；\s]+")
_TELEGRAM = re.compile(r"[A-Za-z][A-Za-z0-9_]{3,31}")
_TELEGRAM_PREFIX = re.compile(r"^(https?://)?(t|telegram)\.me/", re.IGNORECASE)
_PHONE = re.compile(r"\+?[\d \-]+")
_TIME_SUFFIX = re.compile(r"[T\s]+\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")
_FULL_DATE = re.compile(r"^(\d{4})(?:[-/.]|年)(\d{1,2})(?:[-/.]|月)(\d{1,2})[日号]?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_MONTH_END = re.compile(r"^(\d{4})(?:[-/.]|年)(\d{1,2})月?(?:底|末|份)?$")
_YEAR_END = re.compile(r"^(\d{4})年(?:年底|年末|底|末)$")
_DEADLINE_SUFFIX = re.compile(r"(?:之前|以前|前)?(?:完成)?$")  # "2026年底前完成"
_LONG_TERM_WORDS = frozenset({"长期", "长期坚持", "持续推进", "长期推进"})
# Excel serials for 1990-01-01 … 2099-12-31; a bare number outside is not a deadline.
_SERIAL_MIN, _SERIAL_MAX = 32874, 73050
_EXCEL_EPOCH = date(1899, 12, 30)

_HEADER_COLOUR = "FFDDEBF7"

_T = TypeVar("_T")


@dataclass(frozen=True)
class SheetInvite:
    """One line of the invite-link export."""

    name: str
    unit: str | None
    roles: str
    link: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class _Column:
    """A column of a workbook sheet: its header, whether the header must exist, its help."""

    name: str
    required: bool
    width: int
    help: str


PEOPLE_COLUMNS: tuple[_Column, ...] = (
    _Column("姓名", True, 14, "必填。同名不同单位的人，请在姓名后加括号注明，如“王伟（区科委）”。"),
    _Column("单位", True, 22, "所在单位全称；领导可填“区领导小组”等，可空。"),
    _Column(
        "角色",
        True,
        22,
        "必填，可填多个，用顿号分隔：协调员、领导、单位负责人、责任人（管理员由系统管理员设置）。",
    ),
    _Column(
        "Telegram用户名",
        False,
        18,
        "可空。可带或不带 @；以英文字母开头，4–32 位英文字母、数字或下划线。",
    ),
    _Column("手机", False, 16, "可空。7–15 位数字，可含 +、- 和空格。"),
)
TASK_COLUMNS: tuple[_Column, ...] = (
    _Column(
        "序号", True, 8, "必填，如 1.1、1.10；同一表内不可重复。本列为文本格式，请勿改成数字。"
    ),
    _Column("问题类别", False, 26, "可空，如“贯彻落实党中央重大决策部署方面”。"),
    _Column("问题", True, 36, "必填。一个问题有多条措施时，可合并单元格，也可逐行重复填写。"),
    _Column("整改措施", True, 50, "必填，一行一条措施。"),
    _Column("责任单位", True, 18, "必填，填单位全称。"),
    _Column("责任人", True, 12, "必填，填姓名，应与“人员”表中的姓名一致。"),
    _Column("牵头领导", False, 12, "可空，填姓名，应与“人员”表中的姓名一致。"),
    _Column(
        "整改时限",
        True,
        14,
        "日期，如 2026-12-31、2026年12月31日、2026年12月底；长期推进的任务可填“长期”或留空。",
    ),
    _Column(
        "整改类型",
        True,
        12,
        "立行立改、限期整改或长期推进；留空时，有整改时限的按限期整改，否则按长期推进。",
    ),
    _Column(
        "配合单位",
        False,
        22,
        "可空。可填多个，用顿号分隔；配合单位在 /status 和单位负责人的周提醒中能看到这些措施，"
        "完成率和评定只计入责任单位。",
    ),
)
ROUND_COLUMNS: tuple[_Column, ...] = (
    _Column(
        "项目", True, 20, "固定的四项：类型、反馈日期、整改方案报送时限、整改情况报告报送时限。"
    ),
    _Column(
        "内容",
        True,
        30,
        "类型填巡视、巡察、审计或督查；反馈日期为巡视巡察反馈（或审计报告）的日期；两项报送时限"
        "可空，空则按规定从反馈日期推算（巡视巡察：方案两周、报告两个月；审计：方案15个工作日）。",
    ),
)
_ROUND_ITEMS = {
    "类型": "source",
    "轮次类型": "source",
    "反馈日期": "feedback_on",
    "反馈时间": "feedback_on",
    "整改方案报送时限": "plan_due",
    "整改方案时限": "plan_due",
    "整改情况报告报送时限": "report_due",
    "整改报告报送时限": "report_due",
    "整改情况报告时限": "report_due",
}
_ROUND_SOURCES = {
    "巡视": CampaignSource.INSPECTION,
    "巡察": CampaignSource.INSPECTION,
    "巡视巡察": CampaignSource.INSPECTION,
    "审计": CampaignSource.AUDIT,
    "督查": CampaignSource.SUPERVISION,
    "督察": CampaignSource.SUPERVISION,
}
_ROUND_EXAMPLE: tuple[tuple[str, object], ...] = (
    ("类型", "巡察"),
    ("反馈日期", None),
    ("整改方案报送时限", None),
    ("整改情况报告报送时限", None),
)
_INVITE_COLUMNS: tuple[tuple[str, int], ...] = (
    ("姓名", 14),
    ("单位", 22),
    ("角色", 20),
    ("邀请链接", 60),
    ("有效期至", 18),
)

_EXAMPLE_PERSON: tuple[object, ...] = (
    "张三",
    "区发展改革委",
    "责任人",
    "zhangsan_fgw",
    "13800000000",
)
_EXAMPLE_TASK: tuple[object, ...] = (
    "1.1",
    "贯彻落实党中央重大决策部署方面",
    "推动重点项目落地不够有力",
    "制定重点项目推进清单，每月召开一次调度会，逐项明确完成节点。",
    "区发展改革委",
    "张三",
    None,
    datetime(2026, 12, 31),
    "限期整改",
)


class _Bad(Exception):
    """A cell's value is not acceptable; `reason` is shown to the coordinator."""

    def __init__(self, reason: str | Phrase, /, **params: object) -> None:
        super().__init__(reason)
        self.reason = reason if isinstance(reason, Phrase) else Phrase.of(reason, **params)


@dataclass(frozen=True, slots=True)
class _Cell:
    """A cell's value with its number format (needed to read 序号 as displayed)."""

    value: object
    number_format: str = "General"


_EMPTY = _Cell(None)


@dataclass(frozen=True, slots=True)
class _Line:
    """One non-empty data row: its Excel row number and its cells by header name."""

    row: int
    cells: Mapping[str, _Cell]


@dataclass(slots=True)
class _RowCheck:
    """Read the fields of one row, collecting every error instead of stopping at the first."""

    sheet: str
    line: _Line
    errors: list[RowError]
    failed: set[str] = field(default_factory=set)

    def get(
        self, column: str, parse: Callable[[_Cell], _T], *, required: bool = False
    ) -> _T | None:
        """Parse one column's cell; on failure record the error and return None."""
        cell = self.line.cells.get(column, _EMPTY)
        limit = COLUMN_LIMITS.get(column, MAX_CELL_CHARS)
        try:
            if isinstance(cell.value, str) and len(cell.value.strip()) > limit:
                raise _Bad("wb.too_long", length=len(cell.value.strip()), limit=limit)
            value = parse(cell)
        except _Bad as bad:
            self.fail(column, bad.reason)
            return None
        if value is None and required:
            self.fail(column, Phrase.of("wb.required", column=column))
        return value

    def fail(self, column: str, reason: Phrase) -> None:
        """Record an error on a column of this row."""
        self.failed.add(column)
        self.errors.append(RowError(self.sheet, self.line.row, column, reason))


# ---------------------------------------------------------------- reading


def read_workbook(data: bytes, *, allow_admin: bool) -> Workbook:
    """Parse and validate an uploaded import workbook; raise WorkbookRejected with every error."""
    container_error = _check_container(data)
    if container_error is not None:
        raise WorkbookRejected([container_error])
    book = _load(data)
    errors: list[RowError] = []
    people_lines = _sheet_lines(book, PEOPLE_SHEET, PEOPLE_COLUMNS, errors)
    task_lines = _sheet_lines(book, TASKS_SHEET, TASK_COLUMNS, errors)
    people = _read_people(people_lines or [], allow_admin, errors)
    tasks = _read_tasks(task_lines or [], errors)
    if task_lines is not None and not task_lines:
        errors.append(RowError(TASKS_SHEET, None, None, Phrase.of("wb.no_tasks")))
    round_info = _read_round(book, errors)
    if errors:
        raise WorkbookRejected(errors)
    return Workbook(
        people=tuple(people),
        tasks=tuple(tasks),
        round=round_info,
        supporting_column=any("配合单位" in line.cells for line in task_lines or []),
    )


def _read_round(book: Any, errors: list[RowError]) -> RoundInfo | None:
    """Read the optional 轮次 sheet (item / value rows); None when the file has none."""
    if not any(_compact(str(sheet.title)) == ROUND_SHEET for sheet in book.worksheets):
        return None
    found: dict[str, object] = {}
    for line in _sheet_lines(book, ROUND_SHEET, ROUND_COLUMNS, errors) or []:
        check = _RowCheck(ROUND_SHEET, line, errors)
        item = check.get("项目", _text)
        field_name = _ROUND_ITEMS.get(_compact(item or ""))
        if field_name is None:
            check.fail(
                "项目",
                Phrase.of("wb.round_item", item=item or "", allowed="、".join(_ROUND_LABELS)),
            )
        elif field_name in found:
            check.fail("项目", Phrase.of("wb.round_twice", item=item))
        else:
            parse = _round_source if field_name == "source" else _round_date
            found[field_name] = check.get("内容", parse)
    return RoundInfo(**found)  # type: ignore[arg-type]


_ROUND_LABELS = ("类型", "反馈日期", "整改方案报送时限", "整改情况报告报送时限")


def _round_source(cell: _Cell) -> CampaignSource | None:
    value = _text(cell)
    if value is None:
        return None
    source = _ROUND_SOURCES.get(_compact(value))
    if source is None:
        raise _Bad("wb.round_source", value=value)
    return source


def _round_date(cell: _Cell) -> date | None:
    try:
        day = _due_value(cell)
    except _Bad:
        raise _Bad("wb.round_date", value=_text(cell)) from None
    if day is not None and not deadlines.in_window(day):
        raise _Bad("wb.round_date_range", value=_text(cell) or day.isoformat())
    return day


def _file_error(reason: Phrase) -> RowError:
    return RowError("", None, None, reason)


def _check_container(data: bytes) -> RowError | None:
    """Reject what is not an .xlsx, or would inflate beyond the limits, before parsing it."""
    if is_ole(data):  # .xls, or a password-protected .xlsx
        return _file_error(OLD_OR_LOCKED)
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            members = archive.infolist()
            size_error = _check_sizes(members)
            if size_error is not None:
                return size_error
            names = {m.filename for m in members}
            if "[Content_Types].xml" not in names:
                return _file_error(NOT_XLSX)
            # The size check above bounds these reads.
            if not _WORKBOOK_CONTENT_TYPE.search(archive.read("[Content_Types].xml")):
                return _file_error(NOT_XLSX)
            return _check_cell_count(archive, members)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError, NotImplementedError):
        # RuntimeError: encrypted member; NotImplementedError: unknown compression method.
        return _file_error(NOT_XLSX)


def _check_sizes(members: Sequence[zipfile.ZipInfo]) -> RowError | None:
    found = oversized(members, WORKBOOK_LIMITS)
    if found is None:
        return None
    if found.member:
        return _file_error(Phrase.of("wb.ratio", member=found.member, ratio=f"{found.ratio:.0f}"))
    return _file_error(
        Phrase.of("wb.inflated", limit_mb=MAX_UNCOMPRESSED_BYTES // MB, total_mb=found.total // MB)
    )


def _check_cell_count(
    archive: zipfile.ZipFile, members: Sequence[zipfile.ZipInfo]
) -> RowError | None:
    """Count every worksheet's stored and merged cells by streaming its XML, before openpyxl.

    openpyxl builds an object per cell a merged range covers, so one tiny file merging
    A1:XFD1048576 would take gigabytes: merged ranges are measured first.
    """
    sheets = [
        m
        for m in members
        if m.filename.startswith("xl/worksheets/") and m.filename.endswith(".xml")
    ]
    scans = [_scan_sheet(archive, m) for m in sheets]
    total = sum(cells for cells, _ in scans)
    if total > MAX_STORED_CELLS:
        return _file_error(
            Phrase.of("wb.cells", total=total, limit=MAX_STORED_CELLS, rows=MAX_DATA_ROWS)
        )
    merged = sum(covered for _, covered in scans)
    if merged > MAX_MERGED_CELLS:
        return _file_error(Phrase.of("wb.merged", merged=merged, limit=MAX_MERGED_CELLS))
    return None


def _scan_sheet(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> tuple[int, int]:
    """Return the sheet's stored cells and the cells its merged ranges cover."""
    cells = covered = 0
    carry = b""
    with archive.open(member) as stream:
        while chunk := stream.read(1 << 20):
            data = carry + chunk
            # Cut at the last "<": every tag before it is complete, the one after it may not be.
            cut = data.rfind(b"<")
            cut = len(data) if cut < 0 else cut
            cells += len(_CELL_TAG.findall(data, 0, cut))
            covered += sum(_area(m) for m in _MERGE_TAG.finditer(data, 0, cut))
            carry = data[cut:]
    tail = carry + b" "
    return cells + len(_CELL_TAG.findall(tail)), covered + sum(
        _area(m) for m in _MERGE_TAG.finditer(tail)
    )


def _area(match: re.Match[bytes]) -> int:
    first_col, first_row, last_col, last_row = match.groups()
    width = abs(_column_number(last_col) - _column_number(first_col)) + 1
    height = abs(int(last_row) - int(first_row)) + 1
    return width * height


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + (letter - ord("A") + 1)
    return number


def container_problem(data: bytes) -> RowError | None:
    """Return why the file must not be opened by openpyxl, or None (for every loader)."""
    return _check_container(data)


def _load(data: bytes) -> Any:
    """Open with openpyxl; any failure of a file that passed the container checks is a bad file."""
    try:
        with warnings.catch_warnings():
            # openpyxl warns about unsupported extensions (slicers, styles…); they do not matter.
            warnings.simplefilter("ignore")
            # read_only=False: read-only worksheets do not expose merged cells.
            from openpyxl import load_workbook  # openpyxl (~35 MB) loads on first use

            return load_workbook(BytesIO(data), read_only=False, data_only=True)
    except Exception as exc:  # openpyxl raises KeyError, ValueError, XML errors… on damaged files
        raise WorkbookRejected([_file_error(NOT_XLSX)]) from exc


def _compact(text: str) -> str:
    """Drop every whitespace and zero-width character (for headers, sheet names, keywords)."""
    return "".join(text.translate(_ZERO_WIDTH).split())


def _find_sheet(book: Any, name: str, errors: list[RowError]) -> Any | None:
    for sheet in book.worksheets:
        if _compact(str(sheet.title)) == name:
            return sheet
    titles = "、".join(f"“{s.title}”" for s in book.worksheets)
    found = titles or Phrase.of("wb.no_sheets")
    errors.append(RowError(name, None, None, Phrase.of("wb.no_sheet", name=name, found=found)))
    return None


def _sheet_lines(
    book: Any, name: str, columns: Sequence[_Column], errors: list[RowError]
) -> list[_Line] | None:
    """Return the data rows of a sheet keyed by header, or None when the sheet is unusable."""
    sheet = _find_sheet(book, name, errors)
    if sheet is None:
        return None
    grid = _cell_grid(sheet)
    filled = _fill_merged(sheet, grid)
    header_row, positions = _locate_header(filled, columns)
    missing = [c.name for c in columns if c.required and c.name not in positions]
    for column in missing:
        errors.append(RowError(name, header_row, column, Phrase.of("wb.no_column", column=column)))
    if missing or header_row is None:
        return None
    lines = [
        _Line(row, {col_name: filled[row].get(col, _EMPTY) for col_name, col in positions.items()})
        for row in sorted(grid)
        # Emptiness is judged on the cells as typed, so merged fill alone does not make a row.
        if row > header_row
        and any(col in grid[row] for col in positions.values())
        and not _repeats_header(filled[row], positions)
    ]
    if len(lines) > MAX_DATA_ROWS:
        errors.append(
            RowError(
                name,
                None,
                None,
                Phrase.of("wb.too_many_rows", count=len(lines), limit=MAX_DATA_ROWS),
            )
        )
        return None
    return lines


def _repeats_header(cells: dict[int, _Cell], positions: dict[str, int]) -> bool:
    """A second header row (a header cell merged over two rows fills down into it) is no data."""
    return any(
        _compact(str(cells[col].value)) == name for name, col in positions.items() if col in cells
    )


def _cell_grid(sheet: Any) -> dict[int, dict[int, _Cell]]:
    """Collect the non-empty cells by row and column."""
    grid: dict[int, dict[int, _Cell]] = {}
    # Walk the stored cells rather than iter_rows: iter_rows creates every cell up to
    # max_row × max_column, which explodes on sheets with far-away formatted cells.
    for (row, col), cell in sheet._cells.items():
        value = cell.value
        if value is None or (isinstance(value, str) and not _compact(value)):
            continue
        grid.setdefault(row, {})[col] = _Cell(value, str(cell.number_format or "General"))
    return grid


def _fill_merged(
    sheet: Any, grid: Mapping[int, Mapping[int, _Cell]]
) -> dict[int, dict[int, _Cell]]:
    """Copy each merged range's value into every cell it covers (clipped to the used area)."""
    filled = {row: dict(cells) for row, cells in grid.items()}
    last_row = max(grid, default=0)
    last_col = max((col for cells in grid.values() for col in cells), default=0)
    for merged in sheet.merged_cells.ranges:
        anchor = grid.get(merged.min_row, {}).get(merged.min_col)
        if anchor is None:
            continue
        for row in range(merged.min_row, min(merged.max_row, last_row) + 1):
            cells = filled.setdefault(row, {})
            for col in range(merged.min_col, min(merged.max_col, last_col) + 1):
                cells[col] = anchor
    return filled


def _locate_header(
    grid: Mapping[int, Mapping[int, _Cell]], columns: Sequence[_Column]
) -> tuple[int | None, dict[str, int]]:
    """Find the first row holding all required headers; else the closest candidate."""
    wanted = {_compact(c.name).casefold(): c.name for c in columns}
    required = {c.name for c in columns if c.required}
    best_row: int | None = None
    best: dict[str, int] = {}
    for row in sorted(grid)[:HEADER_SCAN_ROWS]:
        positions: dict[str, int] = {}
        for col in sorted(grid[row]):
            key = _compact(str(grid[row][col].value)).casefold()
            if key in wanted and wanted[key] not in positions:
                positions[wanted[key]] = col
        if required <= positions.keys():
            return row, positions
        if len(required & positions.keys()) > len(required & best.keys()):
            best_row, best = row, positions
    return best_row, best


# ---------------------------------------------------------------- cell parsers


def _clean(text: str) -> str:
    return text.translate(_ZERO_WIDTH).strip()


def _text(cell: _Cell) -> str | None:
    """Render a cell as trimmed text; None when empty."""
    value = cell.value
    if value is None:
        return None
    if isinstance(value, bool):
        text = "是" if value else "否"
    elif isinstance(value, int | float):
        text = _plain_number(value)
    elif isinstance(value, datetime):
        text = value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    elif isinstance(value, date | time):
        text = value.isoformat()
    else:
        text = str(value)
    return _clean(text) or None


def _plain_number(value: float) -> str:
    if float(value).is_integer():
        return str(int(value))
    return format(value, ".15g")  # drops binary noise such as 1.1000000000000001


def _name(cell: _Cell) -> str | None:
    """Trim a person or unit name; spaces next to Chinese characters are typing noise."""
    text = _text(cell)
    if text is None:
        return None
    return " ".join(_CJK_ADJACENT_SPACE.sub("", text).split())


def _number(cell: _Cell) -> str | None:
    """Read 序号 as the text the coordinator sees (1.10 formatted "0.00" stays "1.10")."""
    value = cell.value
    if isinstance(value, datetime | date):
        raise _Bad("wb.number_is_date", value=_text(cell))
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _render_number(value, cell.number_format)
    return _text(cell)


def _render_number(value: float, number_format: str) -> str:
    """Format a number with the decimals its Excel number format shows."""
    section = number_format.split(";")[0]
    section = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.', "", section)  # literals, colours, padding
    if section.strip().casefold() in {"general", "@", ""} or not re.search(r"[0#?]", section):
        return _plain_number(value)
    decimals = re.search(r"\.([0#?]+)", section)
    shown = decimals.group(1) if decimals else ""
    least = shown.count("0")
    text = f"{value:.{len(shown)}f}"
    if "." in text:
        whole, frac = text.split(".")
        while len(frac) > least and frac.endswith("0"):
            frac = frac[:-1]
        text = f"{whole}.{frac}" if frac else whole
    return text


def _roles_parser(allow_admin: bool) -> Callable[[_Cell], frozenset[Role] | None]:
    allowed = [zh for zh, role in ROLE_NAMES_ZH.items() if allow_admin or role is not Role.ADMIN]

    def parse(cell: _Cell) -> frozenset[Role] | None:
        text = _text(cell)
        if text is None:
            return None
        roles: set[Role] = set()
        problems: list[Phrase] = []
        for token in filter(None, _ROLE_SEPARATORS.split(text)):
            role = ROLE_NAMES_ZH.get(token)
            if role is None:
                problems.append(
                    Phrase.of("wb.role_unknown", token=token, allowed="、".join(allowed))
                )
            elif role is Role.ADMIN and not allow_admin:
                problems.append(Phrase.of("wb.role_admin"))
            else:
                roles.add(role)
        if problems:
            raise _Bad(_both(problems))
        return frozenset(roles) or None

    return parse


def _both(problems: Sequence[Phrase]) -> Phrase:
    """Say several problems of one cell as one sentence."""
    said = problems[0]
    for problem in problems[1:]:
        said = Phrase.of("wb.both", first=said, second=problem)
    return said


def _telegram(cell: _Cell) -> str | None:
    text = _text(cell)
    if text is None:
        return None
    handle = _TELEGRAM_PREFIX.sub("", unicodedata.normalize("NFKC", text)).lstrip("@")
    if not _TELEGRAM.fullmatch(handle):
        raise _Bad("wb.telegram", value=text)
    return handle


def _phone(cell: _Cell) -> str | None:
    """Keep a leading + and the digits; a number cell such as 13900000001.0 becomes text."""
    text = _text(cell)  # renders 13900000001.0 as "13900000001"
    if text is None:
        return None
    normal = unicodedata.normalize("NFKC", text)
    digits = sum(ch.isdigit() for ch in normal)
    if not _PHONE.fullmatch(normal) or not 7 <= digits <= 15:
        raise _Bad("wb.phone", value=text)
    return re.sub(r"[ \-]", "", normal)


def _kind(cell: _Cell) -> TaskKind | None:
    text = _text(cell)
    if text is None:
        return None
    kind = KIND_NAMES_ZH.get(_compact(text))
    if kind is None:
        raise _Bad("wb.kind", value=text)
    return kind


def _due(cell: _Cell) -> date | None:
    """Read 整改时限; None means no deadline (empty or 长期…)."""
    due = _due_value(cell)
    if due is not None and not deadlines.in_window(due):
        shown = _text(cell) or due.isoformat()
        raise _Bad(
            "wb.due_range",
            value=shown,
            earliest=deadlines.EARLIEST.year,
            latest=deadlines.LATEST.year,
        )
    return due


def _due_value(cell: _Cell) -> date | None:
    value = cell.value
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _due_from_number(value)
    text = _text(cell) or ""
    if isinstance(value, str):
        return _due_from_text(text)
    raise _Bad("wb.due_unreadable", value=text)


def _due_from_number(value: float) -> date:
    """Accept an Excel serial (46387) or a yyyymmdd number (20261231)."""
    shown = _plain_number(value)
    if float(value).is_integer() and len(shown) == 8:
        return _make_date(int(shown[:4]), int(shown[4:6]), int(shown[6:]), shown)
    if _SERIAL_MIN <= value <= _SERIAL_MAX:
        return _EXCEL_EPOCH + timedelta(days=int(value))
    raise _Bad("wb.due_unreadable", value=shown)


def _due_from_text(text: str) -> date | None:
    normal = _TIME_SUFFIX.sub("", unicodedata.normalize("NFKC", text))
    compact = _compact(normal)
    if not compact or compact in _LONG_TERM_WORDS:
        return None
    compact = _DEADLINE_SUFFIX.sub("", compact)
    for pattern in (_FULL_DATE, _COMPACT_DATE):
        match = pattern.match(compact)
        if match:
            year, month, day = (int(g) for g in match.groups())
            return _make_date(year, month, day, text)
    match = _MONTH_END.match(compact)
    if match:
        return _make_date(int(match[1]), int(match[2]), None, text)
    match = _YEAR_END.match(compact)
    if match:
        return _make_date(int(match[1]), 12, 31, text)
    raise _Bad("wb.due_unreadable", value=text)


def _make_date(year: int, month: int, day: int | None, shown: str) -> date:
    """Build a date (day None = the month's last day) or explain why it does not exist."""
    try:
        return date(year, month, day or calendar.monthrange(year, month)[1])
    except ValueError:
        raise _Bad("wb.due_invalid", value=shown) from None


# ---------------------------------------------------------------- row validators


def _read_people(
    lines: Iterable[_Line], allow_admin: bool, errors: list[RowError]
) -> list[SheetPerson]:
    roles = _roles_parser(allow_admin)
    people: dict[str, SheetPerson] = {}
    for line in lines:
        person = _person(line, roles, errors)
        if person is not None:
            _merge_person(people, person, errors)
    return list(people.values())


def _person(
    line: _Line, roles: Callable[[_Cell], frozenset[Role] | None], errors: list[RowError]
) -> SheetPerson | None:
    check = _RowCheck(PEOPLE_SHEET, line, errors)
    name = check.get("姓名", _name, required=True)
    unit = check.get("单位", _name)
    held = check.get("角色", roles, required=True)
    telegram = check.get("Telegram用户名", _telegram)
    phone = check.get("手机", _phone)
    if check.failed or name is None or held is None:
        return None
    return SheetPerson(line.row, name, unit, held, telegram, phone)


def _merge_person(
    people: dict[str, SheetPerson], person: SheetPerson, errors: list[RowError]
) -> None:
    """Fold a repeated person (same 姓名 and 单位) into the first row; flag a clash of 单位."""
    first = people.get(person.name)
    if first is None:
        people[person.name] = person
        return
    if first.unit != person.unit:
        errors.append(
            RowError(
                PEOPLE_SHEET,
                person.row,
                "姓名",
                Phrase.of(
                    "wb.same_name",
                    name=person.name,
                    row=first.row,
                    first_unit=first.unit or Phrase.of("wb.empty"),
                    unit=person.unit or Phrase.of("wb.empty"),
                    example=person.unit or Phrase.of("wb.unit_word"),
                ),
            )
        )
        return
    contacts = {"Telegram用户名": "telegram_username", "手机": "phone"}
    for column, attr in contacts.items():
        old, new = getattr(first, attr), getattr(person, attr)
        if old is not None and new is not None and old != new:
            errors.append(
                RowError(
                    PEOPLE_SHEET,
                    person.row,
                    column,
                    Phrase.of(
                        "wb.contact_clash",
                        name=person.name,
                        column=column,
                        row=first.row,
                        new=new,
                        old=old,
                    ),
                )
            )
    people[person.name] = replace(
        first,
        roles=first.roles | person.roles,
        telegram_username=first.telegram_username or person.telegram_username,
        phone=first.phone or person.phone,
    )


def _read_tasks(lines: Iterable[_Line], errors: list[RowError]) -> list[SheetTask]:
    seen: dict[str, int] = {}
    tasks = [_task(line, seen, errors) for line in lines]
    return [task for task in tasks if task is not None]


def _task(line: _Line, seen: dict[str, int], errors: list[RowError]) -> SheetTask | None:
    check = _RowCheck(TASKS_SHEET, line, errors)
    number = check.get("序号", _number, required=True)
    if number is not None:
        if number in seen:
            check.fail("序号", Phrase.of("wb.number_twice", number=number, row=seen[number]))
        else:
            seen[number] = line.row
    category = check.get("问题类别", _text)
    problem = check.get("问题", _text, required=True)
    measure = check.get("整改措施", _text, required=True)
    unit = check.get("责任单位", _name, required=True)
    owner = check.get("责任人", _name, required=True)
    lead = check.get("牵头领导", _name)
    due = check.get("整改时限", _due)
    kind = _settle_kind(check, due)
    supporting = check.get("配合单位", _units) or ()
    if unit is not None and unit in supporting:
        check.fail("配合单位", Phrase.of("wb.support_is_lead", unit=unit))
    if check.failed or number is None or problem is None or measure is None:
        return None
    if unit is None or owner is None or kind is None:
        return None
    return SheetTask(
        line.row, number, category, problem, measure, unit, owner, lead, due, kind, supporting
    )


_UNIT_SEPARATORS = re.compile(r"[、，,；;/\n]+")


def _units(cell: _Cell) -> tuple[str, ...] | None:
    """Read several unit names separated by 、 (or commas, semicolons, line breaks)."""
    text = _text(cell)
    if text is None:
        return None
    names = [" ".join(_CJK_ADJACENT_SPACE.sub("", n).split()) for n in _UNIT_SEPARATORS.split(text)]
    found = tuple(dict.fromkeys(n for n in names if n))
    too_long = [n for n in found if len(n) > COLUMN_LIMITS["责任单位"]]
    if too_long:
        raise _Bad("wb.unit_too_long", start=too_long[0][:20])
    return found or None


def _settle_kind(check: _RowCheck, due: date | None) -> TaskKind | None:
    """Default an empty 整改类型 from the deadline; a missing deadline needs 长期推进."""
    kind = check.get("整改类型", _kind)
    if "整改时限" in check.failed or "整改类型" in check.failed:
        return None
    if kind is None:
        return TaskKind.LONG_TERM if due is None else TaskKind.BOUNDED
    if due is None and kind is not TaskKind.LONG_TERM:
        shown = _text(check.line.cells.get("整改时限", _EMPTY))
        kind_zh = next(zh for zh, k in KIND_NAMES_ZH.items() if k is kind)
        written = Phrase.of("wb.due_written", value=shown) if shown else Phrase.of("wb.due_empty")
        check.fail("整改时限", Phrase.of("wb.due_needed", written=written, kind=kind_zh))
        return None
    return kind


# ---------------------------------------------------------------- writing


def write_template() -> bytes:
    """Build the empty import workbook (with one example row per sheet) for coordinators."""
    return _template_book([_EXAMPLE_PERSON], [_EXAMPLE_TASK])


def write_prefilled(rows: Sequence[tuple[str, str, str, str]]) -> bytes:
    """Build the import workbook with (序号, 问题类别, 问题, 整改措施) filled in from a notice.

    Units, owners, lead leaders and deadlines are left for the coordinator to fill in.
    """
    tasks = [
        (number, category or None, problem, measure or None)
        for number, category, problem, measure in rows
    ]
    return _template_book([], tasks)


def _template_book(
    people_rows: Sequence[Sequence[object]], task_rows: Sequence[Sequence[object]]
) -> bytes:
    from openpyxl import Workbook  # openpyxl (~35 MB) loads on first use

    book = Workbook()
    people = book.active
    people.title = PEOPLE_SHEET
    _write_table(people, [(c.name, c.width) for c in PEOPLE_COLUMNS], people_rows)
    tasks = book.create_sheet(TASKS_SHEET)
    _write_table(tasks, [(c.name, c.width) for c in TASK_COLUMNS], [])
    for index, row in enumerate(task_rows, start=2):
        for col, value in enumerate(row, start=1):
            cell = tasks.cell(index, col)
            if isinstance(value, str):
                _put_text(cell, value)  # text stays text: "1.10", "=…"
            else:
                cell.value = value

    roles = [zh for zh, role in ROLE_NAMES_ZH.items() if role is not Role.ADMIN]
    # Not strict: a cell may hold several roles ("领导、责任人"), which a list cannot express.
    _add_choice(people, "C", roles, strict=False, prompt="可填多个角色，用顿号分隔")
    _add_choice(tasks, "I", list(KIND_NAMES_ZH), strict=True, prompt="留空时按整改时限自动判断")
    # Text format keeps 1.10 and phone numbers as typed; dates get a date format.
    for sheet, letter, number_format in (
        (people, "E", "@"),
        (tasks, "A", "@"),
        (tasks, "H", DATE_FORMAT),
    ):
        sheet.column_dimensions[letter].number_format = number_format
        sheet[f"{letter}2"].number_format = number_format
    round_sheet = book.create_sheet(ROUND_SHEET)
    _write_table(round_sheet, [(c.name, c.width) for c in ROUND_COLUMNS], _ROUND_EXAMPLE)
    round_sheet.column_dimensions["B"].number_format = DATE_FORMAT
    _write_help(book.create_sheet(HELP_SHEET))
    return _save(book)


def write_invites(rows: Sequence[SheetInvite]) -> bytes:
    """Build the invite-link workbook a coordinator hands out (naive local times as given)."""
    from openpyxl import Workbook  # openpyxl (~35 MB) loads on first use

    book = Workbook()
    sheet = book.active
    sheet.title = INVITES_SHEET
    _write_table(sheet, _INVITE_COLUMNS, [])
    for index, invite in enumerate(rows, start=2):
        _put_text(sheet.cell(index, 1), invite.name)
        _put_text(sheet.cell(index, 2), invite.unit)
        _put_text(sheet.cell(index, 3), invite.roles)
        link = sheet.cell(index, 4)
        _put_text(link, invite.link)
        link.hyperlink = invite.link
        link.style = "Hyperlink"
        # Excel cannot store time zones: keep the wall-clock time the caller chose.
        expires = sheet.cell(index, 5, value=invite.expires_at.replace(tzinfo=None))
        expires.number_format = DATETIME_FORMAT
    return _save(book)


def _write_table(
    sheet: Any, headers: Sequence[tuple[str, int]], rows: Iterable[Sequence[object]]
) -> None:
    """Write a bold, filled, frozen header row with column widths, then the rows."""
    from openpyxl.styles import Alignment, Font, PatternFill

    for col, (name, width) in enumerate(headers, start=1):
        cell = sheet.cell(1, col, value=name)
        cell.font = Font(bold=True)
        cell.fill = PatternFill(
            fill_type="solid", start_color=_HEADER_COLOUR, end_color=_HEADER_COLOUR
        )
        cell.alignment = Alignment(horizontal="center", vertical="center")
        sheet.column_dimensions[cell.column_letter].width = width
    sheet.freeze_panes = "A2"
    for row in rows:
        sheet.append(list(row))


def _add_choice(
    sheet: Any, letter: str, choices: Sequence[str], *, strict: bool, prompt: str
) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    validation = DataValidation(
        type="list",
        formula1='"' + ",".join(choices) + '"',
        allow_blank=True,
        showDropDown=False,  # OOXML's inverted flag: False shows the in-cell arrow
        showInputMessage=True,
        promptTitle="可选值",
        prompt=prompt,
        showErrorMessage=True,
        errorStyle="stop" if strict else "information",
        errorTitle="请检查",
        error="可选：" + "、".join(choices),
    )
    validation.add(f"{letter}2:{letter}{MAX_DATA_ROWS + 1}")
    sheet.add_data_validation(validation)


def _write_help(sheet: Any) -> None:
    _write_table(sheet, [("工作表", 12), ("列", 16), ("填写说明", 90)], [])
    for sheet_name, columns in (
        (PEOPLE_SHEET, PEOPLE_COLUMNS),
        (TASKS_SHEET, TASK_COLUMNS),
        (ROUND_SHEET + "（可选）", ROUND_COLUMNS),
    ):
        for column in columns:
            sheet.append([sheet_name, column.name, column.help])
    for note in (
        "第一行是表头，请不要改动列名；列的顺序可以调整，多出的列导入时忽略。",
        "合并单元格（如同一问题下的多条措施）会自动按合并内容逐行填充；空行自动跳过。",
        "每张表最多 20000 行。导入前请删除示例行（张三 / 1.1）。",
    ):
        sheet.append(["全部", "", note])
    from openpyxl.styles import Alignment

    for row in sheet.iter_rows(min_row=2):
        row[2].alignment = Alignment(wrap_text=True, vertical="top")


def _put_text(cell: Any, text: str | None) -> None:
    """Store text as text: a name starting with "=" must not become a formula."""
    cell.value = text
    if text is not None:
        cell.data_type = "s"


def _save(book: Any) -> bytes:
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
