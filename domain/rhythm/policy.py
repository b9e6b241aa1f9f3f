"""The rhythm's calendar: which reminder runs fall due when (pure; no I/O).

A run is one kind for one period (an ISO week, a month, or a deadline date). Its instant is the
nominal day and time, moved off days off: to the previous working day of the same period, or the
next one if the period has none left before it; a deadline warning never moves past the deadline.
"""

from __future__ import annotations

import calendar as cal
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from domain.rhythm.milestones import MilestoneRules
from domain.rhythm.workdays import WorkCalendar


class Kind(StrEnum):
    """What a scheduled message is."""

    CHECKIN = "checkin"
    NUDGE = "nudge"
    UNIT_HEAD = "unit_head"
    DIGEST = "digest"
    BULLETIN = "bulletin"
    QUARTERLY = "quarterly"  # 季总结: the last working day of each quarter
    LOOKBACK = "lookback_due"  # daily: 回头看 of measures signed off LOOKBACK_MONTHS ago
    DUE_7 = "due7"
    DUE_1 = "due1"
    OVERDUE = "overdue"
    SIGNOFF_PENDING = "signoff_pending"
    ESCALATION = "escalation"  # 约谈提醒: red for consecutive check-in periods
    # The round's milestones (整改方案, 整改情况报告): 7 days and 1 day before, on the day, and
    # the working day after when it was not marked submitted (that one to coordinators only).
    MILESTONE_7 = "milestone7"
    MILESTONE_1 = "milestone1"
    MILESTONE_DAY = "milestone0"
    MILESTONE_MISSED = "milestone_missed"
    # Notices to coordinators about the delivery itself.
    MISSED = "missed"
    UNREACHABLE = "unreachable"
    CALENDAR_GAP = "calendar_gap"
    RUN_FAILED = "run_failed"


WEEKLY = (Kind.CHECKIN, Kind.NUDGE, Kind.UNIT_HEAD, Kind.DIGEST, Kind.ESCALATION)
DEADLINES = (Kind.DUE_7, Kind.DUE_1, Kind.OVERDUE)
MILESTONES = (Kind.MILESTONE_7, Kind.MILESTONE_1, Kind.MILESTONE_DAY, Kind.MILESTONE_MISSED)


@dataclass(frozen=True, slots=True)
class WeeklySlot:
    """A weekday (Monday = 0) and a time of day."""

    weekday: int
    at: time


@dataclass(frozen=True, slots=True)
class RhythmPolicy:
    """When each kind is due; all configurable in settings."""

    tz: ZoneInfo
    calendar: WorkCalendar
    weekly: dict[Kind, WeeklySlot] = field(
        default_factory=lambda: {
            Kind.CHECKIN: WeeklySlot(4, time(9, 30)),
            Kind.NUDGE: WeeklySlot(4, time(16, 0)),
            Kind.UNIT_HEAD: WeeklySlot(0, time(9, 30)),
            Kind.DIGEST: WeeklySlot(0, time(9, 0)),
        }
    )
    bulletin_at: time = time(16, 0)
    quarterly_at: time = time(16, 30)  # after the month's bulletin, on the same day
    deadline_at: time = time(9, 0)
    signoff_check_at: time = time(9, 0)
    window_start: time = time(8, 30)
    window_end: time = time(18, 0)
    catch_up: timedelta = timedelta(hours=24)
    signoff_pending_days: int = 3
    # Escalation (约谈提醒) is weekly too, but kept out of `weekly` so that a policy built with
    # its own `weekly` (as the settings do) still escalates. Friday 17:00 follows the 09:30
    # check-in and the 16:00 nudge, so the officials have had the whole day to report. It moves
    # off days off like the other weekly kinds, hence stays after them. None switches it off.
    escalation: WeeklySlot | None = WeeklySlot(4, time(17, 0))
    escalation_periods: int = 2  # red in this many consecutive check-in periods
    stalled_weeks: int = 4  # only "no change" reports this many weeks in a row: stalled
    milestones: MilestoneRules = field(default_factory=MilestoneRules)
    lookback_months: int = 6

    def slot(self, kind: Kind) -> WeeklySlot | None:
        """Return a weekly kind's slot, or None when it is not scheduled."""
        if kind == Kind.ESCALATION:
            return self.escalation
        return self.weekly.get(kind)

    def in_window(self, moment: datetime) -> bool:
        """Tell whether messages may go out now: a working day, within working hours."""
        local = moment.astimezone(self.tz)
        return (
            self.calendar.is_working_day(local.date())
            and self.window_start <= local.time() < self.window_end
        )


