"""The monthly bulletin (通报) as a printable .docx in the style of GB/T 9704 official documents."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Final

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_LINE_SPACING, WD_PARAGRAPH_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from domain.intake.headings import cn_number


@dataclass(frozen=True)
class RankingRow:
    """One unit's line of the ranking table; rates are fractions from 0 to 1."""

    rank: int
    unit: str
    total: int
    closed: int
    completion_rate: float
    on_time_rate: float
    overdue: int
    change: float | None  # change of completion rate vs last month, in percentage points
    tied: bool = False  # equal to another unit on every ranking rule


@dataclass(frozen=True)
class OverdueItem:
    """One measure past its deadline and not signed off."""

    number: str
    measure: str
    unit: str
    owner: str
    due_on: date
    days_overdue: int


@dataclass(frozen=True)
class BulletinContent:
    """Everything one month's bulletin says."""

    title: str
    issuer: str
    issued_on: date
    month_label: str  # e.g. "2026年12月"
    summary: str  # the formal headline sentence(s)
    changes: list[str]  # month-over-month change sentences
    ranking: list[RankingRow]
    overdue: list[OverdueItem]
    notes: list[str]  # closing requirements paragraphs
    red_listed: list[str] = field(default_factory=list)  # the month's digests' red, worded
    doc_number: str = ""  # 发文字号 with a blank for the coordinator, e.g. "〔2026〕　号"
    addressee: str = ""  # 主送机关, e.g. "各责任单位："
    rank_rule: str = ""  # how the ranking is ordered and when units are tied
    lookback: str = ""  # the month's 回头看, one sentence


@dataclass(frozen=True)
class BulletinFonts:
    """Font names the document asks for; the printing office's machine supplies them."""

    title: str = "方正小标宋简体"
    body: str = "仿宋_GB2312"
    heading1: str = "黑体"
    heading2: str = "楷体_GB2312"
    latin: str = "Times New Roman"  # digits and Latin letters in the body and table
    page_number: str = "宋体"


DEFAULT_FONTS: Final = BulletinFonts()

RANKING_HEADER: Final = ("排名", "单位", "措施数", "已完成", "完成率", "按期率", "逾期", "较上月")

# GB/T 9704-2012: A4, type area 156 mm x 225 mm, 22 lines of 28 characters in 3号 (16 pt).
_TOP, _BOTTOM, _LEFT, _RIGHT = Mm(37), Mm(35), Mm(28), Mm(26)
_BODY_PT = 16.0
_TITLE_PT = 22.0
_TABLE_PT = 12.0
_PAGE_NUMBER_PT = 14.0
_LINE_TWIPS = 579  # 225 mm / 22 lines = 28.95 pt
_LINE = Pt(_LINE_TWIPS / 20)
_TITLE_LINE = Pt(35)
_TABLE_LINE = Pt(20)
_COLUMN_MM = (14, 44, 17, 17, 17, 17, 13, 17)  # sums to the 156 mm type area

# XML 1.0 forbids most C0 controls, surrogates and U+FFFE/U+FFFF, and lxml raises on them;
# C1 controls are allowed but only ever invisible junk pasted from elsewhere.
_XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_LINE_BREAKS = re.compile(r"[\t\r\n]+")
_DIGIT_HYPHEN = re.compile(r"(?<=\d)-(?=\d)")
_AFTER_SNAP_TO_GRID = (
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)
_AFTER_LANG = ("w:eastAsianLayout", "w:specVanish", "w:oMath")


