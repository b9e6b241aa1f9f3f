"""Read the problem list out of a rectification notice (issue 5).

Notices (巡视/巡察整改进展情况的通报) follow a loose convention: numbered sections (一、),
category headings (（一）… 方面), problem headings (1. / （1） / ① / 反馈问题N：) and under each
problem the measures taken (一是…二是…, ①②, （1）（2）, 1. 2.). The parser rebuilds that outline
from the numbering (a style's level is the order in which styles first appear, as in any
outline), so that it does not depend on one document's wording; wording only breaks ties:
which 一、 sections list problems rather than how the work was organised, and whether a numbered
line is a heading or a numbered measure. What it cannot place is kept as "not understood" lines
instead of being guessed into a problem.

Conventions follow the gold standard of the notice corpus (shared/corpus/README.md): a problem
is the finest titled item that carries its own measures, its parents are its category and
group, and measures are counted in the first enumeration style a problem uses.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from domain.intake.headings import zh_number


@dataclass(frozen=True)
class ParsedProblem:
    """One problem: the finest titled item that carries its own measures."""

    category: str | None
    group: str | None
    title: str
    measures: tuple[str, ...]


@dataclass(frozen=True)
class NotUnderstood:
    """A line of the problem list that could not be placed."""

    line: int
    text: str


@dataclass(frozen=True)
class NoticeOutline:
    """The problem list of a notice, its statistics sentence and what was left over."""

    problems: tuple[ParsedProblem, ...]
    stats_sentence: str | None
    not_understood: tuple[NotUnderstood, ...]


def outline_to_json(outline: NoticeOutline) -> dict[str, Any]:
    """Return the outline as the JSON object of `rectibot parse --json`."""
    return {
        "problems": [
            {
                "category": p.category,
                "group": p.group,
                "title": p.title,
                "measures": list(p.measures),
            }
            for p in outline.problems
        ],
        "stats_sentence": outline.stats_sentence,
        "not_understood": [{"line": n.line, "text": n.text} for n in outline.not_understood],
    }


def parse_notice(text: str) -> NoticeOutline:
    """Parse a notice's plain text into its outline of problems and measures."""
    lines = _clean_lines(text)
    stat_lines = {ln.no for ln in lines if _is_stats_line(ln.text)}
    problems: list[ParsedProblem] = []
    leftovers: list[NotUnderstood] = []
    placed: set[int] = set()
    sections = _problem_sections(lines, stat_lines)
    for section in sections:
        # Problems spread over several 一、 sections: those headings are the categories.
        found, unplaced = _read_section(section, as_category=len(sections) > 1)
        problems.extend(found)
        leftovers.extend(unplaced)
        placed |= {ln.no for ln in section.lines} - {n.line for n in unplaced}
    # Statistics inside a problem's measures are about that problem, not the notice.
    stats = _stats_sentences([ln for ln in lines if ln.no not in placed])
    leftovers.sort(key=lambda n: n.line)
    return NoticeOutline(
        problems=tuple(problems),
        stats_sentence="\n".join(stats) if stats else None,
        not_understood=tuple(leftovers),
    )


# --- Cleaning -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Line:
    no: int
    text: str


_SPACES = re.compile(r"[\u00a0\u2000-\u200b\u3000\ufeff\t]")
_AD_WORDS = r"(?:微\s*信|素\s*材|公\s*众\s*号|关\s*注|v\s*x|Q\s*Q|会\s*员|网\s*盘|扫\s*码|下\s*载)"
# Advertising inserted by the sites notices are scraped from, often cut off at the line end.
_AD_BRACKET = re.compile(r"【[^】]*?" + _AD_WORDS + r"[^】]*(?:】|$)", re.IGNORECASE)
_PAID_MARKER = re.compile(r"##\s*paid\s*(?:begin|end)\s*##", re.IGNORECASE)
_AD_LINE = re.compile(r"(?:添加微信|加入.{0,6}会员|网盘群|一键.{0,4}下载|有意加入)")
_BOILERPLATE = re.compile(
    r"^(?:欢迎广大|联系电话|联系方式|联系人|邮政编码|邮编|通信地址|通讯地址|电子邮箱|电子信箱"
    r"|来源\s*[:：]|分享\s*[:：]?$|特殊稿件)"
)
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def _clean_lines(text: str) -> list[_Line]:
    """Number the lines and strip page noise; drop blank, advertising and boilerplate lines."""
    cleaned: list[_Line] = []
    for no, raw in enumerate(text.splitlines(), start=1):
        line = _clean_text(raw)
        if not line or _AD_LINE.search(line) or _BOILERPLATE.search(line):
            continue
        cleaned.append(_Line(no, line))
    return cleaned


