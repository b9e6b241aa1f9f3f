"""China's working days: the statutory calendar with its swapped working weekends (调休).

The package `holidays` supplies each year's State Council notice (days off and the weekend days
worked in exchange). The State Council publishes next year's notice each November, usually before
a release of the package carries it, so an operator can put a year's notice into a TOML file that
replaces the package's data for that year:

    [2027]
    days_off = ["2027-01-01", "2027-02-05..2027-02-13"]   # single days or inclusive ranges
    working_days = ["2027-02-14"]                           # weekend days that are worked

Both keys are required (an empty list is fine). A notice may swap days in December of the year
before (the 2007 notice made 2006-12-30 a working day), so a `[Y]` section may also hold dates in
December of Y-1. See domain/data/workdays_overrides.example.toml.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import holidays
from holidays.countries.china import ChinaStaticHolidays

# Names for logs; the officials read Chinese.
_LANGUAGE = "zh_CN"
# Name for a day off that only an override knows about.
_GENERIC_DAY_OFF = "休息日"
# The longest national break so far is ten days (2020); a longer range is most likely a typo.
_MAX_RANGE_DAYS = 31
_DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")
_YEAR_PATTERN = re.compile(r"\d{4}")
_KEYS = ("days_off", "working_days")
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# Years whose official notice the package carries; other years it only estimates from the law,
# without the swapped working days, which is worse than an honest "no data".
_PACKAGE_YEARS = frozenset(ChinaStaticHolidays.special_public_holidays)


@dataclass(frozen=True, slots=True)
class YearSchedule:
    """One year's State Council notice: the days off and the swapped working days."""

    days_off: frozenset[date]
    working_days: frozenset[date]


@dataclass(frozen=True, slots=True)
class _Year:
    """One calendar year, precomputed for cheap look-ups."""

    start: date
    days_off: frozenset[date]
    names: Mapping[date, str]
    # cumulative[k] is the number of working days among the year's first k days.
    cumulative: tuple[int, ...]

    def index(self, day: date) -> int:
        """Return the 1-based position of `day` in the year."""
        return day.toordinal() - self.start.toordinal() + 1

    def is_working(self, day: date) -> bool:
        """Return whether `day` (in this year) is a working day."""
        k = self.index(day)
        return self.cumulative[k] > self.cumulative[k - 1]

    @property
    def total(self) -> int:
        """Return the number of working days in the year."""
        return self.cumulative[-1]


