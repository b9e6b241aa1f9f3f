"""Read a notice file sent by a coordinator: plain text, or .docx with its numbering rebuilt.

Word keeps automatic numbering (1. / （一）) out of the paragraph text, in numbering.xml; without
it headings lose their numbers and the outline cannot be read, so the numbers are rebuilt here.
Only the standard library reads the file, behind the same zip-bomb guards as the workbook import.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import PurePath

from domain.errors import DomainError
from domain.intake.archives import NOTICE_LIMITS, is_ole, oversized
from domain.intake.headings import category_name, cn_number

MAX_UNCOMPRESSED_BYTES = NOTICE_LIMITS.max_total

_ZIP_MAGIC = b"PK\x03\x04"
_TEXT_SUFFIXES = {"", ".txt", ".text"}


class NoticeUnreadable(DomainError):
    """The notice file cannot be read; the user is asked to save it as .docx or .txt."""

    key = "error.notice_damaged"

    def __init__(self, name: str) -> None:
        super().__init__(name=name, limit_mb=MAX_UNCOMPRESSED_BYTES // (1024 * 1024))


class NoticeFormatUnsupported(NoticeUnreadable):
    """The file is a .doc, .wps, PDF or other format the parser does not read."""

    key = "error.notice_format"

    def __init__(self, name: str, kind: str) -> None:
        DomainError.__init__(self, name=name, kind=kind)


def read_notice(data: bytes, filename: str) -> str:
    """Return the text of a notice sent as .txt, .docx or PDF; refuse others by their content."""
    kind = _binary_kind(data)
    if kind == "docx":
        return docx_text(data, filename)
    if kind == "PDF":
        from domain.intake.notice_pdf import pdf_text  # pypdf loads with the first PDF

        return pdf_text(data, filename)
    if kind is not None:
        raise NoticeFormatUnsupported(filename, kind)
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".docx":
        raise NoticeUnreadable(filename)  # named .docx but not a zip: damaged or mislabelled
    if suffix not in _TEXT_SUFFIXES or (b"\x00" in data[:4096] and not _utf16_bom(data)):
        raise NoticeFormatUnsupported(filename, suffix.lstrip(".").upper() or "binary")
    return _decode_text(data, filename)


def _binary_kind(data: bytes) -> str | None:
    """Name the format given away by the first bytes, "docx" for a zip, None for anything else."""
    if is_ole(data):  # .doc, .wps, or a password-protected .docx
        return ".doc / .wps"
    if data.lstrip()[:5] == b"%PDF-":
        return "PDF"
    if data.startswith(b"{\\rtf"):
        return "RTF"
    if data.startswith(_ZIP_MAGIC):
        return "docx"
    return None


def _utf16_bom(data: bytes) -> bool:
    return data.startswith((b"\xff\xfe", b"\xfe\xff"))


def _decode_text(data: bytes, filename: str) -> str:
    """Decode UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030 as Windows saves it."""
    encodings = ("utf-16",) if _utf16_bom(data) else ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise NoticeUnreadable(filename)


# --- The .docx container --------------------------------------------------------------------

_NS_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_DOCUMENT = "word/document.xml"


def docx_text(data: bytes, filename: str = "notice.docx") -> str:
    """Return the paragraphs of a .docx, one per line, numbering included."""
    return "\n".join(docx_paragraphs(data, filename))


def docx_paragraphs(data: bytes, filename: str = "notice.docx") -> list[str]:
    """Return the text of every paragraph of a .docx body with its automatic number prefixed."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            _check_sizes(archive.infolist(), filename)
            document = _part(archive, _DOCUMENT, filename)
            if document is None:
                raise NoticeFormatUnsupported(filename, "zip")
            numbering = _Numbering.read(
                _part(archive, "word/numbering.xml", filename),
                _part(archive, "word/styles.xml", filename),
            )
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError) as exc:
        # RuntimeError: encrypted member (RecursionError too: absurdly nested numbering);
        # NotImplementedError: unknown compression method.
        raise NoticeUnreadable(filename) from exc
    try:
        return [text for text in _paragraph_texts(document, numbering) if text]
    except RecursionError as exc:  # elements nested thousands deep: no real notice looks so
        raise NoticeUnreadable(filename) from exc


