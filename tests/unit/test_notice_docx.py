"""Reading notice files: .docx with Word's automatic numbering rebuilt, .txt, refused formats."""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from io import BytesIO

import pytest

import domain.intake.notice_docx as notice_docx
from domain.intake import notices
from domain.intake.headings import cn_number
from domain.intake.notice_docx import (
    NoticeFormatUnsupported,
    NoticeUnreadable,
    docx_paragraphs,
    format_number,
    read_notice,
)
from domain.intake.notice_parser import parse_notice

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/></Types>'
)

# Level 0: （一） in Chinese counting; level 1: 1. restarting under each category.
OUTLINE_LEVELS = [("chineseCounting", "（%1）", 1, None), ("decimal", "%2.", 1, None)]


def para(text: str, num: tuple[int, int] | None = None, style: str | None = None) -> str:
    """A w:p with optional (numId, ilvl) numbering and paragraph style."""
    ppr = ""
    if style:
        ppr += f'<w:pStyle w:val="{style}"/>'
    if num:
        ppr += f'<w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr>'
    runs = "".join(f"<w:r><w:t>{chunk}</w:t></w:r>" for chunk in text.split("|"))
    return f"<w:p><w:pPr>{ppr}</w:pPr>{runs}</w:p>"


def abstract(
    abstract_id: int, levels: Sequence[tuple[str, str, int, int | None]], styles: str = ""
) -> str:
    """An abstractNum; each level is (numFmt, lvlText, start, lvlRestart or None)."""
    body = ""
    for ilvl, (fmt, text, start, restart) in enumerate(levels):
        extra = f'<w:lvlRestart w:val="{restart}"/>' if restart is not None else ""
        body += (
            f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
            f'{extra}<w:lvlText w:val="{text}"/><w:suff w:val="nothing"/>{styles}</w:lvl>'
        )
    return f'<w:abstractNum w:abstractNumId="{abstract_id}">{body}</w:abstractNum>'


def num(num_id: int, abstract_id: int, start_override: int | None = None) -> str:
    override = (
        f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="{start_override}"/></w:lvlOverride>'
        if start_override is not None
        else ""
    )
    return f'<w:num w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>{override}</w:num>'


def docx(
    paragraphs: Sequence[str], numbering: str = "", styles: str = "", extra: str = ""
) -> bytes:
    """A minimal .docx holding the paragraphs and, if given, numbering.xml and styles.xml."""
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr(
            "word/document.xml",
            f'<?xml version="1.0" encoding="UTF-8"?>{extra}<w:document xmlns:w="{W}">'
            f"<w:body>{''.join(paragraphs)}</w:body></w:document>",
        )
        if numbering:
            archive.writestr(
                "word/numbering.xml", f'<w:numbering xmlns:w="{W}">{numbering}</w:numbering>'
            )
        if styles:
            archive.writestr("word/styles.xml", f'<w:styles xmlns:w="{W}">{styles}</w:styles>')
    return buffer.getvalue()


def test_paragraph_text_joins_runs_and_skips_empty_paragraphs() -> None:
    data = docx([para("关于|“学习”|问题"), para(""), para("整改情况：一是")])
    assert docx_paragraphs(data) == ["关于“学习”问题", "整改情况：一是"]


def test_outline_numbers_are_rebuilt_and_restart_under_each_category() -> None:
    data = docx(
        [
            para("党的建设方面", (1, 0)),
            para("学习不深入", (1, 1)),
            para("整改情况：一是加强学习。"),
            para("制度不健全", (1, 1)),
            para("作风建设方面", (1, 0)),
            para("会风不实", (1, 1)),
        ],
        abstract(0, OUTLINE_LEVELS) + num(1, 0),
    )
    assert docx_paragraphs(data) == [
        "（一）党的建设方面",
        "1.学习不深入",
        "整改情况：一是加强学习。",
        "2.制度不健全",
        "（二）作风建设方面",
        "1.会风不实",
    ]


def test_a_level_that_never_restarts_keeps_counting_across_categories() -> None:
    levels = [("chineseCounting", "（%1）", 1, None), ("decimal", "%2、", 1, 0)]
    data = docx(
        [para("甲", (1, 0)), para("a", (1, 1)), para("乙", (1, 0)), para("b", (1, 1))],
        abstract(0, levels) + num(1, 0),
    )
    assert docx_paragraphs(data) == ["（一）甲", "1、a", "（二）乙", "2、b"]


