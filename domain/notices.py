"""From a feedback or progress notice (.docx/.txt/PDF) to its outline and a pre-filled workbook."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from domain.commands import require_coordinator
from domain.model import Person
from domain.notice_docx import read_notice
from domain.notice_parser import NoticeOutline, ParsedProblem, normalise_title, parse_notice
from domain.workbook import write_prefilled


@dataclass(frozen=True, slots=True)
class ParsedNotice:
    """A notice's outline, its figures and the import workbook pre-filled from it."""

    outline: NoticeOutline
    measures: int
    by_category: list[tuple[str, int]]
    workbook: bytes


def read_outline(data: bytes, file_name: str) -> NoticeOutline:
    """Read a .docx, .txt or PDF notice and parse its problem list (other formats are refused)."""
    return parse_notice(read_notice(data, file_name))


def numbered_rows(outline: NoticeOutline) -> list[tuple[str, str, str, str]]:
    """Return (序号, 问题类别, 问题, 整改措施) rows: problem n, measure m is numbered "n.m"."""
    rows: list[tuple[str, str, str, str]] = []
    for n, problem in enumerate(outline.problems, start=1):
        title = _title(problem)
        for m, measure in enumerate(problem.measures or ("",), start=1):
            rows.append((f"{n}.{m}", problem.category or "", title, measure))
    return rows


def _title(problem: ParsedProblem) -> str:
    # A sub-problem keeps its parent heading (as a title, without its number and "的问题。"),
    # so the coordinator sees where it came from.
    if not problem.group:
        return problem.title
    return f"{normalise_title(problem.group)}——{problem.title}"


def parse_for_import(*, person: Person, data: bytes, file_name: str) -> ParsedNotice:
    """Parse a notice a coordinator sent and pre-fill the import template from it."""
    require_coordinator(person)
    return summarise(read_outline(data, file_name))


def summarise(outline: NoticeOutline) -> ParsedNotice:
    """Count the outline and build its workbook."""
    counts = Counter(p.category or "—" for p in outline.problems)
    return ParsedNotice(
        outline=outline,
        measures=sum(len(p.measures) for p in outline.problems),
        by_category=list(counts.items()),
        workbook=write_prefilled(numbered_rows(outline)),
    )