def _check_sizes(members: Sequence[zipfile.ZipInfo], filename: str) -> None:
    """Refuse archives that would inflate beyond the limits before reading any member."""
    if oversized(members, NOTICE_LIMITS) is not None:
        raise NoticeUnreadable(filename)


_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)


_DECLARED = re.compile(rb"^\s*<\?xml[^>]*encoding\s*=\s*[\"']([^\"']+)[\"']", re.IGNORECASE)


def _plain_utf8(raw: bytes) -> bool:
    """Word writes its parts in UTF-8; another encoding (UTF-16 …) could hide a DTD from _DTD."""
    if b"\x00" in raw or raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    declared = _DECLARED.match(raw[:200])
    return declared is None or declared.group(1).lower() in (b"utf-8", b"utf8")


def _part(archive: zipfile.ZipFile, name: str, filename: str) -> ET.Element | None:
    """Parse one XML part, or None when absent; DTDs are refused (entity expansion attacks)."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    with archive.open(info) as stream:
        raw = stream.read(MAX_UNCOMPRESSED_BYTES + 1)  # bounded by _check_sizes
    if len(raw) > MAX_UNCOMPRESSED_BYTES or _DTD.search(raw) or not _plain_utf8(raw):
        raise NoticeUnreadable(filename)
    try:
        return ET.fromstring(raw)
    except ET.ParseError as exc:
        raise NoticeUnreadable(filename) from exc


def _local(tag: object) -> str:
    """Tag name without its namespace (strict and transitional OOXML use different ones)."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _val(element: ET.Element | None, name: str = "val") -> str | None:
    if element is None:
        return None
    for key, value in element.attrib.items():
        if _local(key) == name:
            return value
    return None


def _child(element: ET.Element | None, name: str) -> ET.Element | None:
    if element is None:
        return None
    return next((c for c in element if _local(c.tag) == name), None)


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


# --- Paragraph text -------------------------------------------------------------------------


def _paragraph_texts(document: ET.Element, numbering: _Numbering) -> Iterator[str]:
    for item in _paragraphs(document):
        if _local(item.tag) == "tbl":
            yield from _problem_table(item)
            continue
        number = numbering.next_number(_child(item, "pPr"))
        text = "".join(_run_texts(item)).strip()
        for i, line in enumerate(text.split("\n")):
            yield (number + line if i == 0 and line else line).strip()


def _paragraphs(element: ET.Element) -> Iterator[ET.Element]:
    """Body paragraphs in reading order, text boxes included, fallbacks skipped; a table
    that lists problems comes whole (`_problem_table` reads it), any other cell by cell."""
    for child in element:
        name = _local(child.tag)
        if name == "Fallback":  # mc:AlternateContent repeats a text box for old readers
            continue
        if name == "tbl" and _problem_columns(child) is not None:
            yield child
            continue
        if name == "p":
            yield child
        yield from _paragraphs(child)


# --- Problem lists laid out as tables -------------------------------------------------------

_PROBLEM_HEADER = re.compile(r"问题")
_MEASURE_HEADER = re.compile(r"措施|举措|整改情况|整改任务|整改内容")
_CATEGORY_HEADER = re.compile(r"类别|方面|领域|类型")
_ITEM_NUMBER = re.compile(r"^\s*(?:\d+[.、．]|[（(]\d+[）)]|[①-⑳]|[一二三四五六七八九十]+是)\s*")


@dataclass(frozen=True)
class _Columns:
    problem: int
    measures: int
    category: int | None


def _rows(table: ET.Element) -> list[list[ET.Element]]:
    """Each row's cells by grid column: a cell spanning n columns (gridSpan) stands n times."""
    rows = (row for row in table if _local(row.tag) == "tr")
    return [
        [
            cell
            for cell in row
            if _local(cell.tag) == "tc"
            for _ in range(max(_int(_val(_child(_child(cell, "tcPr"), "gridSpan")), 1), 1))
        ]
        for row in rows
    ]


def _cell_text(cell: ET.Element) -> list[str]:
    paragraphs = (p for p in cell.iter() if _local(p.tag) == "p")
    texts = ("".join(_run_texts(p)).strip() for p in paragraphs)
    return [t for t in texts if t]