class WorkCalendar:
    """Answer which days are working days in mainland China."""

    def __init__(self, overrides: Mapping[int, YearSchedule] | None = None) -> None:
        """Use the package's data, replaced year by year by `overrides`."""
        self._overrides = dict(overrides or {})
        for year, schedule in self._overrides.items():
            problem = _schedule_problem(year, schedule)
            if problem is not None:
                raise ValueError(f"override for {year}: {problem}")
        self._notices: dict[int, YearSchedule | None] = {}
        self._packages: dict[int, tuple[dict[date, str], frozenset[date]]] = {}
        self._years: dict[int, _Year] = {}
        self._cross_year: frozenset[date] | None = None

    def is_working_day(self, day: date) -> bool:
        """Return whether `day` is a working day (Monday–Friday if its year has no data)."""
        return self._year(day.year).is_working(day)

    def has_data(self, year: int) -> bool:
        """Return whether the package or an override carries `year`'s notice."""
        return self._notice(year) is not None

    def years_without_data(self, years: Iterable[int]) -> list[int]:
        """Return the distinct years among `years` that have no data, in ascending order."""
        return sorted({year for year in years if not self.has_data(year)})

    def previous_working_day(self, day: date) -> date:
        """Return the latest working day on or before `day`."""
        while not self.is_working_day(day):
            day -= timedelta(days=1)
        return day

    def next_working_day(self, day: date) -> date:
        """Return the earliest working day on or after `day`."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Return the number of working days in (start, end], 0 if `end` is not after `start`."""
        if end <= start:
            return 0
        first, last = self._year(start.year), self._year(end.year)
        if start.year == end.year:
            return first.cumulative[first.index(end)] - first.cumulative[first.index(start)]
        count = first.total - first.cumulative[first.index(start)]
        count += sum(self._year(year).total for year in range(start.year + 1, end.year))
        return count + last.cumulative[last.index(end)]

    def holiday_name(self, day: date) -> str | None:
        """Return the name of the day off `day` is (e.g. "春节"), or None if it is not one."""
        year = self._year(day.year)
        if day not in year.days_off:
            return None
        return year.names.get(day, _GENERIC_DAY_OFF)

    def _year(self, year: int) -> _Year:
        """Return calendar year `year`, computing it on first use."""
        cached = self._years.get(year)
        if cached is not None:
            return cached
        days_off: set[date] = set()
        working: set[date] = set()
        # The next year's notice may swap days in this year's December.
        for notice_year in (year, year + 1):
            notice = self._notice(notice_year)
            if notice is not None:
                days_off.update(d for d in notice.days_off if d.year == year)
                working.update(d for d in notice.working_days if d.year == year)
        start = date(year, 1, 1)
        cumulative = [0]
        for day in _days(start, date(year, 12, 31)):
            # A listed working weekday or a day off on a weekend changes nothing, as in the package.
            works = day not in days_off if day.weekday() < 5 else day in working
            cumulative.append(cumulative[-1] + works)
        # Estimated names serve years the package has no notice for.
        names, _ = self._package(year)
        computed = _Year(
            start=start,
            days_off=frozenset(days_off),
            names={d: names[d] for d in days_off if d in names},
            cumulative=tuple(cumulative),
        )
        self._years[year] = computed
        return computed

    def _notice(self, year: int) -> YearSchedule | None:
        """Return `year`'s notice from the overrides or the package, None if neither has it."""
        if year in self._overrides:
            return self._overrides[year]
        if year not in _PACKAGE_YEARS:
            return None
        if year not in self._notices:
            self._notices[year] = self._package_notice(year)
        return self._notices[year]

    def _package_notice(self, year: int) -> YearSchedule:
        """Return the package's notice for `year`, including its swaps in the year before."""
        days_off, weekend_workdays = self._package(year)
        # The package keeps every notice's cross-year swaps in each year's set; attribute them to
        # their own notice so that overriding a year drops exactly that year's swaps.
        cross = self._cross_year_workdays()
        working = {d for d in weekend_workdays if d.year == year and d not in cross}
        working.update(d for d in cross if d.year == year - 1)
        return YearSchedule(days_off=frozenset(days_off), working_days=frozenset(working))

    def _cross_year_workdays(self) -> frozenset[date]:
        """Return the working days the package's notices set in the year before their own."""
        if self._cross_year is None:
            # With no years populated, the set holds only the cross-year swaps.
            empty = holidays.country_holidays("CN", language=_LANGUAGE)
            self._cross_year = frozenset(empty.weekend_workdays)
        return self._cross_year

    def _package(self, year: int) -> tuple[dict[date, str], frozenset[date]]:
        """Return the package's named days off and weekend working days for `year`."""
        if year not in self._packages:
            package = holidays.country_holidays("CN", years=year, language=_LANGUAGE)
            # A plain dict, because looking a date up in the package adds the date's year to it.
            self._packages[year] = (dict(package.items()), frozenset(package.weekend_workdays))
        return self._packages[year]


