"""The monthly bulletin: a GB/T 9704-style .docx that python-docx can read back."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

import pytest
from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.text import WD_LINE_SPACING, WD_PARAGRAPH_ALIGNMENT
from docx.oxml.ns import qn
from docx.shared import Length, Pt
from docx.text.paragraph import Paragraph

from domain.rhythm.bulletin_doc import (
    RANKING_HEADER,
    BulletinContent,
    BulletinFonts,
    OverdueItem,
    RankingRow,
    bulletin_docx,
    chinese_date,
    clean_text,
)

TITLE = "关于2026年12月巡察整改工作进展情况的通报"
SUMMARY = "反馈的41项问题已完成整改39项，整改措施152条已完成145条。"
ISSUER = "区委巡察整改工作领导小组办公室"


def content(**changes: object) -> BulletinContent:
    base = BulletinContent(
        title=TITLE,
        issuer=ISSUER,
        issued_on=date(2027, 1, 5),
        month_label="2026年12月",
        summary=SUMMARY,
        changes=["本月新增完成整改措施9条。", "逾期措施由11条减少至7条。"],
        ranking=[
            RankingRow(
                rank=1,
                unit="区科委",
                total=10,
                closed=10,
                completion_rate=1.0,
                on_time_rate=0.9,
                overdue=0,
                change=12.5,
            ),
            RankingRow(
                rank=2,
                unit="区发展和改革委员会",
                total=12,
                closed=9,
                completion_rate=0.75,
                on_time_rate=0.6667,
                overdue=2,
                change=-3.04,
            ),
            RankingRow(
                rank=3,
                unit="桃浦镇",
                total=8,
                closed=4,
                completion_rate=0.5,
                on_time_rate=0.5,
                overdue=1,
                change=None,
            ),
        ],
        overdue=[
            OverdueItem(
                number="1.3",
                measure="建立科研经费监督管理制度",
                unit="区发展和改革委员会",
                owner="王伟",
                due_on=date(2026, 12, 31),
                days_overdue=5,
            ),
            OverdueItem(
                number="2.1",
                measure="开展专项检查",
                unit="桃浦镇",
                owner="李娜",
                due_on=date(2026, 11, 30),
                days_overdue=36,
            ),
        ],
        notes=["各单位要压实整改责任。", "领导小组办公室将持续跟踪督办。"],
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def opened(bulletin: BulletinContent) -> DocumentObject:
    return Document(io.BytesIO(bulletin_docx(bulletin)))


def texts(doc: DocumentObject) -> list[str]:
    return [p.text for p in doc.paragraphs]


def paragraph_with(doc: DocumentObject, text: str) -> Paragraph:
    return next(p for p in doc.paragraphs if p.text == text)


def font_slots(paragraph: Paragraph) -> dict[str, str]:
    """Return the first run's rFonts attributes by slot name (ascii, hAnsi, eastAsia...)."""
    rpr = paragraph.runs[0]._r.rPr
    assert rpr is not None
    fonts = rpr.rFonts
    assert fonts is not None
    return {qname.split("}")[-1]: str(value) for qname, value in fonts.attrib.items()}


def east_asian_font(paragraph: Paragraph) -> str | None:
    return font_slots(paragraph).get("eastAsia")


def test_the_bytes_are_a_docx_that_python_docx_opens() -> None:
    data = bulletin_docx(content())

    assert data[:2] == b"PK"
    assert Document(io.BytesIO(data)).paragraphs


def test_the_title_comes_first_centred_in_22_pt_with_the_east_asian_font_named() -> None:
    doc = opened(content())
    title = doc.paragraphs[0]

    assert title.text == TITLE
    assert title.alignment == WD_PARAGRAPH_ALIGNMENT.CENTER
    assert title.runs[0].font.size == Pt(22)
    slots = font_slots(title)
    assert slots["eastAsia"] == "方正小标宋简体"
    assert slots["ascii"] == slots["hAnsi"] == "方正小标宋简体"


def test_the_page_is_a4_with_gb_t_9704_margins() -> None:
    section = opened(content()).sections[0]

    assert section.page_width is not None
    assert section.page_height is not None
    assert section.page_width.mm == pytest.approx(210, abs=0.1)
    assert section.page_height.mm == pytest.approx(297, abs=0.1)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [m.mm if m is not None else None for m in margins] == [
        pytest.approx(37, abs=0.1),
        pytest.approx(35, abs=0.1),
        pytest.approx(28, abs=0.1),
        pytest.approx(26, abs=0.1),
    ]