def _problem_columns(table: ET.Element) -> _Columns | None:
    """The columns of a table whose header names a problem column and a measures column."""
    rows = _rows(table)
    if len(rows) < 2:
        return None
    header = [" ".join(_cell_text(c)) for c in rows[0]]
    measures = next((i for i, h in enumerate(header) if _MEASURE_HEADER.search(h)), None)
    category = next(
        (i for i, h in enumerate(header) if _CATEGORY_HEADER.search(h) and i != measures), None
    )  # "问题类别" names the category, not the problem
    problem = next(
        (
            i
            for i, h in enumerate(header)
            if _PROBLEM_HEADER.search(h) and i not in (measures, category)
        ),
        None,
    )
    if problem is None or measures is None:
        return None
    return _Columns(problem, measures, category)


def _problem_table(table: ET.Element) -> Iterator[str]:
    """A problem table as the lines a notice would have: （一）“类别”方面, then
    1.针对“问题”问题。 and the row's measures (一是…二是… when there are several)."""
    columns = _problem_columns(table)
    assert columns is not None
    category: str | None = None
    categories = problems = 0
    measures: list[str] = []
    for row in _rows(table)[1:]:
        if len(row) > 1 and all(c is row[0] for c in row):  # one cell across the table:
            heading = "".join(_cell_text(row[0]))  # a category's row ("一、党建方面")
            if heading and measures:  # the problem above is complete
                yield _enumerate(measures)
                measures = []
            if heading:
                category, categories, problems = heading, categories + 1, 0
                yield f"（{cn_number(categories)}）“{category_name(heading)}”方面"
            continue
        cells = [_cell_text(c) for c in row]

        def text_of(index: int | None, cells: list[list[str]] = cells) -> str:
            return "".join(cells[index]) if index is not None and index < len(cells) else ""

        new_category, problem = text_of(columns.category), text_of(columns.problem)
        if problem and measures:
            yield _enumerate(measures)
            measures = []
        if new_category and new_category != category:
            category, categories, problems = new_category, categories + 1, 0
            yield f"（{cn_number(categories)}）“{category_name(category)}”方面"
        if problem:  # an empty problem cell is a merged one: more measures of the same problem
            problems += 1
            yield f"{problems}.针对“{problem.rstrip('。')}”问题。"
        measures += cells[columns.measures] if columns.measures < len(cells) else []
    if measures:
        yield _enumerate(measures)


def _enumerate(measures: list[str]) -> str:
    """One problem's measures as a paragraph: one as it is, several as 一是…二是…"""
    items = [_ITEM_NUMBER.sub("", m).rstrip("。；;") for m in measures]
    if len(items) == 1:
        return items[0]
    return "".join(f"{cn_number(i)}是{m}。" for i, m in enumerate(items, start=1))


def _run_texts(element: ET.Element) -> Iterator[str]:
    """The visible text of a paragraph; nested text-box paragraphs are read on their own."""
    for child in element:
        name = _local(child.tag)
        if name in ("p", "txbxContent", "Fallback"):
            continue
        if name == "t":
            yield child.text or ""
        elif name == "tab":
            yield " "
        elif name in ("br", "cr"):
            yield "\n"
        elif name == "noBreakHyphen":
            yield "-"
        else:
            yield from _run_texts(child)


# --- Automatic numbering --------------------------------------------------------------------


@dataclass(frozen=True)
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."
    restart: int | None = None  # 1-based level after which this one restarts; 0 = never
    suffix: str = ""
    legal: bool = False