def bulletin_docx(content: BulletinContent, *, fonts: BulletinFonts = DEFAULT_FONTS) -> bytes:
    """Lay out the month's bulletin as an A4 .docx and return its bytes."""
    doc = Document()
    _set_up_page(doc, fonts)
    _set_up_normal_style(doc, fonts)
    _set_properties(doc, content)

    if content.doc_number:
        _line(doc, content.doc_number, fonts, WD_PARAGRAPH_ALIGNMENT.CENTER)
    _title(doc, content.title, fonts)
    if content.addressee:
        _line(doc, content.addressee, fonts, WD_PARAGRAPH_ALIGNMENT.LEFT)
    _body(doc, f"现将{clean_text(content.month_label)}整改工作进展情况通报如下。", fonts)

    sections = _SectionNumbers()
    _heading1(doc, f"{sections.next()}总体进展", fonts)
    changes = [c for c in (clean_text(c) for c in content.changes) if c]
    if changes:
        _heading2(doc, "（一）整改完成情况", fonts)
        _body(doc, content.summary, fonts)
        _heading2(doc, "（二）较上月变化", fonts)
        for sentence in changes:
            _body(doc, sentence, fonts)
    else:
        _body(doc, content.summary, fonts)

    _heading1(doc, f"{sections.next()}各单位整改进度排名", fonts)
    if content.ranking:
        _ranking_table(doc, content.ranking, fonts)
        rule = clean_text(content.rank_rule)
        _body(
            doc,
            "注：较上月为完成率较上月的变化，单位为百分点；“—”表示无上月数据。" + (rule or ""),
            fonts,
        )
    else:
        _body(doc, "无。", fonts)

    _heading1(doc, f"{sections.next()}逾期未完成事项", fonts)
    if content.overdue:
        for index, item in enumerate(content.overdue, start=1):
            _body(doc, overdue_line(index, item), fonts)
    else:
        _body(doc, "无。", fonts)

    red = [r for r in (clean_text(r) for r in content.red_listed) if r]
    if red:
        _heading1(doc, f"{sections.next()}本月周报红灯事项", fonts)
        for line in red:
            _body(doc, line, fonts)

    if clean_text(content.lookback):
        _heading1(doc, f"{sections.next()}回头看情况", fonts)
        _body(doc, clean_text(content.lookback), fonts)

    notes = [n for n in (clean_text(n) for n in content.notes) if n]
    if notes:
        _heading1(doc, f"{sections.next()}工作要求", fonts)
        for note in notes:
            _body(doc, note, fonts)

    _signature(doc, content.issuer, content.issued_on, fonts)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def overdue_line(index: int, item: OverdueItem) -> str:
    """Word one overdue measure as a numbered line of section 三."""
    number = clean_text(item.number)
    label = f"【{number}】" if number else ""
    return (
        f"{index}. {label}{clean_text(item.measure)}"
        f"（责任单位：{clean_text(item.unit)}，责任人：{clean_text(item.owner)}，"
        f"时限：{item.due_on.isoformat()}，逾期{item.days_overdue}天）"
    )


def clean_text(text: str) -> str:
    """Drop characters XML cannot hold and fold line breaks and tabs into single spaces."""
    return _LINE_BREAKS.sub(" ", _XML_INVALID.sub("", text)).strip()


def chinese_date(day: date) -> str:
    """Write a date as 2026年12月31日, without leading zeros, as GB/T 9704 asks."""
    return f"{day.year}年{day.month}月{day.day}日"


class _SectionNumbers:
    # Numbers level-1 headings in order, so an omitted section leaves no gap.
    def __init__(self) -> None:
        self._count = 0

    def next(self) -> str:
        self._count += 1
        return f"{cn_number(self._count)}、"


def _set_up_page(doc: DocumentObject, fonts: BulletinFonts) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = _TOP, _BOTTOM
    section.left_margin, section.right_margin = _LEFT, _RIGHT
    section.header_distance = Mm(15)
    # The page number's dash sits about 7 mm below the type area.
    section.footer_distance = Mm(21)
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    # A line grid only: a character grid (28 a line) is read differently by Word, WPS and
    # LibreOffice, and the latter spreads every character over two cells.
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(_LINE_TWIPS))
    _page_number_footer(section.footer.paragraphs[0], fonts)


def _page_number_footer(paragraph: Paragraph, fonts: BulletinFonts) -> None:
    paragraph.alignment = WD_PARAGRAPH_ALIGNMENT.CENTER
    _no_grid(paragraph)

    def run(text: str = "") -> Run:
        added = paragraph.add_run(text)
        _set_fonts(added, fonts.page_number, fonts.page_number, _PAGE_NUMBER_PT)
        return added

    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = " PAGE "
    run("— ")
    run()._r.append(_field_char("begin"))
    run()._r.append(instruction)
    run()._r.append(_field_char("separate"))
    run("1")  # the field's cached value, for viewers that do not update fields
    run()._r.append(_field_char("end"))
    run(" —")


def _field_char(kind: str) -> BaseOxmlElement:
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    return char


def _set_up_normal_style(doc: DocumentObject, fonts: BulletinFonts) -> None:
    normal = doc.styles["Normal"]
    form = normal.paragraph_format
    form.space_before = Pt(0)
    form.space_after = Pt(0)
    form.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    form.line_spacing = _LINE
    normal.font.size = Pt(_BODY_PT)
    rpr = normal.element.get_or_add_rPr()
    _name_fonts(rpr, fonts.body, fonts.latin)
    # Chinese as the East Asian language, so Word applies Chinese line-breaking rules.
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.insert_element_before(lang, *_AFTER_LANG)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")