def test_the_sections_come_in_order_with_black_and_kai_headings() -> None:
    doc = opened(content())
    lines = texts(doc)
    headings = ["一、总体进展", "二、各单位整改进度排名", "三、逾期未完成事项", "四、工作要求"]

    positions = [lines.index(h) for h in headings]

    assert positions == sorted(positions)
    assert all(east_asian_font(paragraph_with(doc, h)) == "黑体" for h in headings)
    assert east_asian_font(paragraph_with(doc, "（一）整改完成情况")) == "楷体_GB2312"
    assert east_asian_font(paragraph_with(doc, "（二）较上月变化")) == "楷体_GB2312"


def test_the_intro_names_the_month_and_the_summary_and_changes_follow_in_section_one() -> None:
    lines = texts(opened(content()))

    assert lines[1] == "现将2026年12月整改工作进展情况通报如下。"
    start = lines.index("一、总体进展")
    assert lines[start + 2] == SUMMARY
    assert lines[start + 4 : start + 6] == [
        "本月新增完成整改措施9条。",
        "逾期措施由11条减少至7条。",
    ]


def test_without_changes_section_one_is_the_summary_alone() -> None:
    lines = texts(opened(content(changes=[])))

    start = lines.index("一、总体进展")
    assert lines[start + 1] == SUMMARY
    assert "（二）较上月变化" not in lines


def test_body_text_is_fangsong_16_pt_indented_two_characters_on_exact_lines() -> None:
    doc = opened(content())
    body = paragraph_with(doc, SUMMARY)
    normal = doc.styles["Normal"]

    assert east_asian_font(body) == "仿宋_GB2312"
    assert body.runs[0].font.size == Pt(16)
    assert body.paragraph_format.first_line_indent == Pt(32)
    ppr = body._p.pPr
    assert ppr is not None
    assert ppr.ind is not None
    assert ppr.ind.get(qn("w:firstLineChars")) == "200"
    assert normal.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    spacing = normal.paragraph_format.line_spacing
    assert isinstance(spacing, Length)
    assert 28 <= spacing.pt <= 29


def test_the_ranking_table_has_the_header_and_one_row_per_unit() -> None:
    doc = opened(content())

    assert len(doc.tables) == 1
    rows = [[cell.text for cell in row.cells] for row in doc.tables[0].rows]
    assert tuple(rows[0]) == RANKING_HEADER
    assert rows[0] == ["排名", "单位", "措施数", "已完成", "完成率", "按期率", "逾期", "较上月"]
    assert rows[1:] == [
        ["1", "区科委", "10", "10", "100.0%", "90.0%", "0", "+12.5"],
        ["2", "区发展和改革委员会", "12", "9", "75.0%", "66.7%", "2", "-3.0"],
        ["3", "桃浦镇", "8", "4", "50.0%", "50.0%", "1", "—"],
    ]


def test_the_ranking_header_repeats_on_every_page() -> None:
    header = opened(content()).tables[0].rows[0]

    assert header._tr.trPr is not None
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None


def test_an_empty_ranking_reads_none_instead_of_a_table() -> None:
    doc = opened(content(ranking=[]))
    lines = texts(doc)

    assert doc.tables == []
    assert lines[lines.index("二、各单位整改进度排名") + 1] == "无。"


def test_overdue_items_are_numbered_lines_with_unit_owner_deadline_and_days() -> None:
    lines = texts(opened(content()))

    start = lines.index("三、逾期未完成事项")
    assert lines[start + 1 : start + 3] == [
        "1. 【1.3】建立科研经费监督管理制度"
        "（责任单位：区发展和改革委员会，责任人：王伟，时限：2026-12-31，逾期5天）",
        "2. 【2.1】开展专项检查（责任单位：桃浦镇，责任人：李娜，时限：2026-11-30，逾期36天）",
    ]


def test_no_overdue_items_reads_none() -> None:
    lines = texts(opened(content(overdue=[])))

    assert lines[lines.index("三、逾期未完成事项") + 1] == "无。"


def test_without_notes_the_requirements_section_is_left_out() -> None:
    lines = texts(opened(content(notes=[])))

    assert not any(line.endswith("工作要求") for line in lines)


def test_the_signature_ends_the_document_right_aligned_with_issuer_and_chinese_date() -> None:
    paragraphs = opened(content()).paragraphs

    issuer, issued = paragraphs[-2], paragraphs[-1]
    assert (issuer.text, issued.text) == (ISSUER, "2027年1月5日")
    assert issuer.alignment == WD_PARAGRAPH_ALIGNMENT.RIGHT
    assert issued.alignment == WD_PARAGRAPH_ALIGNMENT.RIGHT
    assert issuer.paragraph_format.right_indent == Pt(32)
    # The date starts two characters right of the issuer's first character.
    assert issued.paragraph_format.right_indent == Pt(16 * (2 + 15 - (6 + 2)))


