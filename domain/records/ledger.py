"""The ledger (台账) workbook: the import template's columns plus progress, and a summary sheet."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime, tzinfo
from functools import partial
from typing import Any

from openpyxl import Workbook as _XlWorkbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from domain.errors import NotFound

# The template's own writer and column definitions: the ledger must stay importable.
from domain.intake.workbook import (
    DATE_FORMAT,
    DATETIME_FORMAT,
    PEOPLE_COLUMNS,
    PEOPLE_SHEET,
    TASK_COLUMNS,
    TASKS_SHEET,
    _put_text,
    _save,
    _write_table,
)
from domain.lights import LightPolicy, light_for, thresholds
from domain.model import (
    KIND_NAMES_ZH,
    Light,
    Person,
    Role,
    TaskKind,
    TaskStatus,
    TaskView,
    roles_zh,
)
from domain.ports import Clock, TaskQuery, UnitOfWork
from domain.records.board import Board, counted_board
from domain.records.history import plain_text
from domain.rhythm.digest import summary_sentence
from domain.texts import excerpt, text

SUMMARY_SHEET = "汇总"
LIGHT_FILLS: Mapping[Light, str] = {
    Light.RED: "FFFF7C80",
    Light.YELLOW: "FFFFE699",
    Light.GREEN: "FFA9D08E",
}
# Extra columns after the template's: (catalogue key, width).
EXTRA_COLUMNS: tuple[tuple[str, int], ...] = (
    ("record.status", 12),
    ("record.percent", 8),
    ("record.light", 10),
    ("record.last_report", 50),
    ("record.last_report_at", 17),
    ("record.closed_on", 12),
)
LIGHTS = (Light.RED, Light.YELLOW, Light.GREEN)  # the order a reader expects
LAST_REPORT_CHARS = 300
_PERCENT_FORMAT = '0"%"'  # the cell keeps the number 60 and shows 60%
_RATE_FORMAT = "0.0%"
_WRAPPED = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")
_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)
_HEADER_FILL = PatternFill(fill_type="solid", start_color="FFDDEBF7", end_color="FFDDEBF7")
_KIND_ZH = {kind: zh for zh, kind in KIND_NAMES_ZH.items()}
_UNSAFE_FILE = re.compile(r'[\\/:*?"<>|\s]+')


async def export_ledger(
    *, uow: UnitOfWork, clock: Clock, campaign_id: int, policy: LightPolicy, lang: str
) -> bytes:
    """Build the campaign's ledger workbook as it stands now."""
    async with uow:
        campaign = await uow.campaigns.get(campaign_id)
        if campaign is None:
            raise NotFound()
        now = clock.now()
        # The summary is counted by the database, as /board counts it (one rule, one place).
        board = await counted_board(
            uow, campaign.name, TaskQuery(campaign_id), thresholds(now, policy)
        )
        tasks = await uow.tasks.views_for_campaign(campaign_id)
        # Everyone, not only whom the tasks name: unit heads, coordinators and liaisons too,
        # so the ledger imported into an empty bot restores every person and role.
        people = await uow.people.active()
        supporting = await uow.supports.names_in_campaign(campaign_id)
        unit_names = dict(await uow.tasks.units_in(TaskQuery(campaign_id)))
        grades = {
            unit_names[g.unit_id]: g.grade
            for g in await uow.grades.for_campaign(campaign_id)
            if g.unit_id in unit_names
        }
    # openpyxl is slow on big campaigns: write in a worker thread, off the event loop.
    return await asyncio.to_thread(
        partial(
            write_ledger,
            campaign=campaign.name,
            tasks=tasks,
            people=people,
            board=board,
            lights={t.id: light_for(t, now, policy) for t in tasks},
            generated_at=now,
            tz=policy.tz,
            lang=lang,
            grades=grades,
            supporting=supporting,
        )
    )


def ledger_file_name(campaign: str, day: date) -> str:
    """Name the ledger file, e.g. 整改台账-普陀区巡察整改-20261130.xlsx."""
    safe = _UNSAFE_FILE.sub("_", campaign).strip("._") or "campaign"
    return f"整改台账-{safe[:60]}-{day:%Y%m%d}.xlsx"


def write_ledger(
    *,
    campaign: str,
    tasks: Sequence[TaskView],
    people: Sequence[Person],
    board: Board,
    lights: Mapping[int, Light],
    generated_at: datetime,
    tz: tzinfo,
    lang: str,
    grades: Mapping[str, str] | None = None,  # unit name -> A/B/C, once /grade decided it
    supporting: Mapping[int, Sequence[str]] | None = None,  # task id -> 配合单位
) -> bytes:
    """Write the ledger: 整改任务 (re-importable, plus progress), 汇总 and 人员 sheets."""
    book = _XlWorkbook()
    sheet = book.active
    sheet.title = TASKS_SHEET
    _task_sheet(sheet, tasks, lights, tz, lang, supporting or {})
    _summary_sheet(
        book.create_sheet(SUMMARY_SHEET), campaign, board, generated_at, tz, lang, grades or {}
    )
    _people_sheet(book.create_sheet(PEOPLE_SHEET), tasks, people)
    return _save(book)