def _clean_text(raw: str) -> str:
    line = _SPACES.sub(" ", raw).replace("\ufffd", "")
    line = _PAID_MARKER.sub("", line)
    line = _AD_BRACKET.sub("", line)
    return line.translate(_FULLWIDTH_DIGITS).strip()


# --- Statistics sentence --------------------------------------------------------------------

_COUNT = r"\d+\s*(?:个|项|条|件)"
_STATS = re.compile(
    r"(?:" + _COUNT + r"[^。；;]*?(?:问题|措施)|(?:问题|措施)[^。；;]*?" + _COUNT + r")"
)
_STATS_VERB = re.compile(r"完成|整改|反馈|办结")
_STATS_TOPIC = re.compile(r"反馈|巡视|巡察|措施|具体问题|个问题|项问题")
_DONE = re.compile(
    r"已(?:经)?(?:全部)?(?:完成|整改|办结)|完成整改|整改完[成毕]|完毕|正在整改|基本完成|办结"
)
# A full stop: 。, or a half-width point that is not a decimal point (notices typed half-width).
_SENTENCE_END = re.compile(r"(?<=[。！？!?])|(?<=\D[.．])|(?<=[.．])(?!\d)")


def _sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(text) if s.strip()]


def _is_stats_sentence(sentence: str) -> bool:
    return bool(
        _STATS.search(sentence)
        and _STATS_VERB.search(sentence)
        and _STATS_TOPIC.search(sentence)
        and "线索" not in sentence
    )


def _first_sentence(text: str) -> str:
    sentences = _sentences(text)
    return sentences[0] if sentences else text


def _strip_label(text: str) -> str:
    m = _LABEL.match(text)
    return text[m.end() :] if m else text


def _is_stats_line(text: str) -> bool:
    """A line opening with a statistics sentence (counts of problems or measures)."""
    if _marker(text) is not None:
        return False
    sentences = _sentences(_strip_label(text))
    return bool(sentences) and _is_stats_sentence(sentences[0]) and bool(_DONE.search(sentences[0]))


def _stats_sentences(lines: Sequence[_Line]) -> list[str]:
    """Collect the closing statistics: runs of statistics sentences, one line per run."""
    found: list[str] = []
    for ln in lines[1:]:  # the first line is the notice's title
        run = _stats_run(_unnumber(ln.text))
        if run and _DONE.search(run):
            found.append(run)
    return found


def _stats_run(text: str) -> str:
    """Return the statistics sentences of a line, from the first one up to the next other one."""
    run: list[str] = []
    for sentence in _sentences(text):
        if _is_stats_sentence(sentence):
            if not run:
                # Keep only the clause that carries the counts (drop a lead-in before 截至).
                start = re.search(r"截[至止]", sentence)
                sentence = sentence[start.start() :] if start else sentence
            run.append(sentence.strip())
        elif run:
            break
    return "".join(run)


# --- Numbering ------------------------------------------------------------------------------

_CN_NUM = r"[一二三四五六七八九十]{1,3}"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"

SECTION = "section"
CN_PAREN = "cn_paren"
PAREN = "paren"
ARABIC = "arabic"
HALF_PAREN = "half_paren"
CIRCLED = "circled"
LABELLED = "labelled"
PLAIN = "plain"
SHI = "shi"
DI = "di"  # 第一，… 第二，…
FIRSTLY = "firstly"  # 首先，… 其次，… 最后，…

_MARKERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (SECTION, re.compile(r"^(" + _CN_NUM + r")\s*[、.．]\s*")),
    (CN_PAREN, re.compile(r"^[（(]\s*(" + _CN_NUM + r")\s*[）)]\s*")),
    (PAREN, re.compile(r"^[（(]\s*(\d{1,3})\s*[）)]\s*")),
    (ARABIC, re.compile(r"^(\d{1,3})\s*(?:[.．、](?!\d)|[，,](?=\D))\s*")),
    (HALF_PAREN, re.compile(r"^(\d{1,3})\s*[）)]\s*")),
    (CIRCLED, re.compile(r"^([" + _CIRCLED + r"])\s*")),
    (LABELLED, re.compile(r"^(?:反馈)?问题\s*(\d{1,3}|" + _CN_NUM + r")\s*[:：]\s*")),
)


@dataclass(frozen=True)
class _Marker:
    kind: str
    ordinal: int
    rest: str


def _cn_int(text: str) -> int:
    """A Chinese numeral's value (0 when it is none: a marker that never matches)."""
    return zh_number(text) or 0


def _to_int(token: str) -> int:
    if token.isascii() and token.isdigit():
        return int(token)
    if token in _CIRCLED:
        return _CIRCLED.index(token) + 1
    return _cn_int(token)


