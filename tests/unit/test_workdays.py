"""China's working days: the package's notices, swapped weekends, and operator overrides."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from domain.rhythm.workdays import WorkCalendar, YearSchedule, load_overrides

CALENDAR = WorkCalendar()
EXAMPLE = (
    Path(__file__).resolve().parents[2] / "domain" / "data" / "workdays_overrides.example.toml"
)

# A made-up 2027 schedule in the shape of a notice (not the official one).
HYPOTHETICAL_2027 = """\
[2027]
days_off = ["2027-01-01", "2027-02-05..2027-02-13"]
working_days = [
    "2026-12-27",  # a Sunday in the year before, as cross-year swaps are
    "2027-02-14",
]
"""


def d(text: str) -> date:
    return date.fromisoformat(text)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "overrides.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("day", "working"),
    [
        ("2026-02-13", True),  # Friday before the break
        ("2026-02-14", True),  # Saturday worked in exchange
        ("2026-02-15", False),  # Sunday, first day of the break
        ("2026-02-16", False),  # New Year's Eve
        ("2026-02-17", False),
        ("2026-02-18", False),
        ("2026-02-19", False),
        ("2026-02-20", False),  # Friday swapped off for 02-14
        ("2026-02-21", False),
        ("2026-02-22", False),
        ("2026-02-23", False),  # Monday swapped off for 02-28, last day of the break
        ("2026-02-24", True),
        ("2026-02-28", True),  # Saturday worked in exchange
        ("2026-03-01", False),
    ],
)
def test_spring_festival_2026_follows_the_state_council_notice(day: str, working: bool) -> None:
    assert CALENDAR.is_working_day(d(day)) is working


@pytest.mark.parametrize(
    ("day", "working"),
    [
        ("2026-09-20", True),  # Sunday worked in exchange
        ("2026-09-25", False),  # Mid-Autumn Festival, a Friday
        ("2026-09-30", True),
        ("2026-10-01", False),
        ("2026-10-02", False),
        ("2026-10-03", False),
        ("2026-10-04", False),
        ("2026-10-05", False),
        ("2026-10-06", False),
        ("2026-10-07", False),
        ("2026-10-08", True),
        ("2026-10-10", True),  # Saturday worked in exchange
        ("2026-10-11", False),
    ],
)
def test_national_day_2026_follows_the_state_council_notice(day: str, working: bool) -> None:
    assert CALENDAR.is_working_day(d(day)) is working


@pytest.mark.parametrize(
    ("day", "working"),
    [("2026-03-06", True), ("2026-03-07", False), ("2026-03-08", False), ("2026-03-09", True)],
)
def test_an_ordinary_weekend_is_off_and_its_weekdays_work(day: str, working: bool) -> None:
    assert CALENDAR.is_working_day(d(day)) is working


@pytest.mark.skipif(not CALENDAR.has_data(2027), reason="the holidays package has no 2027 notice")
def test_the_package_2027_notice_has_days_off_and_swapped_working_weekends() -> None:
    days = [d("2027-01-01") + timedelta(days=n) for n in range(365)]
    assert not CALENDAR.is_working_day(d("2027-01-01"))
    assert not CALENDAR.is_working_day(d("2027-10-01"))
    assert any(day.weekday() >= 5 and CALENDAR.is_working_day(day) for day in days)


def test_a_year_without_data_falls_back_to_monday_to_friday() -> None:
    assert not CALENDAR.has_data(2100)
    week = [d("2100-10-01") + timedelta(days=n) for n in range(7)]  # Friday to Thursday
    assert [CALENDAR.is_working_day(day) for day in week] == [
        True,
        False,
        False,
        True,
        True,
        True,
        True,
    ]
    assert CALENDAR.holiday_name(d("2100-10-01")) is None


def test_years_without_data_lists_each_missing_year_once_in_order() -> None:
    assert CALENDAR.years_without_data([2100, 2026, 2000, 2100, 2025]) == [2000, 2100]


def test_an_override_replaces_the_package_data_for_its_year(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[2026]\ndays_off = ["2026-03-02"]\nworking_days = ["2026-03-07"]\n',
    )
    calendar = WorkCalendar(load_overrides(path))
    assert calendar.has_data(2026)
    assert calendar.is_working_day(d("2026-02-17"))  # the package's Spring Festival is gone
    assert not calendar.is_working_day(d("2026-02-14"))  # and so is its swapped Saturday
    assert not calendar.is_working_day(d("2026-03-02"))
    assert calendar.is_working_day(d("2026-03-07"))
    assert calendar.holiday_name(d("2026-03-02")) == "休息日"
    assert not calendar.is_working_day(d("2025-01-01"))  # other years keep the package's data


@pytest.mark.parametrize(
    ("day", "working"),
    [
        ("2026-12-27", True),  # the override's cross-year swap
        ("2027-01-01", False),
        ("2027-02-04", True),
        ("2027-02-05", False),
        ("2027-02-08", False),
        ("2027-02-13", False),
        ("2027-02-14", True),
        ("2027-02-15", True),
        ("2027-02-20", False),
    ],
)
def test_a_year_only_an_override_knows_uses_the_override(
    tmp_path: Path, day: str, working: bool
) -> None:
    calendar = WorkCalendar(load_overrides(write(tmp_path, HYPOTHETICAL_2027)))
    assert calendar.has_data(2027)
    assert calendar.years_without_data([2026, 2027, 2028]) == [2028]
    assert calendar.is_working_day(d(day)) is working


def test_a_day_off_from_an_override_is_named_from_the_package_when_it_can_be(
    tmp_path: Path,
) -> None:
    calendar = WorkCalendar(load_overrides(write(tmp_path, HYPOTHETICAL_2027)))
    assert calendar.holiday_name(d("2027-02-06")) == "春节"
    assert calendar.holiday_name(d("2027-02-12")) == "休息日"
    assert calendar.holiday_name(d("2027-02-15")) is None


def test_overrides_accept_unquoted_toml_dates(tmp_path: Path) -> None:
    path = write(tmp_path, "[2027]\ndays_off = [2027-01-01]\nworking_days = []\n")
    assert load_overrides(path) == {
        2027: YearSchedule(days_off=frozenset({d("2027-01-01")}), working_days=frozenset())
    }


def test_an_empty_override_file_overrides_nothing(tmp_path: Path) -> None:
    assert load_overrides(write(tmp_path, "# nothing yet\n")) == {}


def test_the_shipped_example_overrides_nothing_and_its_commented_example_parses(
    tmp_path: Path,
) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert load_overrides(EXAMPLE) == {}
    example = text[text.index("# [2099]") :]
    uncommented = "\n".join(
        line.removeprefix("#").removeprefix(" ") for line in example.splitlines()
    )
    schedule = load_overrides(write(tmp_path, uncommented))[2099]
    assert schedule.days_off == {d("2099-01-01") + timedelta(days=n) for n in range(4)}
    assert schedule.working_days == {d("2099-01-10")}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            '[2027]\ndays_off = ["2027-02-30"]\nworking_days = []\n',
            r"line 2: \[2027\]\.days_off\[0\]: '2027-02-30' is not a date in the calendar",
            id="an impossible date",
        ),
        pytest.param(
            '[2027]\ndays_off = ["2027/02/01"]\nworking_days = []\n',
            r"line 2: .*'2027/02/01' is not a date in the form YYYY-MM-DD",
            id="a date in another form",
        ),
        pytest.param(
            '[2027]\ndays_off = ["2027-01-01", "2027-02-13..2027-02-05"]\nworking_days = []\n',
            r"line 2: \[2027\]\.days_off\[1\]: bad range '2027-02-13..2027-02-05': it ends before",
            id="a range that ends before it starts",
        ),
        pytest.param(
            '[2027]\ndays_off = ["2027-02-01..2027-02-03..2027-02-05"]\nworking_days = []\n',
            r"line 2: .*bad range '2027-02-01..2027-02-03..2027-02-05'",
            id="a range with three ends",
        ),
        pytest.param(
            '[2027]\ndays_off = ["2027-02-01..2027-12-05"]\nworking_days = []\n',
            r"line 2: .*bad range '2027-02-01..2027-12-05': 308 days is longer than any break",
            id="a range longer than any break",
        ),
        pytest.param(
            '[2027]\ndays_off = ["2027-02-01..2027-02-3x"]\nworking_days = []\n',
            r"line 2: .*'2027-02-3x' is not a date in the form YYYY-MM-DD",
            id="a range with a bad end",
        ),
        pytest.param(
            '[2027]\ndays_off = []\nworking_days = []\nworking_day = ["2027-02-14"]\n',
            r"line 4: \[2027\]: unknown key 'working_day'",
            id="an unknown key",
        ),
        pytest.param(
            '[2027]\ndays_off = ["2027-01-01"]\n',
            r"\[2027\]: missing key 'working_days'",
            id="a missing key",
        ),
        pytest.param(
            "[next]\ndays_off = []\nworking_days = []\n",
            r"line 1: \[next\]: a section must be named by a year",
            id="a section not named by a year",
        ),
        pytest.param(
            '2027 = "2027-01-01"\n',
            r"line 1: 2027: expected a table \[2027\]",
            id="a year that is not a table",
        ),
        pytest.param(
            '[2027]\ndays_off = "2027-01-01"\nworking_days = []\n',
            r"line 2: \[2027\]\.days_off: expected a list",
            id="days off that are not a list",
        ),
        pytest.param(
            "[2027]\ndays_off = [20270101]\nworking_days = []\n",
            r"line 2: \[2027\]\.days_off\[0\]: expected a date string, got 20270101",
            id="a number for a date",
        ),
        pytest.param(
            '[2027]\ndays_off = ["2026-06-01"]\nworking_days = []\n',
            r"line 2: .*2026-06-01 is outside 2027",
            id="a date outside the year",
        ),
        pytest.param(
            '[2027]\ndays_off = []\nworking_days = ["2027-02-15"]\n',
            r"line 3: \[2027\]\.working_days: 2027-02-15 is a Monday",
            id="a weekday among the working days",
        ),
        pytest.param(
            '[2027]\ndays_off = ["2027-02-13"]\nworking_days = ["2027-02-13"]\n',
            r"2027-02-13 is listed both in days_off and in working_days",
            id="a day both off and worked",
        ),
        pytest.param(
            "[2027]\ndays_off = [\n",
            r"not valid TOML",
            id="broken TOML",
        ),
    ],
)
def test_a_malformed_override_file_is_rejected_naming_the_problem(
    tmp_path: Path, text: str, message: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ValueError, match=message) as caught:
        load_overrides(path)
    assert str(caught.value).startswith(str(path))


def test_a_calendar_refuses_an_override_with_dates_outside_its_year() -> None:
    schedule = YearSchedule(days_off=frozenset({d("2025-05-01")}), working_days=frozenset())
    with pytest.raises(ValueError, match="override for 2027: 2025-05-01 is outside 2027"):
        WorkCalendar({2027: schedule})


@pytest.mark.parametrize(
    ("day", "previous", "following"),
    [
        ("2026-02-13", "2026-02-13", "2026-02-13"),  # a working day is its own answer
        ("2026-02-14", "2026-02-14", "2026-02-14"),  # so is a swapped working Saturday
        ("2026-02-15", "2026-02-14", "2026-02-24"),
        ("2026-02-20", "2026-02-14", "2026-02-24"),
        ("2026-02-23", "2026-02-14", "2026-02-24"),
        ("2026-03-01", "2026-02-28", "2026-03-02"),
    ],
)
def test_previous_and_next_working_day_step_over_the_spring_festival(
    day: str, previous: str, following: str
) -> None:
    assert CALENDAR.previous_working_day(d(day)) == d(previous)
    assert CALENDAR.next_working_day(d(day)) == d(following)


@pytest.mark.parametrize(
    ("start", "end", "count"),
    [
        ("2026-02-13", "2026-02-13", 0),
        ("2026-02-24", "2026-02-13", 0),
        ("2026-02-13", "2026-02-14", 1),  # the end counts, the start does not
        ("2026-02-14", "2026-02-23", 0),  # the whole break
        ("2026-02-13", "2026-02-24", 2),
        ("2026-02-13", "2026-03-02", 7),
        ("2025-12-31", "2026-01-05", 2),  # across New Year: 01-04 (a Sunday) and 01-05
        ("2025-12-31", "2026-12-31", 248),  # every working day of 2026
    ],
)
def test_working_days_between_counts_working_days_after_start_up_to_end(
    start: str, end: str, count: int
) -> None:
    assert CALENDAR.working_days_between(d(start), d(end)) == count


def test_working_days_between_agrees_with_counting_day_by_day_across_years() -> None:
    start, end = d("2024-11-15"), d("2028-02-10")
    days = [start + timedelta(days=n) for n in range(1, (end - start).days + 1)]
    expected = sum(CALENDAR.is_working_day(day) for day in days)
    assert CALENDAR.working_days_between(start, end) == expected


@pytest.mark.parametrize(
    ("day", "name"),
    [
        ("2026-02-17", "春节"),
        ("2026-02-16", "农历除夕"),
        ("2026-10-01", "国庆节"),
        ("2026-02-20", "休息日（由 2026-02-14 调休）"),
        ("2026-02-14", None),  # a swapped working day is no holiday
        ("2026-03-09", None),
    ],
)
def test_holiday_name_names_days_off_from_the_package(day: str, name: str | None) -> None:
    assert CALENDAR.holiday_name(d(day)) == name