# ---------------------------------------------------------------- 整改任务


def _task_sheet(
    sheet: Any,
    tasks: Sequence[TaskView],
    lights: Mapping[int, Light],
    tz: tzinfo,
    lang: str,
    supporting: Mapping[int, Sequence[str]],
) -> None:
    headers = [(c.name, c.width) for c in TASK_COLUMNS]
    headers += [(text(key, lang), width) for key, width in EXTRA_COLUMNS]
    _write_table(sheet, headers, [])
    for row, task in enumerate(tasks, start=2):
        light = lights.get(task.id, Light.GREEN)
        _task_row(sheet, row, task, light, tz, lang, supporting.get(task.id, ()))
    # Text format keeps 1.10 as typed when someone adds a row by hand.
    sheet.column_dimensions["A"].number_format = "@"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(len(tasks) + 1, 2)}"


def _task_row(
    sheet: Any,
    row: int,
    task: TaskView,
    light: Light,
    tz: tzinfo,
    lang: str,
    supporting: Sequence[str],
) -> None:
    planned: list[object] = [
        task.number,
        task.category,
        task.problem,
        task.measure,
        task.unit_name,
        task.owner_name,
        task.lead_name,
        task.due_on,
        _KIND_ZH[task.kind],
        "、".join(supporting) or None,
    ]
    last_at = (
        task.last_update_at.astimezone(tz).replace(tzinfo=None) if task.last_update_at else None
    )
    closed_on = task.closed_at.astimezone(tz).date() if task.closed_at else None
    progress: list[object] = [
        text(f"status.{task.status.value}", lang),
        task.percent,
        text(f"light.{light.value}", lang),
        excerpt(task.last_update_text, LAST_REPORT_CHARS) if task.last_update_text else None,
        last_at,  # Excel has no time zones: the local wall-clock time
        closed_on,
    ]
    base = len(planned)  # the progress columns follow the template's
    for col, value in enumerate(planned + progress, start=1):
        cell = sheet.cell(row, col)
        _put(cell, value)
        cell.alignment = _WRAPPED if col in (3, 4, base + 4) else _TOP
    sheet.cell(row, 8).number_format = DATE_FORMAT
    sheet.cell(row, base + 2).number_format = _PERCENT_FORMAT
    sheet.cell(row, base + 3).fill = _fill(LIGHT_FILLS[light])
    sheet.cell(row, base + 5).number_format = DATETIME_FORMAT
    sheet.cell(row, base + 6).number_format = DATE_FORMAT


# ---------------------------------------------------------------- 人员


def _people_sheet(sheet: Any, tasks: Sequence[TaskView], people: Sequence[Person]) -> None:
    """List everyone the tasks name, in the template's shape, so the ledger re-imports."""
    _write_table(sheet, [(c.name, c.width) for c in PEOPLE_COLUMNS], [])
    by_id = {p.id: p for p in people}
    implied: dict[int, set[Role]] = {}
    for t in tasks:  # first appearance decides the order of the list
        implied.setdefault(t.owner_id, set()).add(Role.OFFICIAL)
        if t.lead_id is not None:
            implied.setdefault(t.lead_id, set()).add(Role.LEADER)
    # Those the tasks name first (in the ledger's order), then everyone else by unit and name.
    others = sorted(
        (p for p in people if p.id not in implied and p.roles - {Role.ADMIN}),
        key=lambda p: (p.unit_name or "", p.name),
    )
    order = [*implied, *(p.id for p in others)]
    row = 2
    for person_id in order:
        person = by_id.get(person_id)
        if person is None:
            continue
        roles = implied.get(person_id, set())
        values: list[object] = [
            person.name,
            person.unit_name,
            _roles_zh(person.roles, roles),
            person.telegram_username,
            person.phone,
        ]
        for col, value in enumerate(values, start=1):
            _put(sheet.cell(row, col), value)
        row += 1
    sheet.column_dimensions["E"].number_format = "@"


def _roles_zh(held: frozenset[Role], implied: set[Role]) -> str:
    # 管理员 is never written: a workbook sent in the chat may not grant it, so the file
    # would be refused. Someone holding no other role is listed by what the tasks make them.
    return roles_zh({r for r in held if r is not Role.ADMIN} or implied)


# ---------------------------------------------------------------- 汇总


