"""The uploaded workbook sent back with its bad cells marked, for the coordinator to fix."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from io import BytesIO
from typing import Any

from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

from domain.intake.workbook import HEADER_SCAN_ROWS, PEOPLE_SHEET, TASKS_SHEET, container_problem
from domain.model import RowError
from domain.texts import unescaped

_BAD = PatternFill(fill_type="solid", start_color="FFFFC7CE", end_color="FFFFC7CE")
_MARKABLE = frozenset({PEOPLE_SHEET, TASKS_SHEET})


def mark_errors(data: bytes, errors: Sequence[RowError], lang: str) -> bytes | None:
    """Return the workbook with bad cells filled red and explained; None for a broken file."""
    # File-level errors (not an .xlsx, zip bomb, too big) mean the file must not be opened again.
    if any(e.sheet not in _MARKABLE for e in errors) or all(e.row is None for e in errors):
        return None
    if container_problem(data) is not None:  # the same guards as the reader, whatever called us
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = load_workbook(BytesIO(data))
    except Exception:  # the reader already accepted the container; be safe anyway
        return None
    for error in errors:
        sheet = _sheet(book, error.sheet)
        if sheet is not None and error.row is not None:
            _mark(sheet, error, lang)
    _list_sheet(book, errors, lang)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet(book: Any, name: str) -> Any | None:
    for sheet in book.worksheets:
        if "".join(str(sheet.title).split()) == name:
            return sheet
    return None


def _mark(sheet: Any, error: RowError, lang: str) -> None:
    assert error.row is not None
    column = _column_of(sheet, error.column) if error.column else None
    cells = [sheet.cell(error.row, column)] if column else list(sheet[error.row])
    for cell in cells:
        if type(cell).__name__ == "MergedCell":
            continue  # only a range's top-left cell can hold a style or a comment
        cell.fill = _BAD
    target = next((c for c in cells if type(c).__name__ != "MergedCell"), None)
    if target is not None:
        previous = target.comment.text + "\n" if target.comment else ""
        target.comment = Comment(
            previous + error.reason.plain(lang), "rectibot", width=300, height=120
        )


def _column_of(sheet: Any, header: str) -> int | None:
    wanted = "".join(header.split())
    for row in sheet.iter_rows(min_row=1, max_row=HEADER_SCAN_ROWS):
        for cell in row:
            if isinstance(cell.value, str) and "".join(cell.value.split()) == wanted:
                return int(cell.column)
    return None


def _list_sheet(book: Any, errors: Sequence[RowError], lang: str) -> None:
    title = unescaped("import.errors_title", lang)
    if title in book.sheetnames:
        del book[title]
    sheet = book.create_sheet(title, 0)
    sheet.append(
        [unescaped(f"import.errors_{c}", lang) for c in ("sheet", "row", "column", "problem")]
    )
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for e in errors:
        sheet.append([e.sheet, e.row, e.column, e.reason.plain(lang)])
    for letter, width in zip("ABCD", (12, 8, 14, 80), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    book.active = 0