# An unnumbered heading such as 关于“…”的问题 on a line of its own.
_PLAIN_HEADING = re.compile(
    r"^(?:关于|针对)[^。；;]{2,80}问题(?:的整改(?:落实|进展)?(?:情况)?)?[。.]?$"
)


def _marker(text: str) -> _Marker | None:
    for kind, pattern in _MARKERS:
        m = pattern.match(text)
        if m:
            return _Marker(kind, _to_int(m.group(1)), text[m.end() :].strip())
    if _PLAIN_HEADING.match(text):
        return _Marker(PLAIN, 0, text)
    return None


# --- Labels and enumerations ----------------------------------------------------------------

_LABEL = re.compile(r"^([\u4e00-\u9fa5]{2,12}?)(?:如下)?\s*[:：]\s*")
_MEASURE_LABELS = re.compile(
    r"^(?:整改(?:情况|措施|举措|进展情况|进展|落实情况|完成情况|任务完成情况)|主要措施|具体措施|采取措施"
    r"|落实情况|工作措施|进展情况)$"
)
# Labelled paragraphs that are not measures: outcomes, explanations, deadlines, statuses.
_OTHER_LABELS = re.compile(
    r"(?:成效|效果|说明|原因|时限|进度|责任单位|责任人|责任领导|牵头领导|牵头单位|配合单位|目标"
    r"|完成时间)$"
)
_OUTCOME_START = re.compile(r"^(?:通过(?:整改|以上|上述)|经过整改|整改后)")
_STATUS = re.compile(r"完成|推进|整改中|坚持|销号|到位")
_INLINE_LABEL = re.compile(
    r"(?:整改(?:情况|措施|举措|进展情况|进展|落实情况)|主要措施|具体措施)\s*[:：]"
)

_BOUNDARY = r"(?:^|(?<=[。.．；;：:，,、！？!?\s）)】”\"]))"
_SHI = re.compile(_BOUNDARY + r"(十[一二三四五六七八九]?|[一二三四五六七八九])是")
_CIRCLED_ITEM = re.compile(r"[" + _CIRCLED + r"]")
_PAREN_ITEM = re.compile(r"[（(](\d{1,2})[）)]")
_ARABIC_ITEM = re.compile(_BOUNDARY + r"(\d{1,2})[.．、](?!\d)")
# 第一，… 第二，… (not 第一议题: the ordinal is followed by a comma or colon).
_DI_ITEM = re.compile(_BOUNDARY + r"第(" + _CN_NUM + r")\s*[，,、：:]")
_FIRSTLY_ITEM = re.compile(_BOUNDARY + r"(首先|其次|再次|然后|此外|最后)\s*[，,、：:]")
# Measure styles in order of precedence: a problem's measures are counted in the first style
# that any of its paragraphs uses (一是 over 第一， over 首先， over ① over （1） over 1.).
_STYLES = (SHI, DI, FIRSTLY, CIRCLED, PAREN, ARABIC)


def _label(text: str) -> tuple[str, str] | None:
    """Split "整改情况：…" into (label, rest) when the line opens with a label."""
    m = _LABEL.match(text)
    if m is None:
        return None
    return m.group(1), text[m.end() :].strip()


def _announces_measures(content: _Content) -> bool:
    """Content labelled as measures (整改情况：…); on a heading's line the label may come later."""
    if content.inline:
        return bool(_INLINE_LABEL.search(content.text))
    return _is_measure_label(content.text)


def _is_measure_label(text: str) -> bool:
    parts = _label(text)
    return parts is not None and bool(_MEASURE_LABELS.match(parts[0]))


def _sequence(matches: Iterable[re.Match[str]], start_at_one: bool) -> list[re.Match[str]]:
    """Keep the matches that number consecutively (1, 2, 3 …), skipping stray numbers."""
    kept: list[re.Match[str]] = []
    expected = 1
    for m in matches:
        n = int(m.group(1))
        if not kept and not start_at_one:
            expected = n
        if n == expected:
            kept.append(m)
            expected += 1
    return kept


def _enumerated(paragraph: str) -> list[str] | None:
    """Split a measure paragraph into its enumerated items, or None when it is plain prose."""
    for style in _STYLES:
        items = _items(paragraph, style)
        if items:
            return items
    return None


def _items(paragraph: str, style: str) -> list[str]:
    """The items of one enumeration style (一是 / ① / （1） / 1.) in a paragraph."""
    if style == SHI:
        return _split_at([m.start() for m in _SHI.finditer(paragraph)], paragraph, shi_marker=True)
    if style == CIRCLED:
        return _split_at([m.start() for m in _CIRCLED_ITEM.finditer(paragraph)], paragraph)
    if style in (DI, FIRSTLY):
        return _worded_items(paragraph, style)
    pattern = _PAREN_ITEM if style == PAREN else _ARABIC_ITEM
    opens = _marker(paragraph)
    numbered = _sequence(
        pattern.finditer(paragraph), start_at_one=not (opens and opens.kind == style)
    )
    return _split_at([m.start() for m in numbered], paragraph)


