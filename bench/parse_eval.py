"""Evaluate the notice parser against the hand-made gold standard of the notice corpus.

    python bench/parse_eval.py                    # per-document and overall figures
    python bench/parse_eval.py --check            # exit 1 when below the issue 5 targets
    python bench/parse_eval.py --corpus DIR -v    # another corpus; list missed and extra titles
    python bench/parse_eval.py --round-trip       # rectification reports written and read back

A parsed problem matches a gold problem when their titles are equal after removing whitespace
and punctuation (each gold problem matches at most one parsed problem). Category accuracy is
over matched problems; measure-count accuracy over matched problems whose gold count is not null.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from domain.intake.notice_parser import NoticeOutline, parse_notice  # noqa: E402

# A copy of shared/corpus ships with the tests, so a clean checkout evaluates on its own.
DEFAULT_CORPUS = ROOT / "tests" / "data" / "corpus"
MIN_OVERALL = 0.95
MIN_PER_DOCUMENT = 0.85
MIN_MEASURE_COUNTS = 0.90


def normalise(text: str | None) -> str:
    """Drop whitespace and punctuation (any Unicode P*/S*/Z* character) and fold width."""
    if text is None:
        return ""
    folded = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] not in "PSZC")


@dataclass(frozen=True)
class DocumentScore:
    """Counts for one document; ratios are derived."""

    doc_id: str
    gold: int
    parsed: int
    matched: int
    category_right: int
    counted: int  # matched problems whose gold measure count is not null
    count_right: int
    missed: tuple[str, ...]
    extra: tuple[str, ...]
    wrong_counts: tuple[str, ...]

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 1.0

    @property
    def precision(self) -> float:
        return self.matched / self.parsed if self.parsed else (1.0 if not self.gold else 0.0)


def score_document(doc_id: str, gold: dict[str, Any], outline: NoticeOutline) -> DocumentScore:
    """Match parsed problems to gold problems by normalised title and count what agrees."""
    unmatched = list(outline.problems)
    matched = category_right = counted = count_right = 0
    missed: list[str] = []
    wrong_counts: list[str] = []
    for expected in gold["problems"]:
        key = normalise(expected["title"])
        hit = next((p for p in unmatched if normalise(p.title) == key), None)
        if hit is None:
            missed.append(f"{expected['line']}: {expected['title']}")
            continue
        unmatched.remove(hit)
        matched += 1
        category_right += normalise(hit.category) == normalise(expected["category"])
        if expected["measures"] is not None:
            counted += 1
            if len(hit.measures) == expected["measures"]:
                count_right += 1
            else:
                wrong_counts.append(
                    f"{expected['line']}: {expected['title'][:30]} "
                    f"gold {expected['measures']} parsed {len(hit.measures)}"
                )
    return DocumentScore(
        doc_id=doc_id,
        gold=len(gold["problems"]),
        parsed=len(outline.problems),
        matched=matched,
        category_right=category_right,
        counted=counted,
        count_right=count_right,
        missed=tuple(missed),
        extra=tuple(p.title for p in unmatched),
        wrong_counts=tuple(wrong_counts),
    )


def evaluate(corpus: Path) -> list[DocumentScore]:
    """Parse every notice of the corpus that has a gold entry and score it."""
    gold_docs = json.loads((corpus / "gold.json").read_text(encoding="utf-8"))
    scores: list[DocumentScore] = []
    for gold in gold_docs:
        text = (corpus / "notices" / f"{gold['id']}.txt").read_text(encoding="utf-8")
        scores.append(score_document(gold["id"], gold, parse_notice(text)))
    return scores


@dataclass(frozen=True)
class Totals:
    """Corpus-wide figures."""

    recall: float
    precision: float
    category_accuracy: float
    measure_count_accuracy: float
    worst_recall: DocumentScore
    worst_precision: DocumentScore


def totals(scores: Sequence[DocumentScore]) -> Totals:
    """Micro-averaged figures over all documents, plus the worst documents."""
    gold = sum(s.gold for s in scores)
    parsed = sum(s.parsed for s in scores)
    matched = sum(s.matched for s in scores)
    counted = sum(s.counted for s in scores)
    return Totals(
        recall=matched / gold if gold else 1.0,
        precision=matched / parsed if parsed else 0.0,
        category_accuracy=sum(s.category_right for s in scores) / matched if matched else 0.0,
        measure_count_accuracy=sum(s.count_right for s in scores) / counted if counted else 1.0,
        worst_recall=min(scores, key=lambda s: s.recall),
        worst_precision=min(scores, key=lambda s: s.precision),
    )


def failures(scores: Sequence[DocumentScore]) -> list[str]:
    """The targets of issue 5 that the scores miss, as readable sentences."""
    t = totals(scores)
    found: list[str] = []
    if t.recall < MIN_OVERALL:
        found.append(f"overall recall {t.recall:.3f} < {MIN_OVERALL}")
    if t.precision < MIN_OVERALL:
        found.append(f"overall precision {t.precision:.3f} < {MIN_OVERALL}")
    if t.measure_count_accuracy < MIN_MEASURE_COUNTS:
        found.append(f"measure counts {t.measure_count_accuracy:.3f} < {MIN_MEASURE_COUNTS}")
    for s in scores:
        if s.recall < MIN_PER_DOCUMENT or s.precision < MIN_PER_DOCUMENT:
            found.append(f"document {s.doc_id}: recall {s.recall:.3f}, precision {s.precision:.3f}")
    return found


def report(scores: Sequence[DocumentScore], verbose: bool) -> str:
    """Render the per-document table and the totals."""
    lines = [
        f"{'doc':>4} {'gold':>5} {'found':>5} {'recall':>7} {'prec':>7} {'categ':>7} {'counts':>7}"
    ]
    for s in scores:
        categ = s.category_right / s.matched if s.matched else 0.0
        counts = f"{s.count_right / s.counted:7.3f}" if s.counted else f"{'-':>7}"
        lines.append(
            f"{s.doc_id:>4} {s.gold:5d} {s.parsed:5d} {s.recall:7.3f} {s.precision:7.3f} "
            f"{categ:7.3f} {counts}"
        )
        if verbose:
            lines.extend(f"       missed  {m}" for m in s.missed)
            lines.extend(f"       extra   {e}" for e in s.extra)
            lines.extend(f"       count   {w}" for w in s.wrong_counts)
    t = totals(scores)
    gold = sum(s.gold for s in scores)
    parsed = sum(s.parsed for s in scores)
    lines.append(
        f"{'all':>4} {gold:5d} {parsed:5d} {t.recall:7.3f} {t.precision:7.3f} "
        f"{t.category_accuracy:7.3f} {t.measure_count_accuracy:7.3f}"
    )
    matched = sum(s.matched for s in scores)
    counted = sum(s.counted for s in scores)
    lines.append(
        f"matched {matched} of {gold} gold problems ({parsed} parsed); measure counts exact on "
        f"{sum(s.count_right for s in scores)} of {counted} problems with a gold count"
    )
    lines.append(
        f"worst recall: {t.worst_recall.doc_id} ({t.worst_recall.recall:.3f}); "
        f"worst precision: {t.worst_precision.doc_id} ({t.worst_precision.precision:.3f})"
    )
    return "\n".join(lines)


def round_trip(corpus: Path) -> list[DocumentScore]:
    """Write the rectification report of a round, read it back with the parser, score it.

    The rounds: the sample workbook's (41 problems, 152 measures) and, for every corpus
    notice, the round its parsed problem list would import. The gold of each is the round
    itself (every problem under its category with its measure count): the target is 1.000.
    """
    from datetime import date
    from zoneinfo import ZoneInfo

    from domain.intake import notices
    from domain.intake.workbook import read_workbook
    from domain.model import ReportKind
    from domain.records.rectification_report import build_report, category_heading, report_docx

    rounds: list[tuple[str, list[tuple[str, str, str]]]] = []
    sample = read_workbook(
        (ROOT / "bot" / "data" / "putuo_tasks.xlsx").read_bytes(), allow_admin=True
    )
    rounds.append(("wb", [(t.category or "", t.problem, t.measure) for t in sample.tasks]))
    for gold in json.loads((corpus / "gold.json").read_text(encoding="utf-8")):
        text = (corpus / "notices" / f"{gold['id']}.txt").read_text(encoding="utf-8")
        numbered = notices.numbered_rows(parse_notice(text))
        rounds.append((gold["id"], [(c, title, m or "按要求整改") for _, c, title, m in numbered]))
    scores = []
    for name, rows in rounds:
        views = _views(rows)
        report = build_report(round_name="评估轮次整改", views=views, extensions={}, reports=0,
                              kind=ReportKind.PROGRESS, today=date(2026, 12, 1),
                              tz=ZoneInfo("Asia/Shanghai"))  # fmt: skip
        outline = notices.read_outline(report_docx(report), "report.docx")
        outline = replace(outline, problems=tuple(
            replace(p, category=_category_key(p.category)) for p in outline.problems
        ))  # fmt: skip
        problems: dict[int, dict[str, Any]] = {}
        for view in views:
            entry = problems.setdefault(view.problem_id, {"title": view.problem, "line": 0,
                                        "category": _category_key(
                                            category_heading(view.category or "其他")),
                                        "measures": 0})  # fmt: skip
            entry["measures"] += 1
        scores.append(score_document(name, {"problems": list(problems.values())}, outline))
    return scores


def _category_key(text: str | None) -> str:
    """A category without its heading's number and the "方面" after it."""
    inner = re.sub(
        r"^\s*(?:[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+、)", "", text or ""
    )
    return normalise(inner).removesuffix("方面")