@dataclass
class _Numbering:
    """numbering.xml and styles.xml read into counters that follow Word's rules."""

    abstracts: dict[str, dict[int, _Level]] = field(default_factory=dict)
    style_levels: dict[str, dict[str, int]] = field(default_factory=dict)  # abstract -> style
    nums: dict[str, str] = field(default_factory=dict)  # numId -> abstractNumId
    overrides: dict[str, dict[int, int]] = field(default_factory=dict)  # numId -> ilvl -> start
    styles: dict[str, tuple[str | None, int | None, str | None]] = field(default_factory=dict)
    counters: dict[str, dict[int, int]] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)
    links: dict[str, str] = field(default_factory=dict)  # abstractNumId -> numbering style

    @classmethod
    def read(cls, numbering: ET.Element | None, styles: ET.Element | None) -> _Numbering:
        """Collect list definitions, list instances and the numbering of paragraph styles."""
        result = cls()
        for element in numbering if numbering is not None else ():
            name = _local(element.tag)
            if name == "abstractNum":
                result._read_abstract(element)
            elif name == "num":
                result._read_num(element)
        for style in styles if styles is not None else ():
            if _local(style.tag) == "style" and _val(style, "styleId"):
                num_pr = _child(_child(style, "pPr"), "numPr")
                result.styles[_val(style, "styleId") or ""] = (
                    _val(_child(num_pr, "numId")),
                    _int(_val(_child(num_pr, "ilvl")), -1) if num_pr is not None else None,
                    _val(_child(style, "basedOn")),
                )
        result._follow_style_links()
        return result

    def _follow_style_links(self) -> None:
        """A list defined by a numbering style (numStyleLink) counts with that style's list."""
        for abstract_id, style in self.links.items():
            num_id = self.styles.get(style, (None, None, None))[0]
            target = self.nums.get(num_id or "")
            if target is None or target == abstract_id or not self.abstracts.get(target):
                continue
            for instance, abstract in self.nums.items():
                if abstract == abstract_id:
                    self.nums[instance] = target

    def _read_abstract(self, element: ET.Element) -> None:
        abstract_id = _val(element, "abstractNumId") or ""
        link = _val(_child(element, "numStyleLink"))
        if link:
            self.links[abstract_id] = link
        levels: dict[int, _Level] = {}
        for lvl in element:
            if _local(lvl.tag) != "lvl":
                continue
            ilvl = _int(_val(lvl, "ilvl"), 0)
            levels[ilvl] = _read_level(lvl, ilvl)
            style = _val(_child(lvl, "pStyle"))
            if style:
                self.style_levels.setdefault(abstract_id, {})[style] = ilvl
        self.abstracts[abstract_id] = levels

    def _read_num(self, element: ET.Element) -> None:
        num_id = _val(element, "numId") or ""
        self.nums[num_id] = _val(_child(element, "abstractNumId")) or ""
        for override in element:
            if _local(override.tag) == "lvlOverride":
                start = _val(_child(override, "startOverride"))
                if start is not None:
                    ilvl = _int(_val(override, "ilvl"), 0)
                    self.overrides.setdefault(num_id, {})[ilvl] = _int(start, 1)

    def next_number(self, paragraph_pr: ET.Element | None) -> str:
        """Advance the paragraph's list counter and return its number text ("" if none)."""
        found = self._num_pr(paragraph_pr)
        if found is None:
            return ""
        num_id, ilvl = found
        abstract_id = self.nums.get(num_id)
        levels = self.abstracts.get(abstract_id or "")
        if abstract_id is None or not levels or ilvl not in levels:
            return ""
        counters = self.counters.setdefault(abstract_id, {})
        if num_id not in self.used:
            # A list instance with a start override restarts the list where it is first used.
            self.used.add(num_id)
            for overridden, start in self.overrides.get(num_id, {}).items():
                counters[overridden] = start - 1
        level = levels[ilvl]
        counters[ilvl] = counters.get(ilvl, level.start - 1) + 1
        for deeper, spec in levels.items():
            restart = deeper if spec.restart is None else spec.restart
            if deeper > ilvl and ilvl + 1 <= restart:
                counters.pop(deeper, None)
        return _format(level, levels, counters) + level.suffix

    def _num_pr(self, paragraph_pr: ET.Element | None) -> tuple[str, int] | None:
        """The (numId, ilvl) of a paragraph, from its own properties or its style chain."""
        num_pr = _child(paragraph_pr, "numPr")
        num_id = _val(_child(num_pr, "numId"))
        ilvl = _val(_child(num_pr, "ilvl"))
        style_id = _val(_child(paragraph_pr, "pStyle"))
        style_num, style_ilvl = self._style_num(style_id)
        num_id = num_id if num_id is not None else style_num
        if num_id is None or num_id == "0":  # numId 0 switches numbering off
            return None
        if ilvl is not None:
            return num_id, _int(ilvl, 0)
        if style_ilvl is not None and style_ilvl >= 0:
            return num_id, style_ilvl
        linked = self.style_levels.get(self.nums.get(num_id, ""), {})
        return num_id, linked.get(style_id or "", 0)

    def _style_num(self, style_id: str | None) -> tuple[str | None, int | None]:
        seen: set[str] = set()
        while style_id and style_id not in seen:
            seen.add(style_id)
            num_id, ilvl, based_on = self.styles.get(style_id, (None, None, None))
            if num_id is not None:
                return num_id, ilvl
            style_id = based_on
        return None, None


