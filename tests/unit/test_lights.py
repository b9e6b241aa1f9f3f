"""Traffic lights and check-in periods."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest

from domain.lights import LightPolicy, checkin_before, light_for
from domain.model import Light, TaskKind, TaskStatus, TaskView
from tests.conftest import SHANGHAI

POLICY = LightPolicy(tz=SHANGHAI)
MONDAY = datetime(2026, 11, 30, 10, 0, tzinfo=SHANGHAI)
CREATED = datetime(2026, 11, 2, 9, 0, tzinfo=SHANGHAI)


def task(**changes: object) -> TaskView:
    base = TaskView(
        id=1,
        campaign_id=1,
        number="1.1",
        problem_id=1,
        category=None,
        problem="问题",
        measure="措施",
        unit_id=1,
        unit_name="区科委",
        owner_id=1,
        owner_name="王",
        lead_id=None,
        lead_name=None,
        kind=TaskKind.BOUNDED,
        due_on=date(2027, 3, 31),
        status=TaskStatus.IN_PROGRESS,
        percent=50,
        created_at=CREATED,
        last_update_at=MONDAY - timedelta(hours=1),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_latest_checkin_is_the_previous_friday_morning() -> None:
    assert checkin_before(MONDAY, POLICY) == datetime(2026, 11, 27, 9, 30, tzinfo=SHANGHAI)
    friday_early = datetime(2026, 11, 27, 9, 0, tzinfo=SHANGHAI)
    assert checkin_before(friday_early, POLICY) == datetime(2026, 11, 20, 9, 30, tzinfo=SHANGHAI)


def test_a_recently_updated_task_far_from_its_deadline_is_green() -> None:
    assert light_for(task(), MONDAY, POLICY) == Light.GREEN


def test_an_overdue_task_is_red() -> None:
    assert light_for(task(due_on=date(2026, 11, 29)), MONDAY, POLICY) == Light.RED


def test_a_task_due_within_seven_days_is_yellow() -> None:
    assert light_for(task(due_on=date(2026, 12, 7)), MONDAY, POLICY) == Light.YELLOW


def test_no_update_since_the_last_checkin_is_yellow() -> None:
    quiet = task(last_update_at=datetime(2026, 11, 26, 9, 0, tzinfo=SHANGHAI))
    assert light_for(quiet, MONDAY, POLICY) == Light.YELLOW


def test_no_update_for_two_checkins_is_red() -> None:
    silent = task(last_update_at=datetime(2026, 11, 19, 9, 0, tzinfo=SHANGHAI))
    assert light_for(silent, MONDAY, POLICY) == Light.RED


def test_a_task_waiting_for_signoff_is_never_red_for_silence() -> None:
    waiting = task(
        status=TaskStatus.PENDING_REVIEW,
        last_update_at=datetime(2026, 11, 1, 9, 0, tzinfo=SHANGHAI),
    )
    assert light_for(waiting, MONDAY, POLICY) == Light.GREEN


def test_a_task_imported_this_week_is_not_silent() -> None:
    fresh = task(created_at=MONDAY - timedelta(hours=2), last_update_at=None)
    assert light_for(fresh, MONDAY, POLICY) == Light.GREEN


@pytest.mark.parametrize("status", [TaskStatus.CLOSED])
def test_a_closed_task_is_green_even_past_its_deadline(status: TaskStatus) -> None:
    assert light_for(task(status=status, due_on=date(2026, 1, 1)), MONDAY, POLICY) == Light.GREEN