def test_start_values_and_a_start_override_restart_the_list() -> None:
    data = docx(
        [para("a", (1, 0)), para("b", (1, 0)), para("c", (2, 0))],
        abstract(0, [("decimal", "%1.", 3, None)]) + num(1, 0) + num(2, 0, start_override=1),
    )
    assert docx_paragraphs(data) == ["3.a", "4.b", "1.c"]


def test_two_instances_of_one_list_continue_its_numbering() -> None:
    data = docx(
        [para("a", (1, 0)), para("b", (2, 0))],
        abstract(0, [("decimal", "%1.", 1, None)]) + num(1, 0) + num(2, 0),
    )
    assert docx_paragraphs(data) == ["1.a", "2.b"]


def test_multi_level_text_uses_each_levels_format() -> None:
    levels = [("upperRoman", "%1.", 1, None), ("lowerLetter", "%1.%2)", 1, None)]
    data = docx(
        [para("x", (1, 0)), para("y", (1, 1)), para("z", (1, 1))],
        abstract(0, levels) + num(1, 0),
    )
    assert docx_paragraphs(data) == ["I.x", "I.a)y", "I.b)z"]


STYLES = (
    '<w:style w:type="paragraph" w:styleId="Problem"><w:pPr><w:numPr><w:ilvl w:val="1"/>'
    '<w:numId w:val="1"/></w:numPr></w:pPr></w:style>'
    '<w:style w:type="paragraph" w:styleId="ProblemRed"><w:basedOn w:val="Problem"/></w:style>'
    '<w:style w:type="paragraph" w:styleId="Category"><w:pPr><w:numPr><w:numId w:val="1"/>'
    "</w:numPr></w:pPr></w:style>"
)


def test_numbering_comes_from_the_paragraph_style_and_its_base_style() -> None:
    data = docx(
        [
            para("党的建设方面", style="Category"),
            para("学习不深入", style="Problem"),
            para("制度不健全", style="ProblemRed"),
        ],
        abstract(0, OUTLINE_LEVELS) + num(1, 0),
        STYLES,
    )
    assert docx_paragraphs(data) == ["（一）党的建设方面", "1.学习不深入", "2.制度不健全"]


def test_num_id_zero_switches_off_the_style_numbering() -> None:
    data = docx(
        [para("学习不深入", style="Problem"), para("说明", (0, 0), style="Problem")],
        abstract(0, OUTLINE_LEVELS) + num(1, 0),
        STYLES,
    )
    assert docx_paragraphs(data) == ["1.学习不深入", "说明"]


@pytest.mark.parametrize(
    ("n", "fmt", "expected"),
    [
        (1, "chineseCounting", "一"),
        (10, "chineseCounting", "十"),
        (11, "chineseCountingThousand", "十一"),
        (20, "chineseCounting", "二十"),
        (105, "chineseCountingThousand", "一百零五"),
        (3, "ideographTraditional", "丙"),
        (2, "lowerLetter", "b"),
        (27, "lowerLetter", "aa"),
        (4, "upperRoman", "IV"),
        (3, "decimalEnclosedCircle", "③"),
        (7, "decimal", "7"),
        (2, "chineseLegalSimplified", "贰"),
    ],
)
def test_number_formats(n: int, fmt: str, expected: str) -> None:
    assert format_number(n, fmt) == expected


def test_a_notice_in_word_with_automatic_numbering_parses_like_its_text() -> None:
    data = docx(
        [
            para("二、巡察反馈问题整改落实情况"),
            para("党的政治建设方面", (1, 0)),
            para("关于“理论学习不深入”的问题", (1, 1)),
            para("整改情况：一是制定学习计划。二是开展专题研讨。"),
            para("关于“意识形态责任制落实不到位”的问题", (1, 1)),
            para("整改情况：一是修订责任清单。"),
            para("作风建设方面", (1, 0)),
            para("关于“会风文风不实”的问题", (1, 1)),
            para("整改情况：一是精简会议。二是压减文件。三是通报典型。"),
            para("三、下一步工作打算"),
        ],
        abstract(0, OUTLINE_LEVELS) + num(1, 0),
    )
    outline = parse_notice(read_notice(data, "通报.docx"))
    assert [(p.category, p.title, len(p.measures)) for p in outline.problems] == [
        ("（一）党的政治建设方面", "理论学习不深入", 2),
        ("（一）党的政治建设方面", "意识形态责任制落实不到位", 1),
        ("（二）作风建设方面", "会风文风不实", 3),
    ]


