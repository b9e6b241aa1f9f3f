"""From a feedback or progress notice (.docx/.txt/PDF) to its outline and a pre-filled workbook."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from domain.intake.notice_docx import read_notice
from domain.intake.notice_parser import NoticeOutline, ParsedProblem, normalise_title, parse_notice
from domain.intake.workbook import write_prefilled
from domain.model import Person
from domain.people.commands import require_coordinator


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
    """Return (序号, 问题类别, 问题, 整改措施) rows: problem n, measure m is numbered "n.m".

    A problem whose measures are one prose paragraph gets a row per sentence (see
    `split_prose`), so the coordinator assigns each action, not the whole paragraph.
    """
    rows: list[tuple[str, str, str, str]] = []
    for n, problem in enumerate(outline.problems, start=1):
        title = _title(problem)
        measures = problem.measures
        if len(measures) == 1:
            measures = tuple(split_prose(measures[0]))
        for m, measure in enumerate(measures or ("",), start=1):
            rows.append((f"{n}.{m}", problem.category or "", title, measure))
    return rows


_OPENING = "“‘《（(「【"
_CLOSING = "”’》）)」】"
MIN_SENTENCE = 5  # characters: a shorter piece belongs to the sentence before it


def split_prose(paragraph: str) -> list[str]:
    """Split a prose paragraph of measures at 。 and ；, never inside quotes or brackets.

    Each sentence of such a paragraph is, in the notices, one action ("召开…。建立…。修订…。");
    a fragment shorter than MIN_SENTENCE stays with the sentence before it.
    """
    pieces: list[str] = []
    depth = 0
    current = ""
    for ch in paragraph:
        current += ch
        if ch in _OPENING:
            depth += 1
        elif ch in _CLOSING:
            depth = max(depth - 1, 0)
        elif ch in "。；;" and depth == 0:
            pieces.append(current)
            current = ""
    if current.strip():
        pieces.append(current)
    sentences: list[str] = []
    for piece in pieces:
        text = piece.strip().rstrip("。；;").strip()
        if not text:
            continue
        if sentences and len(text) < MIN_SENTENCE:
            sentences[-1] += "；" + text
        else:
            sentences.append(text)
    return sentences or [paragraph]


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