def _worded_items(paragraph: str, style: str) -> list[str]:
    """第一，…第二，… (consecutive from 第一) or 首先，…其次，…: two items at least."""
    kept: list[re.Match[str]] = []
    if style == DI:  # 第一, 第二, … in order; a stray 第五， elsewhere is not an item
        for m in _DI_ITEM.finditer(paragraph):
            if _cn_int(m.group(1)) == len(kept) + 1:
                kept.append(m)
    else:
        found = list(_FIRSTLY_ITEM.finditer(paragraph))
        kept = found if found and found[0].group(1) == "首先" else []
    if len(kept) < 2:
        return []
    items = []
    for i, m in enumerate(kept):
        end = kept[i + 1].start() if i + 1 < len(kept) else len(paragraph)
        items.append(paragraph[m.end() : end].strip().rstrip("。．.；;，,、").strip())
    return items


def _split_at(starts: Sequence[int], paragraph: str, *, shi_marker: bool = False) -> list[str]:
    items: list[str] = []
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(paragraph)
        item = paragraph[start:end]
        item = re.sub(r"^(?:" + _CN_NUM + r"是)", "", item) if shi_marker else _unnumber(item)
        items.append(item.strip().rstrip("。．.；;，,、").strip())
    return items


def _unnumber(text: str) -> str:
    """Drop a leading number such as 1. （1） ①."""
    m = _marker(text)
    return m.rest if m and m.kind != SECTION else text


# --- Titles ---------------------------------------------------------------------------------

_TITLE_LABEL = re.compile(r"^(?:整改任务|反馈问题|存在问题|具体问题|问题|整改事项)\s*[:：]\s*")
_TRAILING = "。．.；;，,、：: "
_SUFFIX = re.compile(
    r"(?:的)?问题(?:的)?(?:整改)?(?:落实|进展|推进)?(?:情况)?$|(?:的)?整改(?:落实|进展)?情况$"
)
_QUOTES = {"“": "”", '"': '"', "‘": "’", "「": "」"}
_PREFIX = re.compile(r"^(?:针对|关于)")
_SOURCE_PREFIX = re.compile(r"^巡[视察]组?反馈(?:的)?(?=[“\"‘])")


def normalise_title(heading: str) -> str:
    """Reduce a problem heading to its title (numbering, labels, 针对/关于, 问题 suffix dropped)."""
    title = heading.strip()
    for _ in range(2):  # "5.（1）…" carries two numbers
        title = _unnumber(title).strip()
    title = _SHI_HEAD.sub("", title)
    title = _TITLE_LABEL.sub("", title)
    title = _PREFIX.sub("", title.strip())
    title = _SOURCE_PREFIX.sub("", title)
    title = title.rstrip(_TRAILING)
    title = _SUFFIX.sub("", title).rstrip(_TRAILING)
    title = _unquote(title)
    title = _PREFIX.sub("", title)  # 针对“关于…”的问题
    return title.rstrip(_TRAILING).strip()


def _unquote(title: str) -> str:
    """Remove quotes that enclose the whole title."""
    if len(title) > 2 and _QUOTES.get(title[0]) == title[-1]:
        return title[1:-1].strip()
    return title


_PROBLEM_END = re.compile(r"问题(?:的整改(?:落实|进展)?(?:情况)?)?\s*(?:[。：:；;．]|\.(?!\d))")
_BEFORE_SHI = re.compile(r"[。.．；;：:]\s*(?=" + _CN_NUM + r"是)")


def _split_heading(rest: str) -> tuple[str, str]:
    """Split a heading line into its title and the content that follows on the same line."""
    label = _TITLE_LABEL.match(rest)
    start = label.end() if label else 0  # "反馈问题：…" opens the title, it does not end it
    ends: list[int] = []
    m = _INLINE_LABEL.search(rest, start)
    if m and m.start() > start:
        ends.append(m.start())
    m = _PROBLEM_END.search(rest, start)
    if m and rest[m.end() :].strip():
        ends.append(m.end())
    m = _BEFORE_SHI.search(rest, start)
    if m and m.start() > start:
        ends.append(m.end())
    if not ends:
        return rest, ""
    end = min(ends)  # the title stops at the first sign of what follows it
    return rest[:end], rest[end:].strip()


_HEADING_CUE = re.compile(r"问题(?:的)?(?:整改(?:落实|进展)?(?:情况)?)?[。.；;]?$|方面[。.]?$")