def test_text_files_are_decoded_from_utf8_bom_utf16_and_gb18030() -> None:
    text = "1.关于“学习”问题\n整改情况：一是学习。"
    assert read_notice(text.encode("utf-8"), "a.txt") == text
    assert read_notice(b"\xef\xbb\xbf" + text.encode("utf-8"), "a.txt") == text
    assert read_notice(text.encode("utf-16"), "a.txt") == text
    assert read_notice(text.encode("gb18030"), "a.TXT") == text


@pytest.mark.parametrize(
    ("data", "name", "kind"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "通报.doc", ".doc / .wps"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "通报.docx", ".doc / .wps"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "通报.wps", ".doc / .wps"),
        (b"{\\rtf1\\ansi ...}", "通报.rtf", "RTF"),
        ("一、整改情况".encode(), "通报.html", "HTML"),
    ],
)
def test_other_formats_are_refused_by_their_content(data: bytes, name: str, kind: str) -> None:
    with pytest.raises(NoticeFormatUnsupported) as caught:
        read_notice(data, name)
    assert caught.value.key == "error.notice_format"
    assert caught.value.params == {"name": name, "kind": kind}


def test_a_zip_that_is_not_a_word_document_is_refused() -> None:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(NoticeFormatUnsupported):
        read_notice(buffer.getvalue(), "通报.docx")


@pytest.mark.parametrize(
    "data", [b"PK\x03\x04 this is not really a zip", "一、整改情况".encode()], ids=["zip", "text"]
)
def test_a_damaged_docx_is_refused(data: bytes) -> None:
    with pytest.raises(NoticeUnreadable) as caught:
        read_notice(data, "通报.docx")
    assert caught.value.key == "error.notice_damaged"
    assert caught.value.params == {"name": "通报.docx", "limit_mb": 50}


def test_a_zip_bomb_is_refused_before_it_is_inflated() -> None:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<a/>" + b" " * (4 * 1024 * 1024))
    assert len(buffer.getvalue()) < 100 * 1024  # inflates over 40 times its size
    with pytest.raises(NoticeUnreadable):
        read_notice(buffer.getvalue(), "炸弹.docx")


def test_too_much_uncompressed_content_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(notice_docx, "MAX_UNCOMPRESSED_BYTES", 1000)
    data = docx([para("字" * 1000)])
    with pytest.raises(NoticeUnreadable):
        read_notice(data, "大.docx")


def test_a_document_type_definition_is_refused() -> None:
    entities = '<!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
    data = docx([para("&b;")], extra=entities)
    with pytest.raises(NoticeUnreadable):
        read_notice(data, "实体.docx")


def utf16_document(body: str) -> bytes:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("word/document.xml", body.encode("utf-16"))
    return buffer.getvalue()


def test_a_document_type_definition_hidden_in_utf16_is_refused() -> None:
    body = (
        '<?xml version="1.0" encoding="UTF-16"?>'
        '<!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        f'<w:document xmlns:w="{W}"><w:body>{para("&b;")}</w:body></w:document>'
    )
    with pytest.raises(NoticeUnreadable) as caught:
        read_notice(utf16_document(body), "实体.docx")
    assert caught.value.key == "error.notice_damaged"


def test_a_deeply_nested_document_gets_the_clear_refusal() -> None:
    nested = "<w:sdt>" * 5000 + para("一、整改情况") + "</w:sdt>" * 5000
    with pytest.raises(NoticeUnreadable) as caught:
        read_notice(docx([nested]), "嵌套.docx")
    assert caught.value.key == "error.notice_damaged"


def tc(*paragraphs: str, merged: bool = False) -> str:
    """A table cell; `merged` continues the cell above (w:vMerge)."""
    props = "<w:tcPr><w:vMerge/></w:tcPr>" if merged else ""
    return "<w:tc>" + props + "".join(para(p) for p in paragraphs) + "</w:tc>"


def tr(*cells: str) -> str:
    return "<w:tr>" + "".join(cells) + "</w:tr>"


