"""How notices number and name things in Chinese: numerals both ways, and category headings.

Shared by what reads problem tables into notice lines (notice_docx) and what writes the
rectification report (rectification_report), so both say "（三）“党的建设”方面" alike.
"""

from __future__ import annotations

import re

_DIGITS = "一二三四五六七八九"
_ZH_DIGITS = {"零": 0, "两": 2} | {ch: i for i, ch in enumerate(_DIGITS, start=1)}
_ZH_UNITS = {"十": 10, "百": 100}
_QUOTE_MARKS = '“”"「」‘’'
# A heading's own number: 一、 （一） (1) 1. 1、
LEADING_NUMBER = re.compile(
    r"^\s*(?:[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+[、.．]|\d+[.、．])\s*"
)
# A category taken from a notice heading: "“…”问题的整改落实情况。" around the name.
_CATEGORY_TAIL = re.compile(r"[”\"]?(?:问题)?(?:的)?(?:整改落实|整改进展|整改)?(?:情况)?[。.：:]?$")
_CATEGORY_LABEL = re.compile(r"^(?:(?:巡视|巡察|审计)?反馈(?:的)?问题[：:]|关于)")


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 35 → 三十五; from 100 on (no notice counts so far), digits."""
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _DIGITS[tens - 1] + "十")
    return head + (_DIGITS[ones - 1] if ones else "")


def zh_number(numeral: str) -> int | None:
    """Convert a Chinese numeral such as 二十五, 九十九 or 一百零五 to an int."""
    if not numeral:
        return None
    total, digit, last_unit = 0, None, 1000
    for ch in numeral:
        if ch in _ZH_DIGITS:
            if digit:  # two digits in a row ("五五") is not a numeral; 零 may precede one
                return None
            digit = _ZH_DIGITS[ch]
        elif ch in _ZH_UNITS and _ZH_UNITS[ch] < last_unit:
            last_unit = _ZH_UNITS[ch]
            total += (1 if digit is None else digit) * last_unit
            digit = None
        else:
            return None
    return total + (digit or 0)


def category_name(text: str) -> str:
    """A category as a heading quotes it: without a number, label or wrapper of its own and
    without the "方面" the heading adds after the quote ("二、“党的建设”方面" → "党的建设")."""
    name = _CATEGORY_LABEL.sub("", LEADING_NUMBER.sub("", text.strip()))
    name = _CATEGORY_TAIL.sub("", name).strip(_QUOTE_MARKS)
    return name.removesuffix("方面").strip(_QUOTE_MARKS)