@dataclass(frozen=True, slots=True)
class Run:
    """One kind for one period, due at an instant."""

    kind: Kind
    period: str
    due_at: datetime
    day: date  # the local day it runs on (after moving off days off)


def week_label(day: date) -> str:
    """Return the ISO week label of a day, e.g. 2026-W53."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_of_label(label: str) -> date:
    """Return the Monday of an ISO week label such as 2026-W53."""
    year, _, week = label.partition("-W")
    return date.fromisocalendar(int(year), int(week), 1)


def month_label(day: date) -> str:
    """Return the month label of a day, e.g. 2026-12."""
    return f"{day.year}-{day.month:02d}"


def week_monday(day: date) -> date:
    """Return the Monday of the day's ISO week."""
    return day - timedelta(days=day.weekday())


def weekly_run(kind: Kind, monday: date, policy: RhythmPolicy) -> Run:
    """Return the kind's run for the ISO week starting on `monday`."""
    slot = policy.slot(kind)
    if slot is None:
        raise KeyError(f"{kind} is not scheduled")
    nominal = monday + timedelta(days=slot.weekday)
    day = _within_period(nominal, monday, monday + timedelta(days=6), policy.calendar)
    return Run(kind, week_label(monday), _at(day, slot.at, policy.tz), day)


def bulletin_run(year: int, month: int, policy: RhythmPolicy) -> Run:
    """Return the monthly bulletin's run: the last working day of the month."""
    first = date(year, month, 1)
    last = date(year, month, cal.monthrange(year, month)[1])
    day = _within_period(last, first, last, policy.calendar)
    return Run(Kind.BULLETIN, month_label(first), _at(day, policy.bulletin_at, policy.tz), day)


def quarter_label(day: date) -> str:
    """Return the quarter label of a day, e.g. 2026-Q4."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def quarterly_run(year: int, quarter: int, policy: RhythmPolicy) -> Run:
    """Return the quarterly summary's run: the last working day of the quarter."""
    first = date(year, 3 * quarter - 2, 1)
    last_month = 3 * quarter
    last = date(year, last_month, cal.monthrange(year, last_month)[1])
    day = _within_period(last, first, last, policy.calendar)
    return Run(Kind.QUARTERLY, quarter_label(first), _at(day, policy.quarterly_at, policy.tz), day)


def deadline_run(kind: Kind, due_on: date, policy: RhythmPolicy) -> Run:
    """Return a deadline warning's run for tasks due on `due_on`."""
    work = policy.calendar
    if kind == Kind.OVERDUE:
        day = work.next_working_day(due_on + timedelta(days=1))
    else:
        nominal = due_on - timedelta(days=7 if kind == Kind.DUE_7 else 1)
        day = work.previous_working_day(nominal)
    return Run(kind, due_on.isoformat(), _at(day, policy.deadline_at, policy.tz), day)


def signoff_run(day: date, policy: RhythmPolicy) -> Run | None:
    """Return the daily pending-sign-off check, or None on a day off."""
    if not policy.calendar.is_working_day(day):
        return None
    return Run(
        Kind.SIGNOFF_PENDING, day.isoformat(), _at(day, policy.signoff_check_at, policy.tz), day
    )


def lookback_run(day: date, policy: RhythmPolicy) -> Run | None:
    """Return the day's automatic look-back, or None on a day off."""
    if not policy.calendar.is_working_day(day):
        return None
    return Run(Kind.LOOKBACK, day.isoformat(), _at(day, policy.deadline_at, policy.tz), day)