def _set_properties(doc: DocumentObject, content: BulletinContent) -> None:
    props = doc.core_properties
    props.title = clean_text(content.title)
    props.author = clean_text(content.issuer)
    props.last_modified_by = clean_text(content.issuer)
    props.subject = clean_text(content.month_label)
    props.comments = ""
    props.keywords = ""
    props.language = "zh-CN"
    props.revision = 1
    issued = datetime(content.issued_on.year, content.issued_on.month, content.issued_on.day)
    props.created = issued
    props.modified = issued


def _title(doc: DocumentObject, text: str, fonts: BulletinFonts) -> None:
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_PARAGRAPH_ALIGNMENT.CENTER
    form = paragraph.paragraph_format
    form.line_spacing = _TITLE_LINE
    form.space_after = _LINE  # one blank line between title and text
    _no_grid(paragraph)
    run = paragraph.add_run(clean_text(text))
    _set_fonts(run, fonts.title, fonts.title, _TITLE_PT)


def _line(
    doc: DocumentObject, text: str, fonts: BulletinFonts, alignment: WD_PARAGRAPH_ALIGNMENT
) -> None:
    """A line without first-line indent: the document number, the addressee."""
    paragraph = doc.add_paragraph()
    paragraph.alignment = alignment
    run = paragraph.add_run(clean_text(text))
    _set_fonts(run, fonts.body, fonts.latin, _BODY_PT)


def _body(doc: DocumentObject, text: str, fonts: BulletinFonts) -> Paragraph:
    paragraph = doc.add_paragraph()
    _indent_first_line(paragraph)
    paragraph.alignment = WD_PARAGRAPH_ALIGNMENT.JUSTIFY
    run = paragraph.add_run()
    # Hyphens between digits (dates such as 2026-12-31) must not end a line.
    for index, part in enumerate(_DIGIT_HYPHEN.split(clean_text(text))):
        if index:
            run._r.append(OxmlElement("w:noBreakHyphen"))
        if part:
            run._r.add_t(part)
    _set_fonts(run, fonts.body, fonts.latin, _BODY_PT)
    return paragraph


def _heading1(doc: DocumentObject, text: str, fonts: BulletinFonts) -> None:
    paragraph = doc.add_paragraph()
    _indent_first_line(paragraph)
    paragraph.paragraph_format.keep_with_next = True
    run = paragraph.add_run(text)
    _set_fonts(run, fonts.heading1, fonts.heading1, _BODY_PT)


def _heading2(doc: DocumentObject, text: str, fonts: BulletinFonts) -> None:
    paragraph = doc.add_paragraph()
    _indent_first_line(paragraph)
    paragraph.paragraph_format.keep_with_next = True
    run = paragraph.add_run(text)
    _set_fonts(run, fonts.heading2, fonts.heading2, _BODY_PT)


def _ranking_table(doc: DocumentObject, rows: list[RankingRow], fonts: BulletinFonts) -> None:
    table = doc.add_table(rows=1, cols=len(RANKING_HEADER))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    # Narrow side padding (1 mm), so "100.0%" fits its column on one line.
    margins = OxmlElement("w:tblCellMar")
    for side in ("w:left", "w:right"):
        margin = OxmlElement(side)
        margin.set(qn("w:w"), "57")
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    table._tbl.tblPr.insert_element_before(margins, "w:tblLook", "w:tblCaption")
    header = table.rows[0]
    # Repeat the header row on every page the table runs onto.
    header._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for cell, text in zip(header.cells, RANKING_HEADER, strict=True):
        _cell_text(cell.paragraphs[0], text, fonts.heading1, fonts.heading1)
    for row in rows:
        values = (
            f"并列{row.rank}" if row.tied else str(row.rank),
            clean_text(row.unit),
            str(row.total),
            str(row.closed),
            _percent(row.completion_rate),
            _percent(row.on_time_rate),
            str(row.overdue),
            _points(row.change),
        )
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            _cell_text(cell.paragraphs[0], text, fonts.body, fonts.latin)
    for line in table.rows:
        line.height = Mm(8)
        line.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
        for cell, width in zip(line.cells, _COLUMN_MM, strict=True):
            cell.width = Mm(width)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    for column, width in zip(table.columns, _COLUMN_MM, strict=True):
        column.width = Mm(width)


def _cell_text(paragraph: Paragraph, text: str, east_asia: str, latin: str) -> None:
    paragraph.alignment = WD_PARAGRAPH_ALIGNMENT.CENTER
    form = paragraph.paragraph_format
    form.line_spacing = _TABLE_LINE
    form.first_line_indent = Pt(0)
    _no_grid(paragraph)
    _set_fonts(paragraph.add_run(text), east_asia, latin, _TABLE_PT)


