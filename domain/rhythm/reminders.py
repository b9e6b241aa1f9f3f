"""The tick: decide from the clock and the database which runs are due and write their outbox rows.

APScheduler only wakes this up; everything it decides comes from the injected clock, so tests and
the demo drive the very same code through virtual time.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

from domain.deadlines import in_window
from domain.delivery.delivery_rules import message_kind
from domain.lights import LightPolicy, thresholds
from domain.model import (
    Campaign,
    Outgoing,
    OutgoingFile,
    Person,
    Role,
    TaskLine,
    TaskStatus,
    TaskView,
)
from domain.ports import Clock, ListOrder, TaskQuery, UnitOfWork
from domain.records.board import Board, counted_board, with_milestones
from domain.rhythm import digest, escalation
from domain.rhythm.milestones import milestone_notice, states_of
from domain.rhythm.policy import (
    DueMilestone,
    Kind,
    RhythmPolicy,
    Run,
    deadline_runs,
    is_late,
    milestone_runs,
    parse_milestone_period,
    periodic_runs,
    week_label,
    week_monday,
    week_of_label,
    weekly_run,
)
from domain.rhythm.quarterly import QuarterInput, quarterly_text
from domain.texts import excerpt, split_message, text
from domain.work import lookback

log = logging.getLogger(__name__)
LAST_TICK = "last_tick"
RED_LISTED = "R"  # snapshot period prefix: the red measures a digest listed, by the day sent
STARTED = "started"  # the first tick ever: runs due before it were never the bot's to send
MAX_LOOKBACK = timedelta(days=35)
OUTBOX_BATCH = 1_000  # messages a long run collects before writing them
PEOPLE_PER_QUERY = 5_000  # ids per IN list, well under both engines' parameter limits
DEADLINE_REACH = timedelta(days=31)  # how far a deadline warning can lie from its deadline
FocusButton = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Renderers:
    """Builders of attachments and buttons, injected so tests can leave out the slow ones."""

    chart: Callable[[Board, str], bytes] | None = None
    bulletin_doc: Callable[[digest.BulletinInput], bytes] | None = None
    quarterly_doc: Callable[[QuarterInput], bytes] | None = None
    lookback_choices: lookback.ChoiceButtons | None = None  # a check's held / slipped buttons
    focus_button: Callable[[int], str] | None = None  # callback data that focuses a task
    no_change_data: str | None = None  # callback data of the check-in's "no change" button


@dataclass
class TickResult:
    """What one tick did."""

    done: list[Run] = field(default_factory=list)
    missed: list[Run] = field(default_factory=list)
    failed: list[Run] = field(default_factory=list)
    enqueued: int = 0
    elsewhere: bool = False  # another process held the tick: this one did nothing


@dataclass(frozen=True, slots=True)
class Audience:
    """Where group copies of digests and bulletins go."""

    group_chats: tuple[int, ...] = ()
    default_language: str = "zh"


async def tick(
    *,
    uow: UnitOfWork,
    clock: Clock,
    policy: RhythmPolicy,
    lights: LightPolicy,
    audience: Audience,
    render: Renderers,
) -> TickResult:
    """Run every due run once; mark too-old ones missed and tell the coordinators."""
    result = TickResult()
    async with uow:
        if not await uow.runs.claim_tick():  # another replica is ticking right now
            result.elsewhere = True
            return result
        now = clock.now()
        last_raw = await uow.state.get_state(LAST_TICK)
        await uow.state.set_state(LAST_TICK, now.isoformat())
        if last_raw is None:  # first start: nothing can have been missed yet
            await uow.state.set_state(STARTED, now.isoformat())
            await uow.commit()
            return result
        last = datetime.fromisoformat(last_raw)
        started = datetime.fromisoformat(await uow.state.get_state(STARTED) or last_raw)
        start = max(last - policy.catch_up, now - MAX_LOOKBACK, started)
        # Ask what is due before loading anything: most ticks (every minute) have nothing to do.
        # Only deadlines whose warnings can fall between the last tick and now matter (a
        # month on either side covers the longest holidays a warning moves over).
        due_dates = {
            d
            for d in await uow.tasks.near_deadlines(
                _day(start, policy) - DEADLINE_REACH, _day(now, policy) + DEADLINE_REACH
            )
            if in_window(d)  # a deadline outside the sane window would overflow the arithmetic
        }
        runs = sorted(
            [
                *periodic_runs(start, now, policy),
                *deadline_runs(due_dates, start, now, policy),
                *milestone_runs(await _due_milestones(uow, policy), start, now, policy),
            ],
            key=lambda r: r.due_at,
        )
        # Outside the window a run waits for it, unless it is already too late to send.
        candidates = [r for r in runs if is_late(r, now, policy) or policy.in_window(now)]
        recorded = await uow.runs.recorded_runs([(r.kind.value, r.period) for r in candidates])
        pending = [r for r in candidates if (r.kind.value, r.period) not in recorded]
        gaps = [
            year
            for year in policy.calendar.years_without_data(_gap_years(now, policy))
            if await uow.runs.run_status(Kind.CALENDAR_GAP.value, str(year)) is None
        ]
        if not pending and not gaps:
            await uow.commit()
            return result
        # Each run asks the database for the tasks it is about, never for the whole round.
        job = _Job(uow, now, policy, lights, audience, render)
        for run in pending:
            if is_late(run, now, policy):
                await uow.runs.record_run(
                    kind=run.kind,
                    period=run.period,
                    due_at=run.due_at,
                    status="missed",
                    now=now,
                    recipients=0,
                )
                result.missed.append(run)
            elif policy.in_window(now):
                count = await _isolated(uow, job, run)
                await uow.runs.record_run(
                    kind=run.kind,
                    period=run.period,
                    due_at=run.due_at,
                    status="done" if count is not None else "failed",
                    now=now,
                    recipients=count or 0,
                )
                if count is None:
                    result.failed.append(run)
                    result.enqueued += await job.report_failed(run)
                else:
                    result.done.append(run)
                    result.enqueued += count
        if result.missed:
            result.enqueued += await job.report_missed(result.missed)
        result.enqueued += await job.calendar_gaps()
        await uow.commit()
    return result


async def _due_milestones(uow: UnitOfWork, policy: RhythmPolicy) -> list[DueMilestone]:
    """The open rounds' milestones with a date and no submission (a few rows per round)."""
    return [
        DueMilestone(s.campaign_id, s.milestone.value, s.due_on)
        for c, records in await uow.campaigns.open_with_milestones()
        for s in states_of(c, records, policy.milestones, policy.calendar)
        if s.due_on is not None and s.submitted_on is None
    ]


