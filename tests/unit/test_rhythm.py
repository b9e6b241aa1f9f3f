"""When runs fall due, around the Spring Festival 2026 and its swapped working weekends."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from domain.rhythm.policy import (
    Kind,
    RhythmPolicy,
    bulletin_run,
    deadline_run,
    periodic_runs,
    quarterly_run,
    week_label,
    week_monday,
    week_of_label,
    weekly_run,
)
from domain.rhythm.workdays import WorkCalendar
from tests.conftest import SHANGHAI

POLICY = RhythmPolicy(tz=SHANGHAI, calendar=WorkCalendar())


def test_week_labels_follow_iso_weeks() -> None:
    assert week_label(date(2026, 12, 31)) == "2026-W53"
    assert week_label(date(2027, 1, 3)) == "2026-W53"
    assert week_label(date(2027, 1, 4)) == "2027-W01"


@pytest.mark.parametrize(
    ("kind", "monday", "expected"),
    [
        # An ordinary week: Friday 09:30 check-in, Monday 09:00 digest.
        (Kind.CHECKIN, date(2026, 3, 2), datetime(2026, 3, 6, 9, 30)),
        (Kind.DIGEST, date(2026, 3, 2), datetime(2026, 3, 2, 9, 0)),
        # The week before the holiday: Friday 13 February works as usual.
        (Kind.CHECKIN, date(2026, 2, 9), datetime(2026, 2, 13, 9, 30)),
        # The holiday week has no working day: the run moves to the next one, Tuesday 24.
        (Kind.CHECKIN, date(2026, 2, 16), datetime(2026, 2, 24, 9, 30)),
        (Kind.DIGEST, date(2026, 2, 16), datetime(2026, 2, 24, 9, 0)),
        # Monday 23 February is a day off: its week's digest also waits for Tuesday.
        (Kind.DIGEST, date(2026, 2, 23), datetime(2026, 2, 24, 9, 0)),
        (Kind.CHECKIN, date(2026, 2, 23), datetime(2026, 2, 27, 9, 30)),
    ],
)
def test_weekly_runs_move_off_days_off(kind: Kind, monday: date, expected: datetime) -> None:
    run = weekly_run(kind, monday, POLICY)
    assert run.due_at == expected.replace(tzinfo=SHANGHAI)
    assert run.period == week_label(monday)


def test_a_friday_holiday_moves_the_checkin_back_within_its_week() -> None:
    # National Day 2026: Friday 2 October is a day off; Thursday 1 October too, and the week's
    # working days before it are Monday 28 to Wednesday 30 September.
    run = weekly_run(Kind.CHECKIN, date(2026, 9, 28), POLICY)
    assert run.day < date(2026, 10, 2)
    assert POLICY.calendar.is_working_day(run.day)
    assert week_monday(run.day) == date(2026, 9, 28)


def test_the_february_bulletin_goes_out_on_the_swapped_working_saturday() -> None:
    run = bulletin_run(2026, 2, POLICY)
    assert run.due_at == datetime(2026, 2, 28, 16, 0, tzinfo=SHANGHAI)
    assert run.period == "2026-02"


@pytest.mark.parametrize(
    ("kind", "due_on", "expected_day"),
    [
        (Kind.DUE_7, date(2026, 2, 20), date(2026, 2, 13)),
        # The day before is a holiday: warn on the swapped working Saturday, not after.
        (Kind.DUE_1, date(2026, 2, 20), date(2026, 2, 14)),
        # The first overdue day is in the holiday: tell them when work resumes.
        (Kind.OVERDUE, date(2026, 2, 20), date(2026, 2, 24)),
        (Kind.DUE_1, date(2026, 3, 3), date(2026, 3, 2)),
        (Kind.OVERDUE, date(2026, 3, 3), date(2026, 3, 4)),
    ],
)
def test_deadline_warnings_never_move_past_the_deadline(
    kind: Kind, due_on: date, expected_day: date
) -> None:
    run = deadline_run(kind, due_on, POLICY)
    assert run.day == expected_day
    if kind != Kind.OVERDUE:
        assert run.day < due_on


def test_periodic_runs_in_the_holiday_fortnight_fall_only_on_working_days() -> None:
    start = datetime(2026, 2, 9, 0, 0, tzinfo=SHANGHAI)
    runs = list(periodic_runs(start, start + timedelta(days=21), POLICY))
    assert runs
    for run in runs:
        assert POLICY.calendar.is_working_day(run.day), run
    kinds_on_24th = sorted(r.kind.value for r in runs if r.day == date(2026, 2, 24))
    assert kinds_on_24th.count("digest") == 2  # the holiday week's and the next week's
    assert "checkin" in kinds_on_24th


def test_sending_window_is_working_hours_on_working_days() -> None:
    assert POLICY.in_window(datetime(2026, 2, 14, 9, 0, tzinfo=SHANGHAI))  # swapped Saturday
    assert not POLICY.in_window(datetime(2026, 2, 17, 9, 0, tzinfo=SHANGHAI))  # 春节
    assert not POLICY.in_window(datetime(2026, 3, 2, 8, 0, tzinfo=SHANGHAI))
    assert not POLICY.in_window(datetime(2026, 3, 2, 18, 0, tzinfo=SHANGHAI))
    assert POLICY.in_window(datetime(2026, 3, 2, 17, 59, tzinfo=SHANGHAI))


@pytest.mark.parametrize(
    ("monday", "expected"),
    [
        # An ordinary week: after Friday's 09:30 check-in and 16:00 nudge.
        (date(2026, 3, 2), datetime(2026, 3, 6, 17, 0)),
        # The holiday week: moved with the check-in to Tuesday 24 February, still after it.
        (date(2026, 2, 16), datetime(2026, 2, 24, 17, 0)),
    ],
)
def test_escalation_runs_weekly_after_the_checkin_and_the_nudge(
    monday: date, expected: datetime
) -> None:
    run = weekly_run(Kind.ESCALATION, monday, POLICY)
    assert run.due_at == expected.replace(tzinfo=SHANGHAI)
    assert run.period == week_label(monday)
    assert run.due_at > weekly_run(Kind.NUDGE, monday, POLICY).due_at
    assert run.due_at > weekly_run(Kind.CHECKIN, monday, POLICY).due_at


def test_escalation_is_scheduled_with_custom_weekly_slots_and_can_be_switched_off() -> None:
    start = datetime(2026, 3, 2, 0, 0, tzinfo=SHANGHAI)
    custom = RhythmPolicy(tz=SHANGHAI, calendar=WorkCalendar(), weekly={})
    kinds = {r.kind for r in periodic_runs(start, start + timedelta(days=7), custom)}
    assert Kind.ESCALATION in kinds
    off = RhythmPolicy(tz=SHANGHAI, calendar=WorkCalendar(), weekly={}, escalation=None)
    kinds = {r.kind for r in periodic_runs(start, start + timedelta(days=7), off)}
    assert Kind.ESCALATION not in kinds


def test_week_labels_turn_back_into_their_mondays() -> None:
    for day in (date(2026, 12, 31), date(2027, 1, 4), date(2026, 2, 24)):
        assert week_of_label(week_label(day)) == week_monday(day)


@pytest.mark.parametrize(
    ("year", "quarter", "day"),
    [
        (2026, 1, date(2026, 3, 31)),
        (2026, 2, date(2026, 6, 30)),
        (2026, 3, date(2026, 9, 30)),  # the day before National Day
        (2026, 4, date(2026, 12, 31)),
        (2025, 4, date(2025, 12, 31)),
    ],
)
def test_the_quarterly_summary_runs_on_the_quarters_last_working_day(
    year: int, quarter: int, day: date
) -> None:
    run = quarterly_run(year, quarter, POLICY)
    assert run.day == day
    assert run.period == f"{year}-Q{quarter}"
    assert run.due_at == datetime(day.year, day.month, day.day, 16, 30, tzinfo=SHANGHAI)
    # The month's bulletin comes first the same day.
    assert run.due_at > bulletin_run(day.year, day.month, POLICY).due_at


def test_a_quarter_ending_on_a_weekend_moves_back_to_its_last_working_day() -> None:
    # 31 March 2024 was a Sunday.
    assert quarterly_run(2024, 1, POLICY).day == date(2024, 3, 29)
