"""Dates as people type them in chat: 2027-03-31, 2027/3/31, 2027年3月31日, 2027年3月底."""

from __future__ import annotations

import re
from datetime import date

DATE = re.compile(
    r"(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*[日号]?"
    r"|(\d{4})\s*年\s*(\d{1,2})\s*月\s*(?:底|末)?"
)


def month_end(year: int, month: int) -> date:
    """Return the last day of a month."""
    following = date(year + month // 12, month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def date_of(match: re.Match[str]) -> date:
    """Build the date a `DATE` match names (a month alone: its last day); ValueError if none."""
    if match.group(1):
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    return month_end(int(match.group(4)), int(match.group(5)))


def read_date(body: str) -> date | None:
    """Return the date a whole word names, or None when it is not one (or does not exist)."""
    match = DATE.fullmatch(body.strip())
    if match is None:
        return None
    try:
        return date_of(match)
    except ValueError:
        return None