def _day(moment: datetime, policy: RhythmPolicy) -> date:
    return moment.astimezone(policy.tz).date()


def _gap_years(now: datetime, policy: RhythmPolicy) -> list[int]:
    """The years whose holiday data matters now: this one, and the next in December."""
    today = now.astimezone(policy.tz).date()
    return [today.year, today.year + 1] if today.month == 12 else [today.year]


async def _isolated(uow: UnitOfWork, job: _Job, run: Run) -> int | None:
    """Execute one run in a savepoint; on any failure undo only it and return None.

    One bad task or recipient must never stop every other reminder of the tick.
    """
    try:
        async with uow.savepoint():
            return await job.execute(run)
    except Exception:
        log.exception("the %s run for %s failed; the other runs go on", run.kind, run.period)
        return None


class _Job:
    """Compute recipients and write outbox rows for one tick (inside its unit of work).

    Messages are collected and written in bulk when a run (or notice) is done (`_flush`).
    """

    def __init__(
        self,
        uow: UnitOfWork,
        now: datetime,
        policy: RhythmPolicy,
        lights: LightPolicy,
        audience: Audience,
        render: Renderers,
    ) -> None:
        self.uow, self.now, self.policy, self.lights = uow, now, policy, lights
        self.audience, self.render = audience, render
        # People are loaded as runs need them (the owners a check-in lists, the readers of a
        # digest), not all of a province's officials for every run.
        self.people: dict[int, Person | None] = {}
        self._roles: dict[Role, list[Person]] = {}
        self.today = now.astimezone(policy.tz).date()
        self.at = thresholds(now, lights)
        self._outgoing: list[tuple[Outgoing, int | None]] = []
        self._problem_lines: dict[tuple[int, str], str] = {}
        self._last_split: tuple[str, list[str]] = ("", [])
        self._added = 0

    async def execute(self, run: Run) -> int:
        """Write the outbox rows of one run; return how many were added."""
        self._outgoing.clear()  # a failed run's messages went with its savepoint
        self._added = 0
        match run.kind:
            case Kind.CHECKIN | Kind.NUDGE:
                await self._checkin(run)
            case Kind.UNIT_HEAD:
                await self._unit_heads(run)
            case Kind.DUE_7 | Kind.DUE_1:
                await self._deadline(run)
            case Kind.OVERDUE:
                await self._overdue(run)
            case Kind.SIGNOFF_PENDING:
                await self._signoff_pending(run)
            case Kind.DIGEST:
                await self._digest(run)
            case Kind.BULLETIN:
                await self._bulletin(run)
            case Kind.QUARTERLY:
                await self._quarterly(run)
            case Kind.LOOKBACK:
                await self._lookback()
            case Kind.ESCALATION:
                await self._escalation(run)
            case Kind.MILESTONE_7 | Kind.MILESTONE_1 | Kind.MILESTONE_DAY | Kind.MILESTONE_MISSED:
                await self._milestone(run)
        await self._flush()
        return self._added

    async def _flush(self) -> int:
        """Write the collected messages in bulk; return (and count) how many were new."""
        batch, self._outgoing = self._outgoing, []
        added = await self.uow.outbox.add_many(batch, now=self.now)
        self._added += added
        return added

    async def _lines(self, **where: Any) -> list[TaskLine]:
        """What to list of every open round's tasks that meet the filters (`TaskQuery`'s)."""
        return await self.uow.tasks.lines(TaskQuery(None, **where))

    # -- helpers ---------------------------------------------------------------------------

    def _midnight(self, day: date) -> datetime:
        return datetime.combine(day, datetime.min.time(), tzinfo=self.policy.tz)

    def _lang(self, person: Person) -> str:
        return person.language or self.audience.default_language

    def _reachable(self, person_id: int | None) -> Person | None:
        person = self.people.get(person_id) if person_id is not None else None
        if person is None or person.telegram_user_id is None or not person.reachable:
            return None
        return person

    async def _need(self, ids: Iterable[int | None]) -> None:
        """Load the active people among `ids` not loaded yet (inactive ones are remembered)."""
        missing = sorted({i for i in ids if i is not None and i not in self.people})
        for start in range(0, len(missing), PEOPLE_PER_QUERY):
            chunk = missing[start : start + PEOPLE_PER_QUERY]
            self.people.update(dict.fromkeys(chunk))
            self.people.update({p.id: p for p in await self.uow.people.by_ids(chunk) if p.active})

    async def _with_role(self, role: Role) -> list[Person]:
        """The active people with the role who can be messaged, by id."""
        if role not in self._roles:
            found = [p for p in await self.uow.people.with_role(role) if p.active]
            self.people.update({p.id: p for p in found})
            self._roles[role] = found
        return [p for p in self._roles[role] if self._reachable(p.id)]

    async def _send(
        self,
        run: Run | None,
        person: Person,
        body: str,
        *,
        kind: Kind | None = None,
        period: str | None = None,
        tasks: Sequence[TaskLine] = (),
        buttons: list[list[FocusButton]] | None = None,
        file_id: int | None = None,
    ) -> None:
        assert person.telegram_user_id is not None
        kind = kind or (run.kind if run else None)
        assert kind is not None, "a message outside a run names its kind"
        period = period or (run.period if run else "")
        self._outgoing.append(
            (
                Outgoing(
                    key=f"{kind}|{period}|p{person.id}",
                    kind=kind,
                    period=period,
                    chat_id=person.telegram_user_id,
                    parts=self._split(body),
                    person_id=person.id,
                    buttons=buttons,
                    task_ids=[t.id for t in tasks],
                ),
                file_id,
            )
        )

    async def _send_group(self, run: Run, chat_id: int, body: str, file_id: int | None) -> None:
        chat = await self.uow.chats.chat_for(chat_id)
        self._outgoing.append(
            (
                Outgoing(
                    key=f"{run.kind.value}|{run.period}|c{chat_id}",
                    kind=run.kind,
                    period=run.period,
                    chat_id=chat,
                    parts=self._split(body),
                ),
                file_id,
            )
        )

    def _split(self, body: str) -> list[str]:
        # A digest goes to every reader alike: split the same text once.
        if body is not self._last_split[0]:
            self._last_split = (body, split_message(body))
        return self._last_split[1]

    def _buttons(self, tasks: Sequence[TaskLine]) -> list[list[FocusButton]] | None:
        make = self.render.focus_button
        if make is None or not tasks:
            return None
        flat = [(f"✍️ {t.number}", make(t.id)) for t in tasks[:40]]
        return [flat[i : i + 4] for i in range(0, len(flat), 4)]

    # -- kinds -----------------------------------------------------------------------------

    async def _checkin(self, run: Run) -> None:
        """Each official's tasks without a report this week; a liaison's unit's too.

        The tasks are streamed one official at a time: a province's check-in holds the
        messages it writes, not every quiet task of every round.
        """
        monday = week_monday(run.day)
        week_start = datetime.combine(monday, datetime.min.time(), tzinfo=self.policy.tz)
        quiet = TaskQuery(
            None, needs_report=True, no_report_since=week_start, created_before=run.due_at
        )
        liaisons = await self._with_role(Role.LIAISON)
        apart = {p.id for p in liaisons}
        await self._need(i for i, _ in await self.uow.tasks.owners_in(quiet))
        async for tasks in self.uow.tasks.lines_by_owner(quiet):
            if tasks[0].owner_id not in apart:
                await self._checkin_one(run, tasks[0].owner_id, tasks)
            if len(self._outgoing) >= OUTBOX_BATCH:  # written as we go: memory stays flat
                await self._flush()
        for liaison in liaisons:
            own = await self.uow.tasks.lines(replace(quiet, of_owner=liaison.id))
            unit = (
                await self.uow.tasks.lines(replace(quiet, of_unit=liaison.unit_id))
                if liaison.unit_id is not None
                else []
            )
            merged = {t.id: t for t in own + unit}.values()
            tasks = sorted(merged, key=lambda t: (t.campaign_id, t.position))
            await self._checkin_one(run, liaison.id, tasks)

    async def _checkin_one(self, run: Run, person_id: int, tasks: list[TaskLine]) -> None:
        person = self._reachable(person_id)
        if person is None or not tasks:
            return
        lang = self._lang(person)
        header = "checkin.header" if run.kind == Kind.CHECKIN else "nudge.header"
        body = "\n".join(
            [text(header, lang, period=run.period, name=person.name), *self._grouped(tasks, lang)]
        )
        await self._send(run, person, body, tasks=tasks, buttons=self._checkin_buttons(tasks, lang))

    def _grouped(self, tasks: Sequence[TaskLine], lang: str) -> list[str]:
        """Lines grouped by problem, numbered as "第N项" counts (see domain.work.weekly_reports)."""
        lines: list[str] = []
        problem: int | None = None
        for position, t in enumerate(tasks, start=1):
            if t.problem_id != problem:
                problem = t.problem_id
                lines.append(self._problem_line(t, lang))
            lines.append(self._task_line(t, lang, position))
        return lines

    def _problem_line(self, t: TaskLine, lang: str) -> str:
        # A problem's measures go to several officials: its heading is written once per run.
        key = (t.problem_id, lang)
        line = self._problem_lines.get(key)
        if line is None:
            line = text("checkin.problem", lang, problem=excerpt(t.problem, 30))
            self._problem_lines[key] = line
        return line

    def _checkin_buttons(
        self, tasks: Sequence[TaskLine], lang: str
    ) -> list[list[FocusButton]] | None:
        rows = self._buttons(tasks) or []
        if self.render.no_change_data is not None and tasks:
            rows.insert(0, [(text("checkin.no_change_button", lang), self.render.no_change_data)])
        return rows or None

    def _task_line(self, t: TaskLine, lang: str, position: int | None = None) -> str:
        due = t.due_on.isoformat() if t.due_on else text("tasks.long_term", lang)
        line = text(
            "checkin.line",
            lang,
            number=t.number,
            measure=excerpt(t.measure, 24),
            due=due,
            percent=t.percent,
        )
        return f"{position}. {line}" if position is not None else f"• {line}"

    async def _silent_last_week(self, run: Run, campaign_id: int | None) -> list[digest.Silent]:
        """Who left tasks without a report in the week before the run's."""
        last_week = week_monday(run.day) - timedelta(days=7)
        checkin = weekly_run(Kind.CHECKIN, last_week, self.policy)
        start = self._midnight(last_week)
        query = TaskQuery(
            campaign_id,
            needs_report=True,
            created_before=checkin.due_at,
            not_reported_in=(start, start + digest.SILENT_WEEK),
        )
        return [digest.Silent(*found) for found in await self.uow.tasks.numbers_by_owner(query)]

    async def _unit_heads(self, run: Run) -> None:
        heads = await self._with_role(Role.UNIT_HEAD)
        if not heads:
            return
        by_unit: dict[str, list[digest.Silent]] = defaultdict(list)
        for s in await self._silent_last_week(run, None):
            by_unit[s.unit].append(s)
        silent_supported = await self._silent_supported(run)
        for head in heads:
            entries = by_unit.get(head.unit_name or "", [])
            supported = silent_supported.get(head.unit_id, []) if head.unit_id else []
            if not entries and not supported:
                continue
            lang = self._lang(head)
            lines = [text("unit_head.header", lang, unit=head.unit_name or "")]
            lines += [
                text("unit_head.line", lang, person=s.person, numbers="、".join(s.numbers))
                for s in entries
            ]
            if supported:  # measures the unit supports (配合), marked apart
                lines.append(text("unit_head.supported", lang))
                lines += [
                    text("unit_head.supported_line", lang, unit=t.unit_name, number=t.number)
                    for t in supported[:30]
                ]
            await self._send(run, head, "\n".join(lines))

    async def _silent_supported(self, run: Run) -> dict[int, list[TaskLine]]:
        """Per supporting unit, its supported measures without a report in the week before.

        Two queries for every unit head at once: the silent measures that have supporting
        units, then those units.
        """
        last_week = week_monday(run.day) - timedelta(days=7)
        checkin = weekly_run(Kind.CHECKIN, last_week, self.policy)
        start = self._midnight(last_week)
        silent = await self._lines(
            supported=True,
            needs_report=True,
            created_before=checkin.due_at,
            not_reported_in=(start, start + digest.SILENT_WEEK),
        )
        units = await self.uow.supports.units_of([t.id for t in silent])
        by_unit: dict[int, list[TaskLine]] = defaultdict(list)
        for t in silent:
            for unit_id in units.get(t.id, []):
                by_unit[unit_id].append(t)
        return by_unit

    async def _milestone(self, run: Run) -> None:
        """Remind coordinators, and the heads of the round's units, of a plan or report due.

        The day after, only the coordinators hear that it was not marked submitted.
        """
        due = parse_milestone_period(run.period)
        campaign = await self.uow.campaigns.get(due.campaign_id)
        if campaign is None or not campaign.is_open:
            return
        records = await self.uow.campaigns.milestones([campaign.id])
        state = next(
            s
            for s in states_of(campaign, records, self.policy.milestones, self.policy.calendar)
            if s.milestone.value == due.milestone
        )
        if state.submitted_on is not None or state.due_on != due.due_on:
            return  # submitted, or moved, since the run was planned
        readers = {p.id: p for p in await self._with_role(Role.COORDINATOR)}
        if run.kind != Kind.MILESTONE_MISSED:
            units = {i for i, _ in await self.uow.tasks.units_in(TaskQuery(campaign.id))}
            heads = await self._with_role(Role.UNIT_HEAD)
            readers.update({h.id: h for h in heads if h.unit_id in units and h.id not in readers})
        for person in readers.values():
            body = milestone_notice(state, run.kind, self.today, self._lang(person))
            await self._send(run, person, body)

    async def _deadline(self, run: Run) -> None:
        by_owner: dict[int, list[TaskLine]] = defaultdict(list)
        for t in await self._lines(due_on=date.fromisoformat(run.period), needs_report=True):
            by_owner[t.owner_id].append(t)
        await self._need(by_owner)
        for owner_id, tasks in by_owner.items():
            person = self._reachable(owner_id)
            if person is None:
                continue
            lang = self._lang(person)
            lines = [text(f"{run.kind.value}.header", lang, due=run.period)]
            lines += [self._task_line(t, lang) for t in tasks]
            await self._send(
                run, person, "\n".join(lines), tasks=tasks, buttons=self._buttons(tasks)
            )

    async def _overdue(self, run: Run) -> None:
        late = await self._lines(
            due_on=date.fromisoformat(run.period), needs_report=True, overdue_on=self.today
        )
        audience: dict[int, list[TaskLine]] = defaultdict(list)
        heads = await self._with_role(Role.UNIT_HEAD)
        coordinators = await self._with_role(Role.COORDINATOR)
        await self._need(t.owner_id for t in late)
        for t in late:
            audience[t.owner_id].append(t)
            for head in heads:
                if head.unit_id == t.unit_id:
                    audience[head.id].append(t)
            for c in coordinators:
                audience[c.id].append(t)
        for person_id, tasks in audience.items():
            person = self._reachable(person_id)
            if person is None:
                continue
            lang = self._lang(person)
            lines = [text("overdue.header", lang, due=run.period)]
            lines += [
                text(
                    "overdue.line",
                    lang,
                    number=t.number,
                    measure=excerpt(t.measure, 60),
                    unit=t.unit_name,
                    owner=t.owner_name,
                    percent=t.percent,
                )
                for t in _unique(tasks)
            ]
            own = [t for t in tasks if t.owner_id == person_id]
            await self._send(run, person, "\n".join(lines), tasks=own, buttons=self._buttons(own))

    async def _signoff_pending(self, run: Run) -> None:
        coordinators = await self._with_role(Role.COORDINATOR)
        if not coordinators:
            return
        asked = await self.uow.tasks.review_requests(TaskQuery(None))
        limit = self.policy.signoff_pending_days
        overdue_ids = {
            task_id
            for task_id, since in asked.items()
            if self.policy.calendar.working_days_between(
                since.astimezone(self.policy.tz).date(), run.day
            )
            > limit
        }
        if not overdue_ids:
            return
        waiting = [
            (t, asked[t.id])
            for t in await self._lines(status=TaskStatus.PENDING_REVIEW)
            if t.id in overdue_ids
        ]
        for person in coordinators:
            lang = self._lang(person)
            lines = [text("signoff_pending.header", lang, days=limit)]
            lines += [
                text(
                    "signoff_pending.line",
                    lang,
                    number=t.number,
                    measure=excerpt(t.measure, 60),
                    unit=t.unit_name,
                    owner=t.owner_name,
                    since=since.astimezone(self.policy.tz).strftime("%m-%d"),
                )
                for t, since in waiting
            ]
            await self._send(run, person, "\n".join(lines))

    async def _escalation(self, run: Run) -> None:
        # Earlier periods' reds come from snapshots, not from replayed lights: see
        # domain.rhythm.escalation for why. This run's reds are kept for the next periods to compare.
        monday = week_of_label(run.period)
        earlier = [
            escalation.snapshot_period(week_label(monday - timedelta(weeks=back)))
            for back in range(1, self.policy.escalation_periods)
        ]
        red_before: list[set[int]] = [set() for _ in earlier]
        red: list[TaskView] = []
        for campaign in await self.uow.campaigns.open_campaigns():
            red_here = await self.uow.tasks.matching(
                TaskQuery(campaign.id, needs_report=True, red_at=self.at)
            )
            red += red_here
            await self.uow.snapshots.save_snapshot(
                campaign.id,
                escalation.snapshot_period(run.period),
                {"red": sorted(t.id for t in red_here)},
                self.now,
            )
            for seen, period in zip(red_before, earlier, strict=True):
                before = await self.uow.snapshots.snapshot(campaign.id, period)
                seen.update(int(i) for i in (before or {}).get("red", []))
        chosen = escalation.escalated(red, now=self.now, policy=self.lights, red_before=red_before)
        await self._with_role(Role.UNIT_HEAD)
        await self._need(t.lead_id for t in chosen)
        reachable = [p for p in self.people.values() if p is not None and self._reachable(p.id)]
        told: dict[int, list[int]] = defaultdict(list)
        for notice in escalation.notices(chosen, reachable):
            body = escalation.notice_text(
                notice,
                period=run.period,
                periods=self.policy.escalation_periods,
                now=self.now,
                tz=self.policy.tz,
                lang=self._lang(notice.person),
            )
            await self._send(run, notice.person, body)
            for t in notice.tasks:
                told[t.id].append(notice.person.id)
        for t in chosen:  # recorded even when no one could be told, so the gap shows
            await self.uow.audit.record(
                at=self.now,
                actor_id=None,
                actor_label="rhythm",
                action="task.escalated",
                entity="task",
                entity_id=t.id,
                data={
                    "period": run.period,
                    "periods": self.policy.escalation_periods,
                    "recipients": told[t.id],
                },
            )

    async def _snapshot(
        self, campaign: Campaign, period: str
    ) -> tuple[Board, dict[str, Any] | None]:
        """Count a campaign's board, keep its figures, and return the previous ones to compare."""
        board = await counted_board(self.uow, campaign.name, TaskQuery(campaign.id), self.at)
        previous = await self.uow.snapshots.latest_snapshot_before(campaign.id, period[0], period)
        await self.uow.snapshots.save_snapshot(campaign.id, period, digest.figures(board), self.now)
        return board, previous

    async def _digest(self, run: Run) -> None:
        last_week = week_monday(run.day) - timedelta(days=7)
        readers = _unique_people(
            await self._with_role(Role.LEADER) + await self._with_role(Role.COORDINATOR)
        )
        for campaign in await self.uow.campaigns.open_campaigns():
            board, previous = await self._snapshot(campaign, "W" + run.period)
            board = await with_milestones(self.uow, board, campaign, self.policy, self.now)
            red = await self.uow.tasks.page(
                TaskQuery(campaign.id, red_at=self.at, order=ListOrder.URGENT),
                limit=digest.RED_SHOWN,
                offset=0,
            )
            # What this digest listed as red, for the month's bulletin (keyed by the day sent).
            await self.uow.snapshots.save_snapshot(
                campaign.id,
                RED_LISTED + run.day.isoformat(),
                {"red": [t.id for t in red]},
                self.now,
            )
            silent = await self._silent_last_week(run, campaign.id)
            week_start = self._midnight(last_week)
            kinds = await self.uow.reports.week_kinds(
                campaign.id, week_start, week_start + timedelta(days=7)
            )
            weeks = self.policy.stalled_weeks
            stalled_ids = await self.uow.reports.stalled(
                campaign.id, week_start + timedelta(days=7 - 7 * weeks)
            )
            stalled = await self.uow.tasks.views_of(stalled_ids[: digest.STALLED_SHOWN])
            file_ids: dict[str, int | None] = {}
            for lang in {self._lang(p) for p in readers} | {self.audience.default_language}:
                file_ids[lang] = await self._chart(board, lang, campaign.name)

            body = partial(
                digest.digest_text,
                campaign=campaign.name,
                period=run.period,
                board=board,
                previous=previous,
                red=red,
                silent=silent,
                now=self.now,
                policy=self.lights,
                kinds=kinds,
                stalled=stalled,
                stalled_count=len(stalled_ids),
                stalled_weeks=weeks,
            )

            texts = {lang: body(lang=lang, personal=True) for lang in file_ids}  # one per language
            for person in readers:
                lang = self._lang(person)
                await self._send(
                    run,
                    person,
                    texts[lang],
                    period=f"{run.period}#{campaign.id}",
                    file_id=file_ids[lang],
                )
            for chat in self.audience.group_chats:
                lang = self.audience.default_language
                await self._send_group(
                    _with_period(run, f"{run.period}#{campaign.id}"),
                    chat,
                    body(lang=lang, personal=False),
                    file_ids[lang],
                )

    async def _chart(self, board: Board, lang: str, campaign: str) -> int | None:
        make = self.render.chart
        if make is None:
            return None
        png = await asyncio.to_thread(make, board, lang)  # matplotlib takes a while
        return await self.uow.outbox.add_file(
            OutgoingFile(name=f"{campaign}-{lang}.png", kind="photo", data=png), now=self.now
        )

    async def _bulletin(self, run: Run) -> None:
        readers = _unique_people(
            await self._with_role(Role.LEADER) + await self._with_role(Role.COORDINATOR)
        )
        for campaign in await self.uow.campaigns.open_campaigns():
            board, previous = await self._snapshot(campaign, "M" + run.period)
            query = TaskQuery(campaign.id)
            ranks = digest.ranking(
                board, await self.uow.tasks.due_before(query, self.today), previous
            )
            overdue = await self.uow.tasks.matching(
                TaskQuery(campaign.id, overdue_on=self.today, order=ListOrder.URGENT)
            )
            red_listed = await self._red_listed(campaign.id, run.period)
            year, month = (int(x) for x in run.period.split("-"))
            looked = digest.lookback_figures(
                await self.uow.lookbacks.for_campaign(campaign.id),
                self._midnight(date(year, month, 1)),
            )
            doc_id = await self._bulletin_doc(
                campaign.name, run, board, previous, ranks, overdue, red_listed, looked
            )

            body = partial(
                digest.bulletin_text,
                campaign=campaign.name,
                month=run.period,
                board=board,
                previous=previous,
                ranks=ranks,
                overdue=overdue,
                red_listed=red_listed,
                today=self.today,
                lookback=looked,
            )

            for person in readers:
                await self._send(
                    run,
                    person,
                    body(lang=self._lang(person), personal=True),
                    period=f"{run.period}#{campaign.id}",
                    file_id=doc_id,
                )
            for chat in self.audience.group_chats:
                await self._send_group(
                    _with_period(run, f"{run.period}#{campaign.id}"),
                    chat,
                    body(lang=self.audience.default_language, personal=False),
                    None,
                )

    async def _lookback(self) -> None:
        """Open the 回头看 checks that rounds with automatic look-back have due today."""
        choices = self.render.lookback_choices
        if choices is None:
            return
        self._added += await lookback.start_due(
            uow=self.uow,
            now=self.now,
            today=self.today,
            months=self.policy.lookback_months,
            default_lang=self.audience.default_language,
            choices=choices,
        )

    async def _quarterly(self, run: Run) -> None:
        """季总结: each open round's quarter, with its chart and a printable .docx."""
        readers = _unique_people(
            await self._with_role(Role.LEADER) + await self._with_role(Role.COORDINATOR)
        )
        year, number = run.period.split("-Q")
        quarter_start = self._midnight(date(int(year), 3 * int(number) - 2, 1))
        escalations = await self.uow.audit.counts("task.escalated", quarter_start, self.now)
        weeks = self.policy.stalled_weeks
        stalled_since = self._midnight(week_monday(self.today)) - timedelta(weeks=weeks)
        for campaign in await self.uow.campaigns.open_campaigns():
            board, previous = await self._snapshot(campaign, "Q" + run.period)
            board = await with_milestones(self.uow, board, campaign, self.policy, self.now)
            stalled_ids = await self.uow.reports.stalled(campaign.id, stalled_since)
            escalated = [
                (v, escalations[v.id])
                for v in await self.uow.tasks.views_of(list(escalations))
                if v.campaign_id == campaign.id
            ]
            escalated.sort(key=lambda item: (-item[1], item[0].number))
            data = QuarterInput(
                campaign=campaign.name,
                quarter=run.period,
                issued_on=self.today,
                board=board,
                previous=previous,
                ranks=digest.ranking(
                    board,
                    await self.uow.tasks.due_before(TaskQuery(campaign.id), self.today),
                    previous,
                ),
                stalled=await self.uow.tasks.views_of(stalled_ids),
                stalled_count=len(stalled_ids),
                stalled_weeks=weeks,
                escalated=escalated,
            )
            doc_id = await self._quarterly_doc(data, run)
            period = f"{run.period}#{campaign.id}"
            charts: dict[str, int | None] = {}
            for person in readers:
                lang = self._lang(person)
                if lang not in charts:
                    charts[lang] = await self._chart(board, lang, campaign.name)
                body = quarterly_text(data, lang, personal=True)
                await self._send(run, person, body, period=period, file_id=charts[lang])
                if doc_id is not None:
                    caption = text("quarterly.doc_caption", lang, campaign=campaign.name)
                    await self._send(run, person, caption, period=f"{period}#doc", file_id=doc_id)
            for chat in self.audience.group_chats:
                body = quarterly_text(data, self.audience.default_language, personal=False)
                await self._send_group(_with_period(run, period), chat, body, None)

    async def _quarterly_doc(self, data: QuarterInput, run: Run) -> int | None:
        make = self.render.quarterly_doc
        if make is None:
            return None
        payload = await asyncio.to_thread(make, data)
        return await self.uow.outbox.add_file(
            OutgoingFile(
                name=f"{data.campaign}-{run.period}-季度总结.docx", kind="document", data=payload
            ),
            now=self.now,
        )

    async def _red_listed(self, campaign_id: int, month: str) -> list[tuple[TaskView, int]]:
        """The measures the month's digests listed as red, with how many digests listed each."""
        listed = Counter(
            task_id
            for snapshot in await self.uow.snapshots.snapshots_like(campaign_id, RED_LISTED + month)
            for task_id in snapshot.get("red", [])
        )
        views = await self.uow.tasks.views_of(list(listed))
        return sorted(((v, listed[v.id]) for v in views), key=lambda item: -item[1])

    async def _bulletin_doc(
        self,
        campaign: str,
        run: Run,
        board: Board,
        previous: dict[str, Any] | None,
        ranks: list[digest.RankLine],
        overdue: list[TaskView],
        red_listed: list[tuple[TaskView, int]],
        looked: digest.LookbackFigures,
    ) -> int | None:
        make = self.render.bulletin_doc
        if make is None:
            return None
        data = await asyncio.to_thread(
            make,
            digest.BulletinInput(
                campaign=campaign,
                month=run.period,
                issued_on=self.today,
                board=board,
                previous=previous,
                ranks=ranks,
                overdue=overdue,
                red_listed=red_listed,
                lookback=looked,
            ),
        )
        return await self.uow.outbox.add_file(
            OutgoingFile(name=f"{campaign}-{run.period}-通报.docx", kind="document", data=data),
            now=self.now,
        )

    # -- notices to coordinators -----------------------------------------------------------

    async def report_failed(self, run: Run) -> int:
        """Tell the coordinators, once per run, that it failed and was not sent."""
        for person in await self._with_role(Role.COORDINATOR):
            body = text(
                "run_failed.notice",
                self._lang(person),
                kind=message_kind(run.kind, self._lang(person)),
                period=run.period,
            )
            await self._send(
                None,
                person,
                body,
                kind=Kind.RUN_FAILED,
                period=f"{run.kind.value}|{run.period}",
            )
        return await self._flush()

    async def report_missed(self, missed: list[Run]) -> int:
        """Tell the coordinators which runs were too old to send."""
        listing = "\n".join(
            f"• {r.kind.value} {r.period}（{r.due_at.astimezone(self.policy.tz):%m-%d %H:%M}）"
            for r in missed[:50]
        )
        stamp = self.now.astimezone(self.policy.tz).strftime("%Y%m%dT%H%M")
        for person in await self._with_role(Role.COORDINATOR):
            body = text("missed.notice", self._lang(person), runs=listing)
            await self._send(None, person, body, kind=Kind.MISSED, period=stamp)
        return await self._flush()

    async def calendar_gaps(self) -> int:
        """Say once per year, to the log and the coordinators, when holidays are unknown."""
        total = 0
        for year in self.policy.calendar.years_without_data(_gap_years(self.now, self.policy)):
            if await self.uow.runs.run_status(Kind.CALENDAR_GAP.value, str(year)) is not None:
                continue
            log.warning("no public-holiday data for %s: Monday to Friday is assumed", year)
            for person in await self._with_role(Role.COORDINATOR):
                body = text("calendar_gap.notice", self._lang(person), year=year)
                await self._send(None, person, body, kind=Kind.CALENDAR_GAP, period=str(year))
            count = await self._flush()
            await self.uow.runs.record_run(
                kind=Kind.CALENDAR_GAP,
                period=str(year),
                due_at=self.now,
                status="done",
                now=self.now,
                recipients=count,
            )
            total += count
        return total


def _with_period(run: Run, period: str) -> Run:
    return Run(run.kind, period, run.due_at, run.day)


def _unique(tasks: Iterable[TaskLine]) -> list[TaskLine]:
    seen: dict[int, TaskLine] = {}
    for t in tasks:
        seen.setdefault(t.id, t)
    return list(seen.values())


def _unique_people(people: Iterable[Person]) -> list[Person]:
    seen: dict[int, Person] = {}
    for p in people:
        seen.setdefault(p.id, p)
    return list(seen.values())
