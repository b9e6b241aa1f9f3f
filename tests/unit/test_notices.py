"""The pre-filled workbook of a notice: one row per measure, prose split into its sentences."""

from __future__ import annotations

from pathlib import Path

from domain.intake import notices
from domain.intake.notices import split_prose

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus" / "notices"


def test_a_prose_paragraph_of_measures_becomes_one_measure_per_sentence() -> None:
    paragraph = (
        "召开专题会议，研究制定《关于加强“第一议题”制度落实的意见；试行》。"
        "建立督学机制；开展述学评学，形成问题清单。同时，强化结果运用。共3次。"
    )
    assert split_prose(paragraph) == [
        "召开专题会议，研究制定《关于加强“第一议题”制度落实的意见；试行》",  # 《…；…》 kept
        "建立督学机制",
        "开展述学评学，形成问题清单",
        "同时，强化结果运用；共3次",  # a fragment stays with the sentence before it
    ]


def test_the_putuo_notice_prefills_a_row_per_sentence_of_its_prose_measures() -> None:
    outline = notices.read_outline((CORPUS / "36.txt").read_bytes(), "36.txt")
    rows = notices.numbered_rows(outline)
    assert len(outline.problems) == 41
    assert len(rows) == 175  # was 41, one row per problem; the hand-made sample has 152
    assert rows[1][0] == "1.2"
    assert (
        rows[1][3]
        == "召开十一届区委六次、七次全会,对标市委部署要求,细化制定2个行动方案和43项具体举措"
    )


def test_enumerated_measures_are_not_split_further() -> None:
    text = "二、整改情况\n1.针对“学习不深”问题。\n一是开展学习。形成报告。二是建立制度。\n"
    rows = notices.numbered_rows(notices.read_outline(text.encode(), "n.txt"))
    assert [r[3] for r in rows] == ["开展学习。形成报告", "建立制度"]