def _summary_sheet(
    sheet: Any,
    campaign: str,
    board: Board,
    generated_at: datetime,
    tz: tzinfo,
    lang: str,
    grades: Mapping[str, str],
) -> None:
    local = generated_at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
    _put(sheet.cell(1, 1), plain_text(text("ledger.summary_title", lang, campaign=campaign)))
    sheet.cell(1, 1).font = _TITLE
    _put(sheet.cell(2, 1), plain_text(text("ledger.generated", lang, at=local)))
    _put(sheet.cell(3, 1), plain_text(summary_sentence(board, lang)))
    row = _figures(sheet, 5, board, lang)
    row = _by_status(sheet, row + 1, board, lang)
    row = _by_kind(sheet, row + 1, board, lang)
    _by_unit(sheet, row + 1, board, lang, grades)
    sheet.column_dimensions["A"].width = 28
    for col in range(2, 10):
        sheet.column_dimensions[get_column_letter(col)].width = 12


def _figures(sheet: Any, row: int, board: Board, lang: str) -> int:
    rate = board.tasks_closed / board.tasks_total if board.tasks_total else 0.0
    lines: list[tuple[str, object]] = [
        (text("ledger.problems_total", lang), board.problems_total),
        (text("ledger.problems_rectified", lang), board.problems_rectified),
        (text("ledger.tasks_total", lang), board.tasks_total),
        (text("ledger.tasks_closed", lang), board.tasks_closed),
        (text("ledger.rate", lang), rate),
        (text("ledger.overdue", lang), board.overdue),
    ]
    lines += [(text(f"light.{light.value}", lang), board.lights[light]) for light in LIGHTS]
    _header(sheet, row, [text("ledger.figure", lang), text("ledger.value", lang)])
    for offset, (label, value) in enumerate(lines, start=1):
        _put(sheet.cell(row + offset, 1), label)
        _put(sheet.cell(row + offset, 2), value)
    sheet.cell(row + 5, 2).number_format = _RATE_FORMAT
    for offset, light in enumerate(LIGHTS, start=7):
        sheet.cell(row + offset, 1).fill = _fill(LIGHT_FILLS[light])
    return row + len(lines) + 1


def _by_status(sheet: Any, row: int, board: Board, lang: str) -> int:
    _header(sheet, row, [text("ledger.by_status", lang), text("ledger.total", lang)])
    for offset, status in enumerate(TaskStatus, start=1):
        _put(sheet.cell(row + offset, 1), text(f"status.{status.value}", lang))
        _put(sheet.cell(row + offset, 2), board.by_status.get(status, 0))
    return row + len(TaskStatus) + 1


def _by_kind(sheet: Any, row: int, board: Board, lang: str) -> int:
    _header(
        sheet,
        row,
        [text("ledger.by_kind", lang), text("ledger.total", lang), text("ledger.closed", lang)],
    )
    kinds = [k for k in TaskKind if k in board.by_kind]
    for offset, kind in enumerate(kinds, start=1):
        total, closed = board.by_kind[kind]
        _put(sheet.cell(row + offset, 1), text(f"kind.{kind.value}", lang))
        _put(sheet.cell(row + offset, 2), total)
        _put(sheet.cell(row + offset, 3), closed)
    return row + len(kinds) + 1


def _by_unit(sheet: Any, row: int, board: Board, lang: str, grades: Mapping[str, str]) -> int:
    _header(
        sheet,
        row,
        [
            text("ledger.by_unit", lang),
            text("ledger.total", lang),
            text("ledger.closed", lang),
            text("ledger.rate", lang),
            text("ledger.overdue", lang),
            *(text(f"light.{light.value}", lang) for light in LIGHTS),
            *([text("ledger.grade", lang)] if grades else []),
        ],
    )
    for col, light in enumerate(LIGHTS, start=6):
        sheet.cell(row, col).fill = _fill(LIGHT_FILLS[light])
    for offset, unit in enumerate(board.units, start=1):
        values: list[object] = [unit.unit, unit.total, unit.closed, unit.rate, unit.overdue]
        values += [unit.lights[light] for light in LIGHTS]
        if grades:
            values.append(grades.get(unit.unit, ""))
        for col, value in enumerate(values, start=1):
            _put(sheet.cell(row + offset, col), value)
        sheet.cell(row + offset, 4).number_format = _RATE_FORMAT
    return row + len(board.units) + 1


# ---------------------------------------------------------------- cells


def _header(sheet: Any, row: int, names: Sequence[str]) -> None:
    for col, name in enumerate(names, start=1):
        cell = sheet.cell(row, col)
        _put(cell, plain_text(name))
        cell.font = _BOLD
        cell.fill = _HEADER_FILL


def _put(cell: Any, value: object) -> None:
    """Store a value; text is cleaned of characters Excel cannot hold and never a formula."""
    if isinstance(value, str):
        _put_text(cell, ILLEGAL_CHARACTERS_RE.sub("", value))
    else:
        cell.value = value


def _fill(colour: str) -> PatternFill:
    return PatternFill(fill_type="solid", start_color=colour, end_color=colour)
