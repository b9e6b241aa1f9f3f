"""The round's own calendar: when the rectification plan and report are due (pure; no I/O).

The feedback of an inspection (or an audit's report) starts the clocks: the plan (整改方案) within
two weeks of an inspection's feedback or 15 working days of an audit report, the report
(整改情况报告) within two months, 立行立改 items within a month. A coordinator may set a
milestone's date outright (an override); otherwise it follows the rule for the round's source.
A limit counted in calendar days or months that ends on a day off moves to the next working
day (as statutory periods do); one counted in working days follows the Chinese calendar.
"""

from __future__ import annotations

import calendar as cal
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta, tzinfo
from enum import StrEnum

from domain.campaigns import current_campaign
from domain.dates import read_date
from domain.deadlines import in_window
from domain.errors import BadMilestoneCommand, PermissionDenied
from domain.model import Campaign, CampaignSource, Person
from domain.people.commands import may_see_board, require_coordinator
from domain.ports import Clock, UnitOfWork
from domain.rhythm.workdays import WorkCalendar
from domain.texts import text


class Milestone(StrEnum):
    """A document the round owes its superiors by a date."""

    PLAN = "plan"  # 整改方案
    REPORT = "report"  # 整改情况报告


class Span(StrEnum):
    """How a limit is counted."""

    DAYS = "d"
    WORKING_DAYS = "wd"
    MONTHS = "m"


@dataclass(frozen=True, slots=True)
class Limit:
    """A time limit after the feedback date, e.g. 15 working days."""

    amount: int
    span: Span

    def after(self, start: date, work: WorkCalendar) -> date:
        """Return the last day of the limit counted from `start` (the feedback date)."""
        return work.next_working_day(self.nominal(start, work))

    def nominal(self, start: date, work: WorkCalendar) -> date:
        """The day the limit ends before a day off moves it (a working-day count never does)."""
        if self.span == Span.WORKING_DAYS:
            day = start
            for _ in range(self.amount):
                day = work.next_working_day(day + timedelta(days=1))
            return day
        if self.span == Span.MONTHS:
            return add_months(start, self.amount)
        return start + timedelta(days=self.amount)

    def __str__(self) -> str:
        return f"{self.amount}{self.span.value}"


_LIMIT = re.compile(
    r"^\s*(\d{1,3})\s*(wd|d|m|个?工作日|天|日|个?月)\s*$",
    re.IGNORECASE,
)
_SPANS = {"wd": Span.WORKING_DAYS, "d": Span.DAYS, "m": Span.MONTHS}


def parse_limit(raw: str) -> Limit:
    """Read "14d", "15wd", "2m" (or 14天, 15个工作日, 2个月); raise ValueError saying how."""
    found = _LIMIT.match(raw)
    if found is None or int(found.group(1)) == 0:
        raise ValueError(
            f"{raw!r} is not a time limit: write a number and d (days), wd (working days) "
            "or m (months), e.g. 14d, 15wd, 2m"
        )
    unit = found.group(2).lower()
    span = _SPANS.get(unit) or (
        Span.WORKING_DAYS if "工作日" in unit else Span.MONTHS if "月" in unit else Span.DAYS
    )
    return Limit(int(found.group(1)), span)


def add_months(day: date, months: int) -> date:
    """Return the same day `months` later, or that month's last day (1-31 → 2-28/29)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, cal.monthrange(year, month + 1)[1]))


def _inspection() -> dict[Milestone, Limit]:
    return {Milestone.PLAN: Limit(14, Span.DAYS), Milestone.REPORT: Limit(2, Span.MONTHS)}


@dataclass(frozen=True, slots=True)
class MilestoneRules:
    """The limit of each milestone by the round's source, and of 立行立改 items."""

    by_source: Mapping[CampaignSource, Mapping[Milestone, Limit]] = field(
        default_factory=lambda: {
            CampaignSource.INSPECTION: _inspection(),
            CampaignSource.SUPERVISION: _inspection(),
            CampaignSource.AUDIT: {
                Milestone.PLAN: Limit(15, Span.WORKING_DAYS),
                Milestone.REPORT: Limit(2, Span.MONTHS),
            },
        }
    )
    immediate: Limit = Limit(1, Span.MONTHS)

    def limit(self, source: CampaignSource, milestone: Milestone) -> Limit:
        """Return the limit a source gives a milestone."""
        return self.by_source.get(source, _inspection())[milestone]