def load_overrides(path: Path) -> dict[int, YearSchedule]:
    """Read an override file (format in the module docstring); raise ValueError if malformed."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: not UTF-8 text ({exc})") from exc
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path}: not valid TOML: {exc}") from exc
    source = _Source(path, text)
    overrides: dict[int, YearSchedule] = {}
    for key, section in document.items():
        if not _YEAR_PATTERN.fullmatch(key):
            raise source.error(
                key, _key(key), f"[{key}]: a section must be named by a year, like [2027]"
            )
        overrides[int(key)] = _parse_section(int(key), section, source)
    return overrides


@dataclass(frozen=True, slots=True)
class _Source:
    """An override file being read, for error messages."""

    path: Path
    text: str

    def error(self, section: str, needle: re.Pattern[str] | None, message: str) -> ValueError:
        """Return a ValueError naming the file, the line if it can be found, and the problem."""
        line = self._line_of(section, needle) if needle is not None else None
        where = f"{self.path}, line {line}" if line is not None else str(self.path)
        return ValueError(f"{where}: {message}")

    def _line_of(self, section: str, needle: re.Pattern[str]) -> int | None:
        """Return the first line from `section`'s header on (or else the file's) that matches."""
        lines = self.text.splitlines()
        header = re.compile(rf"\s*\[\s*[\"']?{re.escape(section)}[\"']?\s*\]")
        start = next((i for i, line in enumerate(lines) if header.match(line)), 0)
        for i in range(start, len(lines)):
            if needle.search(lines[i].split("#", 1)[0]):
                return i + 1
        return None


def _key(name: str) -> re.Pattern[str]:
    """Return a pattern for the line that sets or opens `name`."""
    return re.compile(rf"^\s*\[?\s*[\"']?{re.escape(name)}[\"']?\s*[=\]]")


def _text(value: str) -> re.Pattern[str]:
    """Return a pattern for a line that mentions `value`."""
    return re.compile(re.escape(value))


def _parse_section(year: int, section: object, source: _Source) -> YearSchedule:
    """Return the notice one `[year]` section describes."""
    key = str(year)
    if not isinstance(section, dict):
        raise source.error(key, _key(key), f"{key}: expected a table [{key}], got {section!r}")
    for name in section:
        if name not in _KEYS:
            raise source.error(
                key,
                _key(name),
                f"[{key}]: unknown key {name!r} (expected {' and '.join(_KEYS)})",
            )
    for name in _KEYS:
        if name not in section:
            raise source.error(
                key, _key(key), f"[{key}]: missing key {name!r} (an empty list is fine)"
            )
    days_off = _parse_dates(year, "days_off", section["days_off"], source)
    working = _parse_dates(year, "working_days", section["working_days"], source)
    for day in sorted(working):
        if day.weekday() < 5:
            raise source.error(
                key,
                _text(day.isoformat()),
                f"[{key}].working_days: {day} is a {_WEEKDAY_NAMES[day.weekday()]}; list only "
                "the weekend days that are worked",
            )
    both = sorted(days_off & working)
    if both:
        raise source.error(
            key,
            _text(both[0].isoformat()),
            f"[{key}]: {both[0]} is listed both in days_off and in working_days",
        )
    return YearSchedule(days_off=frozenset(days_off), working_days=frozenset(working))


def _parse_dates(year: int, name: str, entries: object, source: _Source) -> set[date]:
    """Return the dates a list of days and ranges names."""
    key = str(year)
    if not isinstance(entries, list):
        raise source.error(key, _key(name), f"[{key}].{name}: expected a list, got {entries!r}")
    days: set[date] = set()
    for i, entry in enumerate(entries):
        here = f"[{key}].{name}[{i}]"
        if isinstance(entry, str):
            first, last = _parse_entry(entry, here, key, source)
            mention = entry
        elif isinstance(entry, date) and not isinstance(entry, datetime):
            first = last = entry  # an unquoted TOML date
            mention = entry.isoformat()
        else:
            raise source.error(key, _key(name), f"{here}: expected a date string, got {entry!r}")
        for day in (first, last):
            if not _in_notice(year, day):
                raise source.error(
                    key,
                    _text(mention),
                    f"{here}: {day} is outside {year} (a [{year}] section holds dates in {year}, "
                    f"or in December {year - 1} for swaps across New Year)",
                )
        days.update(_days(first, last))
    return days


def _parse_entry(entry: str, here: str, key: str, source: _Source) -> tuple[date, date]:
    """Return the first and last day of "YYYY-MM-DD" or "YYYY-MM-DD..YYYY-MM-DD"."""
    parts = entry.strip().split("..")
    if len(parts) > 2:
        raise source.error(key, _text(entry), f"{here}: bad range {entry!r}")
    try:
        bounds = [_parse_date(part.strip()) for part in parts]
    except ValueError as exc:
        raise source.error(key, _text(entry), f"{here}: {exc}") from None
    first, last = bounds[0], bounds[-1]
    span = (last - first).days + 1
    if span < 1:
        raise source.error(
            key, _text(entry), f"{here}: bad range {entry!r}: it ends before it starts"
        )
    if span > _MAX_RANGE_DAYS:
        raise source.error(
            key,
            _text(entry),
            f"{here}: bad range {entry!r}: {span} days is longer than any break "
            f"({_MAX_RANGE_DAYS} days at most); list two ranges if it is meant",
        )
    return first, last


def _parse_date(raw: str) -> date:
    """Return the date "YYYY-MM-DD" names."""
    # date.fromisoformat alone would also take "20270101" and week dates.
    if not _DATE_PATTERN.fullmatch(raw):
        raise ValueError(f"{raw!r} is not a date in the form YYYY-MM-DD")
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"{raw!r} is not a date in the calendar") from None


def _in_notice(year: int, day: date) -> bool:
    """Return whether a `[year]` section may name `day`."""
    return day.year == year or (day.year == year - 1 and day.month == 12)


def _schedule_problem(year: int, schedule: YearSchedule) -> str | None:
    """Return what is wrong with `schedule` as `year`'s notice, or None."""
    for day in sorted(schedule.days_off | schedule.working_days):
        if not _in_notice(year, day):
            return f"{day} is outside {year} and December {year - 1}"
    both = sorted(schedule.days_off & schedule.working_days)
    if both:
        return f"{both[0]} is both a day off and a working day"
    return None


def _days(first: date, last: date) -> Iterator[date]:
    """Yield every day from `first` to `last` inclusive."""
    for offset in range((last - first).days + 1):
        yield first + timedelta(days=offset)