def _looks_like_heading(rest: str) -> bool:
    """A numbered line that reads as a problem heading rather than a numbered measure."""
    if _HEADING_CUE.search(rest):
        return True
    return bool(_PREFIX.match(rest)) and len(rest) <= 60


_PROBLEM_CUE = re.compile(r"^(?:针对|关于)|问题(?:的整改|[。.]?$)|方面[。.]?$")


# --- Outline tree ---------------------------------------------------------------------------


@dataclass
class _Content:
    no: int
    text: str
    inline: bool = False


@dataclass
class _Node:
    kind: str
    ordinal: int
    no: int
    heading: str  # the heading as written: number and title, without same-line content
    title: str
    depth: int
    line: str = ""  # the whole line, same-line content included
    children: list[_Node] = field(default_factory=list)
    content: list[_Content] = field(default_factory=list)
    measure_list: tuple[str, int] | None = None  # kind and number of the last numbered measure

    def in_measures(self) -> bool:
        """Whether numbered lines here are measures: this node already holds measure text."""
        own = [c for c in self.content if not c.inline]
        if any(_announces_measures(c) for c in self.content):
            return True
        if self.depth >= 2:
            return bool(own)
        # At the top level an introduction may come before the first problem; only labelled
        # or numbered measure text makes the node a problem with measures.
        return any(_is_measure_label(c.text) or _opens_measures(c.text) for c in own)


@dataclass(frozen=True)
class _Section:
    heading: _Line | None
    lines: tuple[_Line, ...]
    by_title: bool = False  # kept for its title, its items giving no evidence of problems


_SKIP_SECTION = re.compile(
    r"下一步|下步|线索|信访|进一步整改|打算|工作计划|整改计划|工作安排|工作举措|后续整改|持续深化"
    r"|巩固|推向纵深|重要意义|尚未完成|未完成整改|未全部完成"
)
# Not the feedback's problems: the team's recommendations and issues the unit found itself —
# unless the title names the feedback too ("反馈问题及意见建议整改情况" lists the problems).
_NOT_FEEDBACK = re.compile(
    r"意见建议|所提建议|建议事项|自查自纠|自查发现|自行查找|自我查找|自查问题"
)
# Section titles about how the rectification was organised rather than what was rectified.
_ORGANISING = re.compile(r"主体责任|责任落实|组织|领导|开展情况|基本情况|基础工作|政治站位|重视")
_PROBLEM_SECTION = re.compile(r"问题|反馈")


def _sections(lines: Sequence[_Line]) -> list[_Section]:
    """Cut the notice at its top-level headings (一、二、…); lines before them are the preamble."""
    starts = [i for i, ln in enumerate(lines) if _section_marker(ln.text)]
    if not starts:
        first = next((i for i, ln in enumerate(lines) if _marker(ln.text)), len(lines))
        return [_Section(None, tuple(lines[first:]))]
    bounds = [*starts, len(lines)]
    return [
        _Section(lines[start], tuple(lines[start + 1 : end]))
        for start, end in itertools.pairwise(bounds)
    ]


def _section_marker(text: str) -> bool:
    m = _marker(text)
    return m is not None and m.kind == SECTION


def _problem_sections(lines: Sequence[_Line], stat_lines: set[int]) -> list[_Section]:
    """Keep the sections that list problems: not follow-up plans, and most items read as problems."""
    candidates: list[_Section] = []
    for section in _sections(lines):
        title = section.heading.text if section.heading else ""
        if not _SKIP_SECTION.search(title) and not (
            _NOT_FEEDBACK.search(title) and "反馈" not in title
        ):
            body = tuple(ln for ln in section.lines if ln.no not in stat_lines)
            candidates.append(_Section(section.heading, body))
    kept = [s for s in candidates if _reads_as_problems(s)]
    if kept:
        return kept
    # Nothing reads as problems by its items (plain statements, prose measures): fall back on
    # sections whose title announces the feedback's problems.
    return [
        _Section(s.heading, s.lines, by_title=True)
        for s in candidates
        if _titled_as_problems(s) and _leaves(_build_tree(s.lines))
    ]


def _titled_as_problems(section: _Section) -> bool:
    title = section.heading.text if section.heading else ""
    return bool(_PROBLEM_SECTION.search(title)) and not _ORGANISING.search(title)


def _leaves(root: _Node) -> list[_Node]:
    return [n for n in _walk(root) if not n.children and n is not root]


def _reads_as_problems(section: _Section) -> bool:
    root = _build_tree(section.lines)
    if not root.children:
        return _is_single_problem(section, root)
    categories = [top for top in root.children if top.children]
    if categories:
        # Judged category by category: an organisational part may share the section.
        return any(_mostly_problems(_leaves(top)) for top in categories)
    return _mostly_problems(_leaves(root))


