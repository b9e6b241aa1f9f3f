"""The sane window for a deadline (整改时限): one typo must not stop the rhythm for everyone."""

from __future__ import annotations

from datetime import date

EARLIEST = date(2000, 1, 1)
LATEST = date(2099, 12, 31)  # date arithmetic near 9999-12-31 overflows in every reminder
YEARS_AHEAD = 10  # a new deadline set later (an extension) is at most this far ahead


def in_window(due: date) -> bool:
    """Tell whether a deadline read from a workbook is within the years a round can span."""
    return EARLIEST <= due <= LATEST


def latest_from(today: date) -> date:
    """The latest deadline an extension may set, YEARS_AHEAD years from today."""
    try:
        return today.replace(year=today.year + YEARS_AHEAD)
    except ValueError:  # 29 February
        return today.replace(year=today.year + YEARS_AHEAD, day=28)
