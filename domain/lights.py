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


def light_for(task: TaskView, now: datetime, policy: LightPolicy) -> Light:
    """Decide a task's light: red overdue or long silent, yellow close or quiet, else green."""
    if task.status == TaskStatus.CLOSED:
        return Light.GREEN
    today = now.astimezone(policy.tz).date()
    waiting = task.status == TaskStatus.PENDING_REVIEW
    if is_overdue(task, today):
        return Light.RED  # overdue is red even when waiting: the deadline has passed
    # A task waiting for sign-off is never red or yellow for silence: the coordinators have it.
    last_activity = task.last_update_at or task.created_at
    if not waiting:
        oldest = checkin_before(now, policy, back=policy.red_after_silent_checkins - 1)
        if task.created_at < oldest and last_activity < oldest:
            return Light.RED
    if task.due_on is not None and (task.due_on - today).days <= policy.yellow_days_before_due:
        return Light.YELLOW
    latest = checkin_before(now, policy)
    if not waiting and task.created_at < latest and last_activity < latest:
        return Light.YELLOW
    return Light.GREEN