def _mostly_problems(leaves: Sequence[_Node]) -> bool:
    evidenced = sum(1 for n in leaves if _has_problem_evidence(n))
    return evidenced * 2 >= len(leaves) > 0


def _is_single_problem(section: _Section, root: _Node) -> bool:
    """A section titled as a problem whose body is its measures (一、 headings as categories)."""
    marker = _marker(section.heading.text) if section.heading else None
    if marker is None or not _PROBLEM_CUE.search(marker.rest.rstrip(_TRAILING)):
        return False
    return any(_is_measure_label(c.text) or _enumerated(c.text) for c in root.content)


def _has_problem_evidence(node: _Node) -> bool:
    if _PROBLEM_CUE.search(_leaf_heading(node).rstrip(_TRAILING)):
        return True
    return any(
        _announces_measures(c) or (not c.inline and _opens_measures(c.text)) for c in node.content
    )


def _walk(node: _Node) -> Iterable[_Node]:
    yield node
    for child in node.children:
        yield from _walk(child)


def _build_tree(lines: Sequence[_Line]) -> _Node:
    """Nest headings by their numbering style, in order of first appearance (an outline)."""
    root = _Node("", 0, 0, "", "", 0)
    stack = [root]
    for i, ln in enumerate(lines):
        following = lines[i + 1].text if i + 1 < len(lines) else ""
        m = _marker(ln.text) or _shi_heading(ln.text, following, _shi_run(stack))
        if m is None or _opens_content(m.rest) or _is_enumeration(m, following):
            stack[-1].content.append(_Content(ln.no, ln.text))
            continue
        level = _heading_level(stack, m)
        if level is None:
            stack[-1].content.append(_Content(ln.no, ln.text))
            stack[-1].measure_list = (m.kind, m.ordinal)
            continue
        del stack[level:]
        title, inline = _split_heading(m.rest)
        prefix = ln.text[: len(ln.text) - len(m.rest)]
        node = _Node(m.kind, m.ordinal, ln.no, (prefix + title).strip(), title, level, ln.text)
        if inline:
            node.content.append(_Content(ln.no, inline, inline=True))
        stack[-1].children.append(node)
        stack.append(node)
    _fold_measure_lists(root)
    return root


_SHI_HEAD = re.compile(r"^(" + _CN_NUM + r")是")


def _shi_heading(text: str, following: str, before: int | None) -> _Marker | None:
    """ "一是…问题。" followed by its 整改情况, or by its own 一是…二是…: problems enumerated
    like measures. `before` is the ordinal of the 是-problem this one would follow (0: none;
    None: the open heading has announced its measures, so 一是…问题。 lines are those)."""
    m = _SHI_HEAD.match(text)
    if m is None:
        return None
    ordinal = _cn_int(m.group(1))
    rest = text[m.end() :].strip()
    title, inline = _split_heading(rest)
    if not _HEADING_CUE.search(title.strip()):
        return None
    inner = _SHI.search(inline)
    inner_ordinal = _cn_int(inner.group(1)) if inner else 0
    if inline and inner_ordinal == ordinal + 1 and inner is not None and inner.start() == 0:
        return None  # "一是…的问题。二是…": measures enumerated on one line
    restarts = inner_ordinal == 1 and inner is not None
    announced = (
        _INLINE_LABEL.match(inline)
        or (not inline and _is_measure_label(following))
        or (restarts and inner is not None and inner.start() == 0)  # "…的问题。一是…；二是…"
        # Under a heading that has not announced its measures (整改情况：): the measures
        # restart at 一是 after an opening sentence ("二是…的问题。区委…，一是…；二是…。"), or
        # they are prose in a run of such problems ("三是…的问题。区纪委紧盯…").
        or (
            before is not None
            and bool(inline)
            and (restarts or before == ordinal - 1 > 0 or _next_shi_problem(following, ordinal))
        )
    )
    return _Marker(SHI, ordinal, rest) if announced else None


def _shi_run(stack: Sequence[_Node]) -> int | None:
    """The ordinal of the innermost open 是-problem (0 when there is none); None when the open
    heading, not itself a 是-problem, has announced its measures (整改情况：…)."""
    top = stack[-1]
    if top.kind != SHI and any(_announces_measures(c) for c in top.content):
        return None
    return next((n.ordinal for n in reversed(stack) if n.kind == SHI), 0)


def _next_shi_problem(following: str, ordinal: int) -> bool:
    """Whether the next line is the next 是-problem: "(N+1)是…的问题。…"."""
    m = _SHI_HEAD.match(following)
    if m is None or _cn_int(m.group(1)) != ordinal + 1:
        return False
    title, _ = _split_heading(following[m.end() :].strip())
    return bool(_HEADING_CUE.search(title.strip()))


