"""PDF notices: the text layer read into paragraphs; scans and damaged files refused clearly."""

from __future__ import annotations

import pytest

from domain.intake import notices
from domain.intake.notice_docx import read_notice
from domain.intake.notice_pdf import NoticeWithoutText, PdfUnreadable, paragraphs
from domain.texts import text
from tests.pdfs import pdf_with_text, pdf_without_text

NOTICE = [
    "关于巡察整改进展情况的通报",
    "一、整改进展情况",
    "（一）“党的建设”方面",
    "1.针对“学习贯彻习近平新时代中国特色社会主义思想",  # a heading wrapped at the page edge
    "不够深入”问题。",
    "一是开展专题学习，组织读书班3期。二是建立第一议题制度，",
    "全年落实42次。",
    "2.针对“基层党组织建设薄弱”问题。",
]
SECOND_PAGE = [
    "— 2 —",
    "一是整顿软弱涣散党组织5个。",
    "（二）“作风建设”方面",
    "1.针对“文山会海问题突出”问题。",
    "一是精简会议文件。",
]


def test_a_pdf_notice_reads_into_the_same_problems_as_its_text() -> None:
    outline = notices.read_outline(pdf_with_text([NOTICE, SECOND_PAGE]), "通报.pdf")
    found = [(p.title, len(p.measures)) for p in outline.problems]
    assert found == [
        ("学习贯彻习近平新时代中国特色社会主义思想不够深入", 2),
        ("基层党组织建设薄弱", 1),
        ("文山会海问题突出", 1),
    ]
    assert outline.problems[0].measures[1] == "建立第一议题制度，全年落实42次"


def test_page_lines_join_into_paragraphs_unless_a_sentence_ended_or_an_item_starts() -> None:
    lines = [
        "一是开展学习，",
        "形成报告。",
        "二是建立",
        "制度。",
        "（二）“作风”方面",
        "第一，精简会议",
    ]
    assert paragraphs(lines) == [
        "一是开展学习，形成报告。",
        "二是建立制度。",
        "（二）“作风”方面",
        "第一，精简会议",
    ]


def test_a_scanned_pdf_asks_for_docx_or_txt() -> None:
    with pytest.raises(NoticeWithoutText) as raised:
        read_notice(pdf_without_text(), "扫描件.pdf")
    said = text(raised.value.key, "zh", **raised.value.params)
    assert "“扫描件.pdf”是扫描件，没有可读取的文字层" in said
    assert ".docx 或 .txt" in said


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # cut short
        lambda data: data.replace(b"/Type /Pages", b"/Type /Pagez"),  # a broken tree
        lambda data: b"%PDF-1.7\n" + b"\x00" * 200,  # only a header
    ],
)
def test_a_damaged_pdf_is_refused_with_one_sentence(damage: object) -> None:
    data = damage(pdf_with_text([NOTICE]))  # type: ignore[operator]
    with pytest.raises((PdfUnreadable, NoticeWithoutText)) as raised:
        read_notice(data, "坏文件.pdf")
    assert "坏文件.pdf" in text(raised.value.key, "zh", **raised.value.params)