_PAIR = re.compile(r"\s*([^=:：\s]+)\s*[=:：]\s*([^,，;；]+)")


def parse_limits(raw: str) -> dict[Milestone, Limit]:
    """Read "plan=14d, report=2m" (or 方案=14天，报告=2个月); raise ValueError saying how."""
    limits: dict[Milestone, Limit] = {}
    for part in re.split(r"[,，;；]", raw):
        if not part.strip():
            continue
        found = _PAIR.fullmatch(part)
        milestone = _MILESTONE_WORDS.get(found.group(1).lower()) if found else None
        if found is None or milestone is None:
            raise ValueError(
                f"{part.strip()!r} should be plan=LIMIT or report=LIMIT, e.g. plan=14d, report=2m"
            )
        limits[milestone] = parse_limit(found.group(2))
    return limits


def rules_from(inspection: str, audit: str, immediate: str) -> MilestoneRules:
    """Build the rules from the settings' texts (a milestone left out keeps its default)."""
    default = MilestoneRules()
    inspection_limits = {**default.by_source[CampaignSource.INSPECTION], **parse_limits(inspection)}
    return MilestoneRules(
        by_source={
            CampaignSource.INSPECTION: inspection_limits,
            CampaignSource.SUPERVISION: inspection_limits,
            CampaignSource.AUDIT: {
                **default.by_source[CampaignSource.AUDIT],
                **parse_limits(audit),
            },
        },
        immediate=parse_limit(immediate),
    )


@dataclass(frozen=True, slots=True)
class MilestoneRecord:
    """What is stored about one milestone of a round: a date set by hand, and its submission."""

    campaign_id: int
    milestone: Milestone
    due_override: date | None = None
    submitted_on: date | None = None


class Standing(StrEnum):
    """Where a milestone stands on a day."""

    UNKNOWN = "unknown"  # no feedback date and no date set: nothing to count from
    UPCOMING = "upcoming"
    DUE_TODAY = "due_today"
    MISSED = "missed"  # past its date, not marked submitted
    SUBMITTED = "submitted"
    SUBMITTED_LATE = "submitted_late"


@dataclass(frozen=True, slots=True)
class MilestoneState:
    """One milestone of a round with its date worked out."""

    campaign_id: int
    campaign: str
    milestone: Milestone
    due_on: date | None
    limit: Limit | None  # the rule it follows; None when the date was set by hand
    submitted_on: date | None
    feedback_on: date | None = None
    moved_from: date | None = None  # the limit ended on this day off and moved to `due_on`
    day_off: str = ""  # what that day was (春节, 休息日 …)

    def standing(self, today: date) -> Standing:
        """Return where it stands on `today`."""
        if self.submitted_on is not None:
            late = self.due_on is not None and self.submitted_on > self.due_on
            return Standing.SUBMITTED_LATE if late else Standing.SUBMITTED
        if self.due_on is None:
            return Standing.UNKNOWN
        if today < self.due_on:
            return Standing.UPCOMING
        return Standing.DUE_TODAY if today == self.due_on else Standing.MISSED