def _is_enumeration(m: _Marker, following: str) -> bool:
    """A line numbered ① that goes on to ② …: a list of measures, unless its 整改情况 follows."""
    if m.kind != CIRCLED or m.ordinal >= len(_CIRCLED) or _CIRCLED[m.ordinal] not in m.rest:
        return False
    return not (_INLINE_LABEL.search(m.rest) or _is_measure_label(following))


_PARENT_CUE = re.compile(r"^(?:关于|针对)|问题(?:的整改(?:落实|进展)?(?:情况)?)?[。.]?$")


def _fold_measure_lists(node: _Node) -> None:
    """Numbered lines right under a problem, with nothing under them, are its measures."""
    for child in node.children:
        _fold_measure_lists(child)
    if node.depth == 0 or not node.children or any(not c.inline for c in node.content):
        return
    if node.depth == 1 and not _PARENT_CUE.search(node.title.strip()):
        return  # a category over problems that were published without measures
    if all(_is_measure_line(c) for c in node.children):
        node.content.extend(_Content(c.no, c.line) for c in node.children)
        node.children = []


def _is_measure_line(node: _Node) -> bool:
    """A numbered line with nothing under it that does not read as a problem heading."""
    if node.children or any(not c.inline or _announces_measures(c) for c in node.content):
        return False
    return not _looks_like_heading(node.title)


def _opens_measures(text: str) -> bool:
    """A content line that starts an enumeration: 一是…, or a numbered block （1）一是…."""
    m = _marker(text)
    return bool(re.match(_CN_NUM + r"是", m.rest if m else text))


# Text opening with an enumeration of measures: 一是…, or circled items under a number （1）①….
_MEASURE_START = re.compile(_CN_NUM + r"是|[" + _CIRCLED + r"]")


def _opens_content(rest: str) -> bool:
    """A numbered line whose text is measures (（1）一是… / （2）整改情况：…), not a heading."""
    return bool(_MEASURE_START.match(rest)) or _is_measure_label(rest)


def _is_complete_paragraph(node: _Node) -> bool:
    """A numbered paragraph that says all it has to say on its line (（一）加强领导。成立…)."""
    if node.content:
        return all(c.inline for c in node.content)
    return len(node.title) > 80 and len(_sentences(node.title)) > 1


def _heading_level(stack: Sequence[_Node], m: _Marker) -> int | None:
    """Return the stack depth at which the numbered line opens a heading, or None for content."""
    if stack[-1].measure_list == (m.kind, m.ordinal - 1) and not _looks_like_heading(m.rest):
        return None  # the next item of a numbered list of measures
    for depth, node in enumerate(stack[1:], start=1):
        if node.kind == m.kind:
            # A repeated number is a slip when climbing back from a sub-item, but a new list
            # of measures when the current item already has measures.
            repeat_ok = depth < len(stack) - 1 or not node.in_measures()
            low = node.ordinal if repeat_ok else node.ordinal + 1
            plausible = low <= m.ordinal <= node.ordinal + 3
            # At the top level a list starting again at 1 is a new part of the notice.
            plausible = plausible or (depth == 1 and m.ordinal == 1 and repeat_ok)
            return depth if plausible or _looks_like_heading(m.rest) else None
    top = stack[-1]
    if top.in_measures() and not _looks_like_heading(m.rest):
        return None
    if m.kind == SECTION:
        return None
    if _is_complete_paragraph(top):
        # A heading with its text on the same line is a complete item, not a parent.
        return len(stack) - 1
    return len(stack)


# --- From tree to problems ------------------------------------------------------------------


def _read_section(
    section: _Section, as_category: bool
) -> tuple[list[ParsedProblem], list[NotUnderstood]]:
    """Read one problem section; with `as_category`, its own heading is the problems' category."""
    root = _build_tree(section.lines)
    categorised = any(n.children for n in root.children)
    problems: list[ParsedProblem] = []
    unplaced: list[NotUnderstood] = []
    if as_category and not categorised and section.heading is not None:
        # The 一、 heading is the category: read the section as a category node of its own.
        marker = _marker(section.heading.text)
        title = marker.rest if marker else section.heading.text
        top = _Node(SECTION, 0, section.heading.no, section.heading.text, title, 1)
        top.children, top.content = root.children, root.content
        root = _Node("", 0, 0, "", "", 0, children=[top])
        categorised = True
    unplaced.extend(_unplaced(c) for c in root.content)
    for top in root.children:
        strict = categorised and bool(top.children) and not section.by_title
        if strict and not _mostly_problems(_leaves(top)):
            # A category whose items read as work done, not problems (an organisational part
            # without its own 一、 heading).
            unplaced.extend(_subtree_lines(top))
            continue
        _collect(top, [], categorised, problems, unplaced)
    return problems, unplaced