def periodic_runs(start: datetime, end: datetime, policy: RhythmPolicy) -> Iterator[Run]:
    """Yield the weekly, monthly and daily runs whose instant lies in (start, end]."""
    first = start.astimezone(policy.tz).date() - timedelta(days=7)
    last = end.astimezone(policy.tz).date() + timedelta(days=7)
    seen: set[tuple[Kind, str]] = set()
    candidates: list[Run] = []
    monday = week_monday(first)
    while monday <= last:
        candidates += [weekly_run(k, monday, policy) for k in WEEKLY if policy.slot(k) is not None]
        monday += timedelta(days=7)
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        candidates.append(bulletin_run(year, month, policy))
        if month % 3 == 0:
            candidates.append(quarterly_run(year, month // 3, policy))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    day = first
    while day <= last:
        for daily in (signoff_run(day, policy), lookback_run(day, policy)):
            if daily is not None:
                candidates.append(daily)
        day += timedelta(days=1)
    for run in sorted(candidates, key=lambda r: r.due_at):
        if start < run.due_at <= end and (run.kind, run.period) not in seen:
            seen.add((run.kind, run.period))
            yield run


def deadline_runs(
    due_dates: set[date], start: datetime, end: datetime, policy: RhythmPolicy
) -> Iterator[Run]:
    """Yield the deadline warnings for the given due dates whose instant lies in (start, end]."""
    for due_on in sorted(due_dates):
        for kind in DEADLINES:
            run = deadline_run(kind, due_on, policy)
            if start < run.due_at <= end:
                yield run


@dataclass(frozen=True, slots=True)
class DueMilestone:
    """A milestone not yet submitted, with the date it is due."""

    campaign_id: int
    milestone: str
    due_on: date

    @property
    def period(self) -> str:
        """The runs' period: a new date (set by hand) gives new runs."""
        return f"c{self.campaign_id}:{self.milestone}:{self.due_on.isoformat()}"


def parse_milestone_period(period: str) -> DueMilestone:
    """Read a milestone run's period back (see `DueMilestone.period`)."""
    campaign, milestone, due = period.split(":")
    return DueMilestone(int(campaign.removeprefix("c")), milestone, date.fromisoformat(due))


def milestone_runs(
    due: list[DueMilestone], start: datetime, end: datetime, policy: RhythmPolicy
) -> Iterator[Run]:
    """Yield the milestone reminders whose instant lies in (start, end].

    A reminder a week ahead that falls on the same day as the one a day ahead (a long holiday
    in between) is left out: one message that day is enough.
    """
    work = policy.calendar
    for m in due:
        days = {
            Kind.MILESTONE_7: work.previous_working_day(m.due_on - timedelta(days=7)),
            Kind.MILESTONE_1: work.previous_working_day(m.due_on - timedelta(days=1)),
            Kind.MILESTONE_DAY: work.previous_working_day(m.due_on),
            Kind.MILESTONE_MISSED: work.next_working_day(m.due_on + timedelta(days=1)),
        }
        if days[Kind.MILESTONE_7] == days[Kind.MILESTONE_1]:
            del days[Kind.MILESTONE_7]
        if days[Kind.MILESTONE_1] == days[Kind.MILESTONE_DAY]:
            del days[Kind.MILESTONE_1]
        for kind, day in days.items():
            run = Run(kind, m.period, _at(day, policy.deadline_at, policy.tz), day)
            if start < run.due_at <= end:
                yield run


def _within_period(nominal: date, first: date, last: date, work: WorkCalendar) -> date:
    earlier = work.previous_working_day(nominal)
    if earlier >= first:
        return earlier
    return work.next_working_day(nominal)


def _at(day: date, at: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, at, tzinfo=tz)


def is_late(run: Run, now: datetime, policy: RhythmPolicy) -> bool:
    """Tell whether a run is too old to catch up (it is then reported as missed)."""
    return now - run.due_at > policy.catch_up