def _read_level(lvl: ET.Element, ilvl: int) -> _Level:
    suffix = _val(_child(lvl, "suff")) or "tab"
    restart = _val(_child(lvl, "lvlRestart"))
    return _Level(
        start=_int(_val(_child(lvl, "start")), 1),
        fmt=_val(_child(lvl, "numFmt")) or "decimal",
        text=_val(_child(lvl, "lvlText")) or "",
        restart=_int(restart, ilvl) if restart is not None else None,
        # A tab or space after the number keeps the heading readable; "nothing" means none.
        suffix="" if suffix == "nothing" else " ",
        legal=_child(lvl, "isLgl") is not None,
    )


def _format(level: _Level, levels: dict[int, _Level], counters: dict[int, int]) -> str:
    """Fill %1…%9 of the level text with each level's counter in that level's format."""
    if level.fmt == "none":
        return ""
    if level.fmt == "bullet":
        return level.text

    def value(m: re.Match[str]) -> str:
        index = int(m.group(1)) - 1
        spec = levels.get(index, _Level())
        n = counters.get(index, spec.start)
        return format_number(n, "decimal" if level.legal else spec.fmt)

    return re.sub(r"%([1-9])", value, level.text)


_CN = "〇一二三四五六七八九"  # digit by digit: 二〇二一
_CN_COUNT = "零一二三四五六七八九"
_CN_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_STEMS = "甲乙丙丁戊己庚辛壬癸"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_ROMAN = (
    (1000, "m"),
    (900, "cm"),
    (500, "d"),
    (400, "cd"),
    (100, "c"),
    (90, "xc"),
    (50, "l"),
    (40, "xl"),
    (10, "x"),
    (9, "ix"),
    (5, "v"),
    (4, "iv"),
    (1, "i"),
)


def format_number(n: int, fmt: str) -> str:
    """Render a list counter in a Word numFmt (decimal, chineseCounting, lowerLetter …)."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting"):
        return _chinese(n, _CN_COUNT, "十百千")
    if fmt in ("taiwaneseCounting", "taiwaneseCountingThousand"):
        return _chinese(n, _CN_COUNT, "十百千")
    if fmt == "chineseLegalSimplified":
        return _chinese(n, _CN_LEGAL, "拾佰仟")
    if fmt in ("ideographDigital", "taiwaneseDigital"):
        return "".join(_CN[int(d)] for d in str(n))
    if fmt == "ideographTraditional":
        return _STEMS[(n - 1) % 10]
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= n <= 20:
        return _CIRCLED[n - 1]
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("lowerLetter", "upperLetter"):
        letters = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letters.upper() if fmt == "upperLetter" else letters
    if fmt in ("lowerRoman", "upperRoman"):
        roman = _roman(n)
        return roman.upper() if fmt == "upperRoman" else roman
    return str(n)


def _chinese(n: int, digits: str, units: str) -> str:
    """Chinese counting numerals below 10,000: 十, 十一, 二十, 一百零五."""
    if n <= 0 or n >= 10000:
        return str(n)
    parts: list[str] = []
    zero = False
    for power, unit in ((1000, units[2]), (100, units[1]), (10, units[0]), (1, "")):
        d = n // power % 10
        if d == 0:
            zero = bool(parts)
            continue
        if zero:
            parts.append(digits[0])
            zero = False
        parts.append(digits[d] + unit)
    text = "".join(parts)
    # 一十 is read 十 at the head of a number (10-19).
    return text[1:] if 10 <= n < 20 and text.startswith(digits[1]) else text


def _roman(n: int) -> str:
    parts: list[str] = []
    for value, letters in _ROMAN:
        count, n = divmod(n, value)
        parts.append(letters * count)
    return "".join(parts)
