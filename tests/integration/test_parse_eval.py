"""The notice parser meets the issue 5 targets on the notice corpus (bench/parse_eval.py)."""

from __future__ import annotations

import json
import os
import re
import zipfile
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from bench.parse_eval import (
    DEFAULT_CORPUS,
    MIN_MEASURE_COUNTS,
    MIN_OVERALL,
    MIN_PER_DOCUMENT,
    DocumentScore,
    evaluate,
    failures,
    main,
    round_trip,
    score_document,
    totals,
)
from domain.intake.notice_docx import read_notice
from domain.intake.notice_parser import parse_notice


@pytest.fixture
def corpus() -> Path:
    """The corpus copy under tests/data (a checkout without it skips, except in CI)."""
    if not (DEFAULT_CORPUS / "gold.json").exists() and os.environ.get("CI") != "true":
        pytest.skip(f"notice corpus not found at {DEFAULT_CORPUS}")
    return DEFAULT_CORPUS


def test_the_parser_meets_the_targets_on_the_corpus(corpus: Path) -> None:
    scores = evaluate(corpus)
    t = totals(scores)
    assert len(scores) >= 22
    assert failures(scores) == []
    assert t.recall >= MIN_OVERALL
    assert t.precision >= MIN_OVERALL
    assert t.measure_count_accuracy >= MIN_MEASURE_COUNTS
    assert min(min(s.recall, s.precision) for s in scores) >= MIN_PER_DOCUMENT


def test_the_parser_meets_the_targets_on_the_held_out_notices() -> None:
    # bench/heldout was written blind to the parser; its first run missed h02's style.
    scores = evaluate(Path(__file__).resolve().parents[2] / "bench" / "heldout")
    t = totals(scores)
    assert len(scores) == 8
    assert failures(scores) == []
    assert min(t.recall, t.precision) >= MIN_OVERALL
    assert t.measure_count_accuracy >= MIN_MEASURE_COUNTS
    assert min(min(s.recall, s.precision) for s in scores) >= MIN_PER_DOCUMENT


def test_the_check_flag_exits_zero_on_the_corpus(
    corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--check", "--corpus", str(corpus)]) == 0
    assert "all" in capsys.readouterr().out


def test_the_check_flag_fails_below_the_targets(tmp_path: Path) -> None:
    (tmp_path / "notices").mkdir()
    (tmp_path / "notices" / "01.txt").write_text(
        "通报\n二、巡察反馈问题整改情况\n1.关于“学习不深入”的问题\n整改情况：一是制定计划。\n",
        encoding="utf-8",
    )
    problem = {"category": None, "title": "学习不深入", "measures": 2, "line": 3}
    missing = {"category": None, "title": "调研不深入", "measures": None, "line": 5}
    (tmp_path / "gold.json").write_text(
        json.dumps([{"id": "01", "problems": [problem, missing]}]), encoding="utf-8"
    )
    scores = evaluate(tmp_path)
    assert (scores[0].recall, scores[0].precision, scores[0].count_right) == (0.5, 1.0, 0)
    assert main(["--check", "--corpus", str(tmp_path)]) == 1


HALF_WIDTH = str.maketrans({"，": ",", "：": ":", "；": ";", "（": "(", "）": ")", "。": "."})
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
# Numbering styles as Word would hold them: (pattern of the typed number, numFmt, lvlText).
WORD_LEVELS = [
    (r"^[一二三四五六七八九十]+、", "chineseCounting", "%1、"),
    (r"^[（(][一二三四五六七八九十]+[）)]", "chineseCounting", "（%2）"),
    (r"^\d+[.．]", "decimal", "%3."),
    (r"^[（(]\d+[）)](?!\s*[一二三四五六七八九]是)", "decimal", "（%4）"),
    (r"^[①-⑳]", "decimalEnclosedCircle", "%5"),
]


def as_word_document(text: str) -> bytes:
    """The notice as a .docx whose numbers are Word's automatic numbering, not typed text."""
    paragraphs = []
    for line in text.splitlines():
        line, numbering = line.strip(), ""
        for ilvl, (pattern, _, _) in enumerate(WORD_LEVELS):
            m = re.match(pattern, line)
            if m:
                line = line[m.end() :].strip()
                numbering = (
                    f'<w:pPr><w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="1"/></w:numPr>'
                    "</w:pPr>"
                )
                break
        paragraphs.append(f"<w:p>{numbering}<w:r><w:t>{escape(line)}</w:t></w:r></w:p>")
    levels = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/><w:suff w:val="nothing"/></w:lvl>'
        for i, (_, fmt, text) in enumerate(WORD_LEVELS)
    )
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "word/document.xml",
            f'<w:document xmlns:w="{W}"><w:body>{"".join(paragraphs)}</w:body></w:document>',
        )
        archive.writestr(
            "word/numbering.xml",
            f'<w:numbering xmlns:w="{W}"><w:abstractNum w:abstractNumId="0">{levels}'
            '</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
            "</w:numbering>",
        )
    return buffer.getvalue()


ONE_PER_SHI = re.compile(r"(?<=[。；;])\s*(?=(?:十[一二三四五六七八九]?|[一二三四五六七八九])是)")


def scores_of(corpus: Path, read: Callable[[str], str]) -> list[DocumentScore]:
    gold_docs = json.loads((corpus / "gold.json").read_text(encoding="utf-8"))
    return [
        score_document(
            gold["id"],
            gold,
            parse_notice(read((corpus / "notices" / f"{gold['id']}.txt").read_text("utf-8"))),
        )
        for gold in gold_docs
    ]


@pytest.mark.parametrize(
    "read",
    [
        pytest.param(lambda text: text.translate(HALF_WIDTH), id="typed-half-width"),
        pytest.param(lambda text: read_notice(as_word_document(text), "n.docx"), id="word"),
        # Word documents often give each 一是/二是 its own paragraph (a review found measures
        # under 整改情况： read as problems that way).
        pytest.param(lambda text: ONE_PER_SHI.sub("\n", text), id="one-paragraph-per-shi"),
    ],
)
def test_the_targets_hold_when_the_notices_are_typed_differently(
    corpus: Path, read: Callable[[str], str]
) -> None:
    assert failures(scores_of(corpus, read)) == []


def test_every_rounds_report_reads_back_as_its_problem_list() -> None:
    # The sample round and the round of every corpus notice: written as a report (.docx),
    # read back by the parser; every problem found, under its category, nothing extra.
    scores = round_trip(DEFAULT_CORPUS)
    assert len(scores) == 1 + len(json.loads((DEFAULT_CORPUS / "gold.json").read_text("utf-8")))
    for score in scores:
        assert (score.recall, score.precision) == (1.0, 1.0), (score.doc_id, score.missed)
        assert score.category_right == score.matched, score.doc_id
    t = totals(scores)
    # One measure of notice 05 reads as a statistics sentence ("采取了1项措施，其中…").
    assert t.measure_count_accuracy >= 0.998