def _subtree_lines(node: _Node) -> Iterable[NotUnderstood]:
    yield NotUnderstood(node.no, node.heading)
    yield from (_unplaced(c) for c in node.content if not c.inline)
    for child in node.children:
        yield from _subtree_lines(child)


def _unplaced(content: _Content) -> NotUnderstood:
    return NotUnderstood(content.no, content.text)


def _collect(
    node: _Node,
    ancestors: list[_Node],
    categorised: bool,
    problems: list[ParsedProblem],
    unplaced: list[NotUnderstood],
) -> None:
    if node.children:
        unplaced.extend(_unplaced(c) for c in node.content if not c.inline)
        for child in node.children:
            _collect(child, [*ancestors, node], categorised, problems, unplaced)
        return
    if categorised and not ancestors:
        problem = _category_as_problem(node)
        if problem is None:
            unplaced.extend(_subtree_lines(node))
        else:
            problems.append(problem)
        return
    category = ancestors[0].heading if categorised else None
    groups = ancestors[1:] if categorised else ancestors
    group = " > ".join(n.heading for n in groups) or None
    title = _leaf_title(node)
    problems.append(ParsedProblem(category, group, title, _measures(node)))


def _leaf_heading(node: _Node) -> str:
    """The title part of a leaf; a heading with all its text on one line keeps its first sentence."""
    title = node.title.strip()
    return title if node.content else _first_sentence(title)


def _leaf_title(node: _Node) -> str:
    return normalise_title(_leaf_heading(node))


def _category_as_problem(node: _Node) -> ParsedProblem | None:
    """A category with no numbered problems: its text or its first paragraph is the problem."""
    own = [c for c in node.content if not c.inline]
    if not own or _SKIP_SECTION.search(node.title):
        return None
    labelled = [i for i, c in enumerate(own) if _is_measure_label(c.text)]
    if labelled and labelled[0] > 0 and _label(own[0].text) is None:
        # An unnumbered problem paragraph followed by its 整改情况.
        statement = _first_sentence(own[0].text)
        rest = _Node(node.kind, node.ordinal, own[0].no, "", "", node.depth, content=own[1:])
        return ParsedProblem(node.heading, None, normalise_title(statement), _measures(rest))
    if labelled or any(_enumerated(c.text) for c in own):
        return ParsedProblem(node.heading, None, normalise_title(node.title), _measures(node))
    return None


def _measures(node: _Node) -> tuple[str, ...]:
    """The measures of a leaf: its enumerated items if any paragraph enumerates, else paragraphs."""
    paragraphs = _measure_paragraphs(node)
    for style in _STYLES:
        items = [item for p in paragraphs for item in _items(p, style) if item]
        if items:
            return tuple(items)
    return tuple(paragraphs)


def _measure_paragraphs(node: _Node) -> list[str]:
    own = [c for c in node.content if not c.inline]
    # Same-line text after the heading is the measures only when nothing follows it; otherwise
    # it spells out the problem (…。一是…；二是…), unless the next paragraph goes on counting
    # (…三是…。 then 四是…): one list over two paragraphs.
    source = own if own and not _continues(node.content, own[0]) else node.content
    paragraphs: list[str] = []
    for c in source:
        text = c.text
        label = _INLINE_LABEL.search(text) if c.inline else None
        if label:
            text = text[label.start() :]  # sub-points of the problem come before 整改情况：
        paragraph = _measure_text(text)
        if paragraph:
            paragraphs.append(paragraph)
    return paragraphs


def _continues(content: Sequence[_Content], first_own: _Content) -> bool:
    """Whether the first paragraph under a heading continues its same-line 一是… list."""
    inline = [c for c in content if c.inline]
    counted = [_cn_int(m.group(1)) for c in inline for m in _SHI.finditer(c.text)]
    opening = _SHI_HEAD.match(first_own.text)
    return bool(counted) and opening is not None and _cn_int(opening.group(1)) == max(counted) + 1


def _measure_text(text: str) -> str:
    """The measure text of a content line, or "" for outcomes, explanations and statuses."""
    if _OUTCOME_START.match(text):
        return ""
    parts = _label(text)
    if parts is None:
        return text
    label, rest = parts
    if _MEASURE_LABELS.match(label):
        if len(rest) <= 20 and _STATUS.search(rest) and _enumerated(rest) is None:
            return ""  # a status line: 整改情况：已完成整改并长期坚持
        return rest
    if _OTHER_LABELS.search(label):
        return ""
    return text
