"""Traffic lights (红黄绿灯) and the check-in periods they are measured against."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain.model import Light, TaskStatus, TaskView


@dataclass(frozen=True, slots=True)
class LightPolicy:
    """The thresholds behind the lights (defaults from the design notes)."""

    tz: ZoneInfo
    yellow_days_before_due: int = 7
    red_after_silent_checkins: int = 2
    checkin_weekday: int = 4  # Friday (Monday is 0)
    checkin_time: time = time(9, 30)


def checkin_before(moment: datetime, policy: LightPolicy, back: int = 0) -> datetime:
    """Return the latest check-in instant at or before `moment`, `back` periods earlier."""
    local = moment.astimezone(policy.tz)
    days_since = (local.weekday() - policy.checkin_weekday) % 7
    candidate = datetime.combine(
        local.date() - timedelta(days=days_since), policy.checkin_time, tzinfo=policy.tz
    )
    if candidate > local:
        candidate -= timedelta(days=7)
    return candidate - timedelta(days=7 * back)


def is_overdue(task: TaskView, today: date) -> bool:
    """Tell whether the task is past its deadline and not signed off."""
    return task.status != TaskStatus.CLOSED and task.due_on is not None and today > task.due_on


@dataclass(frozen=True, slots=True)
class LightThresholds:
    """The instants and days one moment's lights are decided against.

    The rule below reads only these and five fields of a task, so storage can say the same
    rule in SQL (`storage.figures.light_case`), fed the same thresholds.
    """

    today: date  # overdue: due before today
    yellow_until: date  # yellow: due on or before this day
    red_before: datetime  # red: silent since before this check-in (created before it too)
    yellow_before: datetime  # yellow: silent since before the latest check-in


def thresholds(now: datetime, policy: LightPolicy) -> LightThresholds:
    """Work out the thresholds of the moment `now`."""
    today = now.astimezone(policy.tz).date()
    return LightThresholds(
        today=today,
        yellow_until=today + timedelta(days=policy.yellow_days_before_due),
        red_before=checkin_before(now, policy, back=policy.red_after_silent_checkins - 1),
        yellow_before=checkin_before(now, policy),
    )


def light_for(task: TaskView, now: datetime, policy: LightPolicy) -> Light:
    """Decide a task's light: red overdue or long silent, yellow close or quiet, else green."""
    return light_of(task, thresholds(now, policy))


def light_of(task: TaskView, at: LightThresholds) -> Light:
    """The lights rule, in order: the first clause that holds decides."""
    if task.status == TaskStatus.CLOSED:
        return Light.GREEN
    if task.due_on is not None and task.due_on < at.today:
        return Light.RED  # overdue is red even when waiting: the deadline has passed
    # A task waiting for sign-off is never red or yellow for silence: the coordinators have it.
    waiting = task.status == TaskStatus.PENDING_REVIEW
    last_activity = task.last_update_at or task.created_at
    if not waiting and task.created_at < at.red_before and last_activity < at.red_before:
        return Light.RED
    if task.due_on is not None and task.due_on <= at.yellow_until:
        return Light.YELLOW
    if not waiting and task.created_at < at.yellow_before and last_activity < at.yellow_before:
        return Light.YELLOW
    return Light.GREEN