def test_a_problem_list_laid_out_as_a_table_reads_as_problems_with_their_measures() -> None:
    table = (
        "<w:tbl>"
        + tr(tc("序号"), tc("问题类别"), tc("存在问题"), tc("整改措施"), tc("责任单位"), tc("时限"))
        + tr(tc("1"), tc("党的建设方面"), tc("学习贯彻不够深入"),
             tc("1.开展专题学习", "2.建立督学机制"), tc("区委办"), tc("2026年12月"))
        + tr(tc("2"), tc("党的建设方面"), tc("基层组织薄弱"), tc("整顿软弱涣散党组织"),
             tc("组织部"), tc("长期"))
        + tr(tc(""), tc(""), tc(merged=True), tc("开展书记抓党建述职"), tc("组织部"), tc("2027年3月"))
        + tr(tc("3"), tc("作风建设"), tc("文山会海"), tc("精简会议文件"), tc("区委办"), tc("长期"))
        + "</w:tbl>"
    )  # fmt: skip
    data = docx([para("关于巡察整改进展情况的通报"), para("一、整改落实情况"), table])
    outline = notices.read_outline(data, "整改台账.docx")
    found = [(p.category, p.title, p.measures) for p in outline.problems]
    assert found == [
        ("（一）“党的建设”方面", "学习贯彻不够深入", ("开展专题学习", "建立督学机制")),
        ("（一）“党的建设”方面", "基层组织薄弱", ("整顿软弱涣散党组织", "开展书记抓党建述职")),
        ("（二）“作风建设”方面", "文山会海", ("精简会议文件",)),
    ]
    assert outline.not_understood == ()


def test_a_table_that_lists_no_problems_is_read_cell_by_cell() -> None:
    table = "<w:tbl>" + tr(tc("单位"), tc("人数")) + tr(tc("区委办"), tc("12")) + "</w:tbl>"
    assert docx_paragraphs(docx([para("附表"), table])) == ["附表", "单位", "人数", "区委办", "12"]


def test_a_list_defined_through_a_numbering_style_is_numbered_by_that_style() -> None:
    # Word's numStyleLink: list 2 says "use the list style 整改编号", whose own list (1) holds
    # the levels; paragraphs of either list count together.
    numbering = (
        abstract(1, [("chineseCounting", "%1、", 1, None)]).replace(
            "<w:lvl ", '<w:styleLink w:val="整改编号"/><w:lvl ', 1
        )
        + '<w:abstractNum w:abstractNumId="2"><w:numStyleLink w:val="整改编号"/></w:abstractNum>'
        + num(1, 1)
        + num(2, 2)
    )
    styles = (
        '<w:style w:type="numbering" w:styleId="整改编号"><w:pPr><w:numPr>'
        '<w:numId w:val="1"/></w:numPr></w:pPr></w:style>'
    )
    data = docx(
        [para("整改进展情况", num=(2, 0)), para("下一步工作", num=(2, 0))], numbering, styles
    )
    assert docx_paragraphs(data) == ["一、整改进展情况", "二、下一步工作"]


def wide(text: str, span: int) -> str:
    """A cell spanning `span` grid columns."""
    return f'<w:tc><w:tcPr><w:gridSpan w:val="{span}"/></w:tcPr>{para(text)}</w:tc>'


def test_a_table_with_category_rows_across_it_and_wide_cells_reads_by_grid_column() -> None:
    table = (
        "<w:tbl>"
        + tr(tc("序号"), tc("存在问题"), tc("整改措施"), tc("责任单位"))
        + tr(wide("一、党的建设方面", 4))  # a category row, one cell across the table
        + tr(tc("1"), tc("学习不够深入"), tc("开展专题学习"), tc("区委办"))
        + tr(wide("二、作风建设方面", 4))
        + tr(wide("2 文山会海", 2), tc("精简会议"), tc("区委办"))  # number and problem merged
        + "</w:tbl>"
    )
    outline = notices.read_outline(docx([para("一、整改落实情况"), table]), "t.docx")
    found = [(p.category, p.title, p.measures) for p in outline.problems]
    assert found == [
        ("（一）“党的建设”方面", "学习不够深入", ("开展专题学习",)),
        ("（二）“作风建设”方面", "2 文山会海", ("精简会议",)),
    ]


def test_large_counts_fall_back_to_arabic_numerals() -> None:
    assert [cn_number(n) for n in (1, 10, 12, 35, 99, 100, 123)] == [
        "一", "十", "十二", "三十五", "九十九", "100", "123"
    ]  # fmt: skip