def states_of(
    campaign: Campaign,
    records: Iterable[MilestoneRecord],
    rules: MilestoneRules,
    work: WorkCalendar,
) -> list[MilestoneState]:
    """Work out every milestone of a round, in the order they fall due."""
    stored = {r.milestone: r for r in records if r.campaign_id == campaign.id}
    states = []
    for milestone in Milestone:
        record = stored.get(milestone, MilestoneRecord(campaign.id, milestone))
        limit = None if record.due_override else rules.limit(campaign.source, milestone)
        due, moved_from = record.due_override, None
        if due is None and limit is not None and campaign.feedback_on is not None:
            nominal = limit.nominal(campaign.feedback_on, work)
            due = work.next_working_day(nominal)
            moved_from = nominal if nominal != due else None
        states.append(
            MilestoneState(
                campaign.id,
                campaign.name,
                milestone,
                due,
                limit,
                record.submitted_on,
                campaign.feedback_on,
                moved_from,
                (work.holiday_name(moved_from) or "") if moved_from else "",
            )
        )
    return states


def immediate_too_late(
    due_on: date | None, feedback_on: date | None, rules: MilestoneRules, work: WorkCalendar
) -> bool:
    """Tell whether a 立行立改 item's deadline lies beyond the month it is allowed."""
    if due_on is None or feedback_on is None:
        return False
    return due_on > rules.immediate.after(feedback_on, work)


_WEEKDAYS = {"zh": "一二三四五六日", "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")}


def weekday_name(day: date, lang: str) -> str:
    """Return the day's weekday as a reader says it (周五, Fri)."""
    if lang == "en":
        return _WEEKDAYS["en"][day.weekday()]
    return f"周{_WEEKDAYS['zh'][day.weekday()]}"


def limit_text(limit: Limit, lang: str) -> str:
    """Say a limit in words: 15个工作日, 2 months."""
    return text(f"limit.{limit.span.value}", lang, n=limit.amount)


def command_word(milestone: Milestone, lang: str) -> str:
    """The word for the milestone in a /milestone command, in the reader's language."""
    return text(f"milestone.key.{milestone.value}", lang)


def milestone_notice(state: MilestoneState, kind: str, today: date, lang: str) -> str:
    """The reminder a run of `kind` (rhythm.Kind's value) sends about a milestone."""
    assert state.due_on is not None
    what = text(f"milestone.{state.milestone.value}", lang)
    key = command_word(state.milestone, lang)
    if kind == "milestone_missed":
        return text(
            "milestone.missed_notice",
            lang,
            what=what,
            campaign=state.campaign,
            due=state.due_on.isoformat(),
            key=key,
        )
    days = (state.due_on - today).days
    return text(
        "milestone.notice",
        lang,
        what=what,
        campaign=state.campaign,
        due=state.due_on.isoformat(),
        weekday=weekday_name(state.due_on, lang),
        left=text("milestone.left", lang, days=days) if days > 0 else text("milestone.today", lang),
        basis=_basis(state, lang),
        key=key,
    )


def _basis(state: MilestoneState, lang: str) -> str:
    if state.limit is None or state.feedback_on is None:
        return text("milestone.set_by_hand", lang)
    basis = text(
        "milestone.by_rule",
        lang,
        limit=limit_text(state.limit, lang),
        feedback=state.feedback_on.isoformat(),
    )
    if state.moved_from is None:
        return basis
    return basis + text(
        "milestone.moved",
        lang,
        day=state.moved_from.isoformat(),
        off=state.day_off or text("milestone.weekend", lang),
    )


def milestone_line(state: MilestoneState, today: date, lang: str) -> str:
    """One milestone's line on the board, the digest and /milestone."""
    what = text(f"milestone.{state.milestone.value}", lang)
    standing = state.standing(today)
    due = state.due_on.isoformat() if state.due_on else ""
    days = (state.due_on - today).days if state.due_on else 0
    late = (state.submitted_on - state.due_on).days if state.submitted_on and state.due_on else 0
    return text(
        f"milestone.line.{standing.value}",
        lang,
        what=what,
        due=due,
        days=abs(days),
        on=state.submitted_on.isoformat() if state.submitted_on else "",
        late=late,
    )


