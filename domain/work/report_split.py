"""Split one weekly message into per-measure items: by 序号 (1.2), by list position (第3项), or 其余.

Officials write their week the way the notices do: ``1.2 已完成专题学习，完成50%；2.2 调研报告已形成
初稿，完成80%；其余按计划推进``, one item per line or separated by ；/;. A segment that names no
measure continues the item before it (a wrapped line); text before the first named item is a
preamble and belongs to no measure.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from domain.intake.headings import zh_number
from domain.work.progress_text import parse_progress

__all__ = ["ItemKind", "SplitItem", "is_no_change", "split_report"]

_SEPARATORS = re.compile(r"[\r\n;；]+")
_NUMBER = re.compile(
    r"^\s*(?:任务|措施|序号|第)?\s*(?P<number>\d{1,3}(?:\.\d{1,3}){1,2})(?![\d%])"
    r"(?!\s*(?:万|亿|元|个|人|次|年|月|日|天|倍|米|公里|平方|吨|户|家|小时|分))\s*(?:项|条)?"
    r"(?:[\s:、.,，]+|(?=[^\d.%\s]))"
)
_POSITION = re.compile(
    r"^\s*(?:第\s*(?P<zh>[0-9]{1,2}|[一二两三四五六七八九十]{1,3})\s*[项条个]"
    r"|[(（]\s*(?P<paren>[0-9]{1,2})\s*[)）]"
    r"|(?P<listed>[0-9]{1,2})\s*[、)）])"
    r"[\s:、.,，]*"
)
_REST = re.compile(r"^\s*(?:其余|其他|其它|剩余|剩下|另外)(?:的)?(?:各?项|任务|措施|事项)?")
_NO_CHANGE = re.compile(
    r"无新进展|没有新进展|暂无新?进展|无明显进展|没有进展|无进展|无变化|没有变化"
    r"|按计划(?:有序)?推进|按计划进行|正常推进|稳步推进|持续推进|进展正常|按序时推进|按期推进"
    r"|\bno (?:new )?(?:change|progress)\b|\bon track\b|\bas planned\b"
)


class ItemKind(StrEnum):
    """How an item names its measure."""

    NUMBER = "number"  # by 序号, e.g. 1.2
    POSITION = "position"  # by place in the check-in list, e.g. 第3项
    REST = "rest"  # 其余…: every listed measure not named elsewhere


@dataclass(frozen=True, slots=True)
class SplitItem:
    """One measure's slice of a message and what it says."""

    kind: ItemKind
    ref: str  # the 序号, the position as digits, or "" for REST
    text: str
    percent: int | None
    done: bool
    no_change: bool


def is_no_change(text: str) -> bool:
    """Tell whether a text says "no change this week" (and no percent or done)."""
    norm = unicodedata.normalize("NFKC", text).lower()
    if not _NO_CHANGE.search(norm):
        return False
    parsed = parse_progress(text)
    return parsed.percent is None and not parsed.done


def split_report(text: str) -> list[SplitItem]:
    """Return the message's items in order; fewer than two means it is about one measure."""
    heads: list[tuple[ItemKind, str, str]] = []
    for segment in _SEPARATORS.split(text):
        if not segment.strip():
            continue
        head = _head(segment)
        if head is not None:
            heads.append(head)
        elif heads:  # a wrapped line continues the item before it
            kind, ref, body = heads[-1]
            heads[-1] = (kind, ref, f"{body}；{segment.strip()}")
    return [_item(kind, ref, body) for kind, ref, body in heads]


def _head(segment: str) -> tuple[ItemKind, str, str] | None:
    """Match the item's head on the NFKC form (full-width digits and colons); keep the original."""
    norm = unicodedata.normalize("NFKC", segment)
    if len(norm) != len(segment):  # a ligature or the like: offsets would not line up
        norm = segment
    if m := _NUMBER.match(norm):
        return ItemKind.NUMBER, m["number"], segment[m.end() :].strip()
    if m := _POSITION.match(norm):
        raw = m["zh"] or m["paren"] or m["listed"]
        position = int(raw) if raw.isdigit() else zh_number(raw)
        if position:
            return ItemKind.POSITION, str(position), segment[m.end() :].strip()
    if _REST.match(norm):
        return ItemKind.REST, "", segment.strip()
    return None


def _item(kind: ItemKind, ref: str, body: str) -> SplitItem:
    if kind == ItemKind.REST:  # 其余… says nothing new unless it gives a figure
        parsed = parse_progress(body)
        quiet = parsed.percent is None and not parsed.done
        return SplitItem(kind, ref, body, parsed.percent, parsed.done, quiet)
    parsed = parse_progress(body)
    return SplitItem(kind, ref, body, parsed.percent, parsed.done, is_no_change(body))