def test_a_short_issuer_is_pushed_right_of_the_longer_date() -> None:
    paragraphs = opened(content(issuer="区委办")).paragraphs

    issuer, issued = paragraphs[-2], paragraphs[-1]
    assert issued.paragraph_format.right_indent == Pt(32)
    assert issuer.paragraph_format.right_indent == Pt(16 * (2 + 6 + 2 - 3))


def test_the_footer_holds_a_page_field_between_dashes() -> None:
    footer = opened(content()).sections[0].footer.paragraphs[0]
    xml = footer._p.xml

    assert footer.alignment == WD_PARAGRAPH_ALIGNMENT.CENTER
    assert footer.text.startswith("— ")
    assert footer.text.endswith(" —")
    assert "PAGE" in xml
    assert xml.count("w:fldCharType") == 3


def test_control_characters_are_stripped_and_markup_characters_kept() -> None:
    dirty = "区\x00科委<&>\x0b"
    bulletin = content(
        title=f"通报\x00{dirty}",
        summary=f"摘要{dirty}",
        changes=[f"变化{dirty}"],
        ranking=[replace(content().ranking[0], unit=dirty)],
        overdue=[replace(content().overdue[0], measure=dirty, owner="王\x1f伟\n")],
        notes=[f"要求{dirty}"],
        issuer=f"办公室\x0c{dirty}",
        month_label="2026年\x0812月",
    )

    doc = opened(bulletin)

    lines = texts(doc)
    assert lines[0] == "通报区科委<&>"
    assert "摘要区科委<&>" in lines
    assert "变化区科委<&>" in lines
    assert "要求区科委<&>" in lines
    assert lines[1] == "现将2026年12月整改工作进展情况通报如下。"
    assert doc.tables[0].rows[1].cells[1].text == "区科委<&>"
    assert any(
        line.startswith("1. 【1.3】区科委<&>（") and "责任人：王伟，" in line for line in lines
    )
    assert lines[-2] == "办公室区科委<&>"
    assert not any(ch in "".join(lines) for ch in "\x00\x0b\x0c\x1f\x08")


def test_clean_text_drops_invalid_xml_and_folds_line_breaks() -> None:
    assert clean_text("a\x00b\x0bc\ud800d\r\n\te <&>\ufffe") == "abcd e <&>"


def test_dates_are_written_without_leading_zeros() -> None:
    assert chinese_date(date(2027, 1, 5)) == "2027年1月5日"


def test_the_font_names_can_be_swapped_for_offices_without_gb2312_fonts() -> None:
    fonts = BulletinFonts(title="宋体", body="仿宋", heading2="楷体")

    doc = Document(io.BytesIO(bulletin_docx(content(), fonts=fonts)))

    assert east_asian_font(doc.paragraphs[0]) == "宋体"
    assert east_asian_font(paragraph_with(doc, SUMMARY)) == "仿宋"
    assert east_asian_font(paragraph_with(doc, "（一）整改完成情况")) == "楷体"


def test_the_number_line_comes_above_the_title_and_the_addressee_below_it() -> None:
    doc = opened(content(doc_number="〔2027〕　号", addressee="各责任单位："))
    lines = texts(doc)
    assert lines[:3] == ["〔2027〕　号", TITLE, "各责任单位："]
    assert doc.paragraphs[0].alignment == WD_PARAGRAPH_ALIGNMENT.CENTER
    addressee = doc.paragraphs[2]
    assert addressee.alignment == WD_PARAGRAPH_ALIGNMENT.LEFT
    assert not addressee.paragraph_format.first_line_indent  # flush left, as 主送 is


def test_tied_units_read_as_tied_and_the_rule_is_stated() -> None:
    tied = [replace(row, rank=1, tied=True) for row in content().ranking[:2]]
    doc = opened(content(ranking=tied, rank_rule="（三项均相同者并列）"))
    rows = [[cell.text for cell in row.cells] for row in doc.tables[0].rows]
    assert [row[0] for row in rows[1:]] == ["并列1", "并列1"]
    assert any(line.endswith("（三项均相同者并列）") for line in texts(doc))


def test_the_months_red_items_have_their_own_section_before_the_requirements() -> None:
    line = (
        "1. 【1.3】建立科研经费监督管理制度（责任单位：区发改委，责任人：王伟；"
        "本月2次周报列为红灯，现状：进度40%）"
    )
    found = texts(opened(content(red_listed=[line])))
    heading = found.index("四、本月周报红灯事项")
    assert found[heading + 1] == line
    assert found[heading + 2] == "五、工作要求"
    assert "本月周报红灯事项" not in "".join(texts(opened(content())))