def milestone_lines(states: Iterable[MilestoneState], today: date, lang: str) -> list[str]:
    """The board's and digest's milestone block; empty when no date can be worked out."""
    known = [s for s in states if s.standing(today) != Standing.UNKNOWN]
    if not known:
        return []
    return [text("milestone.heading", lang), *(milestone_line(s, today, lang) for s in known)]


# -- /milestone: what coordinators say, and the service ----------------------------------------


class Change(StrEnum):
    """What a /milestone command does."""

    SHOW = "show"
    FEEDBACK = "feedback"  # set (or clear) the feedback date
    SOURCE = "source"  # the round is an inspection, an audit or a supervision
    DUE = "due"  # set a milestone's date by hand (None: back to the rule)
    SUBMITTED = "submitted"
    UNSUBMITTED = "unsubmitted"


@dataclass(frozen=True, slots=True)
class MilestoneCommand:
    """A parsed /milestone command."""

    change: Change = Change.SHOW
    milestone: Milestone | None = None
    day: date | None = None
    source: CampaignSource | None = None


_FEEDBACK_WORDS = {"反馈", "反馈日期", "反馈时间", "feedback"}
_SOURCE_WORDS = {"类型", "来源", "轮次类型", "source", "type"}
_MILESTONE_WORDS = {
    "方案": Milestone.PLAN,
    "整改方案": Milestone.PLAN,
    "plan": Milestone.PLAN,
    "报告": Milestone.REPORT,
    "整改报告": Milestone.REPORT,
    "整改情况报告": Milestone.REPORT,
    "report": Milestone.REPORT,
}
_SOURCES = {
    "巡视": CampaignSource.INSPECTION,
    "巡察": CampaignSource.INSPECTION,
    "inspection": CampaignSource.INSPECTION,
    "审计": CampaignSource.AUDIT,
    "audit": CampaignSource.AUDIT,
    "督查": CampaignSource.SUPERVISION,
    "督察": CampaignSource.SUPERVISION,
    "supervision": CampaignSource.SUPERVISION,
}
_SUBMITTED_WORDS = {"已报送", "报送", "已提交", "提交", "已完成", "submitted", "done"}
_UNDO_WORDS = {"撤销", "未报送", "取消", "undo"}
_AUTO_WORDS = {"自动", "默认", "按规定", "auto", "default"}
_CLEAR_WORDS = {"清除", "无", "clear", "none"}


def parse_command(args: Sequence[str]) -> MilestoneCommand:
    """Read /milestone's arguments; raise BadMilestoneCommand naming what is wrong."""
    words = [w.strip().lower() for w in args if w.strip()]
    if not words:
        return MilestoneCommand()
    head, rest = words[0], words[1:]
    if head in _FEEDBACK_WORDS and len(rest) == 1:
        if rest[0] in _CLEAR_WORDS:
            return MilestoneCommand(Change.FEEDBACK)
        return MilestoneCommand(Change.FEEDBACK, day=_date_word(rest[0]))
    if head in _SOURCE_WORDS and len(rest) == 1 and rest[0] in _SOURCES:
        return MilestoneCommand(Change.SOURCE, source=_SOURCES[rest[0]])
    milestone = _MILESTONE_WORDS.get(head)
    if milestone is None or not rest or len(rest) > 2:
        raise BadMilestoneCommand(problem="usage")
    action = rest[0]
    if action in _SUBMITTED_WORDS:
        day = _date_word(rest[1]) if len(rest) == 2 else None
        return MilestoneCommand(Change.SUBMITTED, milestone, day)
    if len(rest) == 1 and action in _UNDO_WORDS:
        return MilestoneCommand(Change.UNSUBMITTED, milestone)
    if len(rest) == 1 and action in _AUTO_WORDS:
        return MilestoneCommand(Change.DUE, milestone)
    if len(rest) == 1:
        return MilestoneCommand(Change.DUE, milestone, _date_word(action))
    raise BadMilestoneCommand(problem="usage")


def _date_word(word: str) -> date:
    day = read_date(word)
    if day is None:
        raise BadMilestoneCommand(problem="date", word=word)
    if not in_window(day):
        raise BadMilestoneCommand(problem="far", word=word)
    return day