def _signature(doc: DocumentObject, issuer: str, issued_on: date, fonts: BulletinFonts) -> None:
    # GB/T 9704 7.3.5.2 (no seal): the issuer 2 characters from the right, the date on the next
    # line starting 2 characters further right; a longer date pushes the issuer right instead.
    name = clean_text(issuer)
    when = chinese_date(issued_on)
    name_width, date_width = _width_in_chars(name), _width_in_chars(when)
    if date_width + 2 <= name_width:
        name_right, date_right = 2.0, 2.0 + name_width - (date_width + 2)
    else:
        name_right, date_right = 2.0 + date_width + 2 - name_width, 2.0
    doc.add_paragraph()  # one blank line below the text
    for text, right in ((name, name_right), (when, date_right)):
        paragraph = doc.add_paragraph()
        paragraph.alignment = WD_PARAGRAPH_ALIGNMENT.RIGHT
        paragraph.paragraph_format.right_indent = Pt(_BODY_PT * right)
        _set_fonts(paragraph.add_run(text), fonts.body, fonts.latin, _BODY_PT)


def _width_in_chars(text: str) -> float:
    # Digits and Latin letters are half as wide as a Chinese character.
    return sum(0.5 if ord(c) < 0x2E80 else 1.0 for c in text)


def _percent(rate: float) -> str:
    return f"{rate * 100:.1f}%"


def _points(change: float | None) -> str:
    if change is None:
        return "—"
    return "0.0" if round(change, 1) == 0 else f"{change:+.1f}"


def _indent_first_line(paragraph: Paragraph) -> None:
    paragraph.paragraph_format.first_line_indent = Pt(_BODY_PT * 2)
    # firstLineChars keeps the indent at two characters even if the font size changes.
    ind = paragraph._p.get_or_add_pPr().get_or_add_ind()
    ind.set(qn("w:firstLineChars"), "200")


def _no_grid(paragraph: Paragraph) -> None:
    # Off the 28.95 pt line grid, so the title, table and footer keep their own line heights.
    ppr = paragraph._p.get_or_add_pPr()
    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "0")
    ppr.insert_element_before(snap, *_AFTER_SNAP_TO_GRID)


def _set_fonts(run: Run, east_asia: str, latin: str, size: float) -> None:
    run.font.size = Pt(size)
    _name_fonts(run._r.get_or_add_rPr(), east_asia, latin)


def _name_fonts(rpr: BaseOxmlElement, east_asia: str, latin: str) -> None:
    # python-docx sets only the Latin slots; Chinese text takes the eastAsia one.
    fonts = rpr.get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(slot), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:hint"), "eastAsia")  # quotes and dashes take the Chinese font too
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)  # a theme font would win over the names


class OfficialDocument:
    """A GB/T 9704 document built paragraph by paragraph: the bulletin's layout, for others.

    The rectification report (domain/records/rectification_report.py) writes through this, so both
    documents share page, fonts, headings and signature.
    """

    def __init__(self, title: str, author: str, issued_on: date, *,
                 fonts: BulletinFonts = DEFAULT_FONTS) -> None:  # fmt: skip
        self._doc = Document()
        self._fonts = fonts
        _set_up_page(self._doc, fonts)
        _set_up_normal_style(self._doc, fonts)
        props = self._doc.core_properties
        props.title, props.author = clean_text(title), clean_text(author)
        props.last_modified_by, props.language, props.comments = clean_text(author), "zh-CN", ""
        props.revision = 1
        props.created = props.modified = datetime(issued_on.year, issued_on.month, issued_on.day)

    def line(self, text: str, *, centred: bool = False) -> None:
        """A line without indent: the document number (centred), the addressee."""
        alignment = WD_PARAGRAPH_ALIGNMENT.CENTER if centred else WD_PARAGRAPH_ALIGNMENT.LEFT
        _line(self._doc, text, self._fonts, alignment)

    def title(self, text: str) -> None:
        """The title, in 2号 小标宋, a blank line below."""
        _title(self._doc, text, self._fonts)

    def heading1(self, text: str) -> None:
        """一、… in 黑体."""
        _heading1(self._doc, text, self._fonts)

    def heading2(self, text: str) -> None:
        """（一）… in 楷体."""
        _heading2(self._doc, text, self._fonts)

    def body(self, text: str) -> None:
        """A paragraph of text, first line indented two characters."""
        _body(self._doc, text, self._fonts)

    def signature(self, issuer: str, issued_on: date) -> None:
        """The issuer and the date, right-aligned as GB/T 9704 places them."""
        _signature(self._doc, issuer, issued_on, self._fonts)

    def to_bytes(self) -> bytes:
        """The .docx file."""
        buffer = io.BytesIO()
        self._doc.save(buffer)
        return buffer.getvalue()