def _views(rows: Sequence[tuple[str, str, str]]) -> list[Any]:
    """TaskViews of a synthetic round: problems in order of first appearance."""
    from datetime import UTC, datetime

    from domain.model import TaskKind, TaskStatus, TaskView

    ids: dict[tuple[str, str], int] = {}
    views = []
    for i, (category, title, measure) in enumerate(rows):
        problem = ids.setdefault((category, title), len(ids) + 1)
        views.append(TaskView(
            id=i + 1, campaign_id=1, number=f"{problem}.{i + 1}", problem_id=problem,
            category=category, problem=title, measure=measure, unit_id=1, unit_name="责任单位",
            owner_id=1, owner_name="责任人", lead_id=None, lead_name=None,
            kind=TaskKind.BOUNDED, due_on=None, status=TaskStatus.OPEN, percent=0,
            created_at=datetime(2026, 1, 1, tzinfo=UTC), last_update_at=None,
        ))  # fmt: skip
    return views


def main(argv: Sequence[str] | None = None) -> int:
    """Run the evaluation; with --check, return 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="corpus folder")
    parser.add_argument("--check", action="store_true", help="exit 1 below the targets")
    parser.add_argument("-v", "--verbose", action="store_true", help="list the mismatches")
    parser.add_argument(
        "--round-trip", action="store_true", help="score reports written and read back"
    )
    args = parser.parse_args(argv)
    scores = round_trip(args.corpus) if args.round_trip else evaluate(args.corpus)
    print(report(scores, args.verbose))
    missed = failures(scores)
    if args.check and missed:
        print("below target: " + "; ".join(missed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