@dataclass(frozen=True, slots=True)
class RoundCalendar:
    """A round's milestones as /milestone shows them."""

    campaign: Campaign
    states: list[MilestoneState]
    immediate_by: date | None  # 立行立改 items are to be fixed by this day
    today: date


async def round_calendar(
    *,
    uow: UnitOfWork,
    clock: Clock,
    person: Person,
    rules: MilestoneRules,
    work: WorkCalendar,
    tz: tzinfo,
    command: MilestoneCommand,
) -> RoundCalendar:
    """Apply a /milestone command to the person's current round and return its calendar."""
    if command.change == Change.SHOW:
        if not may_see_board(person):
            raise PermissionDenied()
    else:
        require_coordinator(person)
    async with uow:
        campaign = await current_campaign(uow, person)
        today = clock.now().astimezone(tz).date()
        if command.change != Change.SHOW:
            await _apply(uow, campaign.id, person.id, command, today)
            await uow.audit.record(
                at=clock.now(),
                actor_id=person.id,
                action=f"milestone.{command.change.value}",
                entity="campaign",
                entity_id=campaign.id,
                data={
                    "milestone": command.milestone.value if command.milestone else None,
                    "day": command.day.isoformat() if command.day else None,
                    "source": command.source.value if command.source else None,
                },
            )
            await uow.commit()
            campaign = await uow.campaigns.get(campaign.id) or campaign
        records = await uow.campaigns.milestones([campaign.id])
    immediate = rules.immediate.after(campaign.feedback_on, work) if campaign.feedback_on else None
    return RoundCalendar(campaign, states_of(campaign, records, rules, work), immediate, today)


async def _apply(
    uow: UnitOfWork, campaign_id: int, person_id: int, command: MilestoneCommand, today: date
) -> None:
    match command.change:
        case Change.FEEDBACK:
            await uow.campaigns.set_feedback(campaign_id, command.day)
        case Change.SOURCE:
            assert command.source is not None
            await uow.campaigns.set_source(campaign_id, command.source)
        case Change.DUE:
            assert command.milestone is not None
            await uow.campaigns.set_milestone_due(campaign_id, command.milestone, command.day)
        case Change.SUBMITTED:
            assert command.milestone is not None
            day = command.day or today
            if day > today:
                raise BadMilestoneCommand(problem="future", word=day.isoformat())
            await uow.campaigns.set_milestone_submitted(
                campaign_id, command.milestone, day, person_id
            )
        case Change.UNSUBMITTED:
            assert command.milestone is not None
            await uow.campaigns.set_milestone_submitted(campaign_id, command.milestone, None, None)


def calendar_text(calendar: RoundCalendar, lang: str, *, usage: bool = True) -> str:
    """/milestone's answer: the round's source, feedback date, milestones (and the usage)."""
    campaign = calendar.campaign
    lines = [
        text("milestone.title", lang, campaign=campaign.name),
        text(
            "milestone.source_line",
            lang,
            source=text(f"source.{campaign.source.value}", lang),
            feedback=campaign.feedback_on.isoformat()
            if campaign.feedback_on
            else text("milestone.no_feedback", lang),
        ),
    ]
    for state in calendar.states:
        line = milestone_line(state, calendar.today, lang)
        lines.append(f"{line}{_basis_suffix(state, lang)}")
    if calendar.immediate_by is not None:
        lines.append(text("milestone.immediate", lang, due=calendar.immediate_by.isoformat()))
    if usage:
        lines += ["", text("milestone.usage", lang)]
    return "\n".join(lines)


def _basis_suffix(state: MilestoneState, lang: str) -> str:
    if state.submitted_on is not None:
        return ""
    if state.limit is None:
        return text("milestone.suffix_set", lang) if state.due_on else ""
    return text("milestone.suffix_rule", lang, limit=limit_text(state.limit, lang))
