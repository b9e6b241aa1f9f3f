"""Grading (A/B/C) at the end of a round: a stated rule proposes, the coordinator decides.

Each unit's inputs are counted from its own measures (as the lead unit): completion, punctuality
(measures with a deadline done by it), measures reopened by a look-back, escalations (约谈提醒)
over the round, and the round's milestones missed. The rule (settings GRADE_A and GRADE_B)
gives A when every A condition holds, else B when every B condition holds, else C. The
coordinator confirms the proposals or sets another grade with a reason; a C grade queues a
summons reminder (履责约谈) to the unit's lead leader about its head, once.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from enum import StrEnum

from domain.campaigns import current_campaign
from domain.delivery.outbox import queue_to
from domain.errors import BadGradeCommand, NotFound, PermissionDenied
from domain.model import (
    Campaign,
    GradeRecord,
    LookbackStatus,
    Notice,
    Person,
    Role,
    TaskStatus,
    TaskView,
)
from domain.people.commands import may_see_board, require_coordinator
from domain.people.names import named_pairs
from domain.ports import Clock, UnitOfWork
from domain.rhythm.milestones import MilestoneRules, Standing, states_of
from domain.rhythm.workdays import WorkCalendar
from domain.texts import text


class Grade(StrEnum):
    """A unit's grade: A good, B fair, C poor (its head is summoned, 履责约谈)."""

    A = "A"
    B = "B"
    C = "C"


INPUTS = ("completion", "on_time", "reopened", "escalated", "milestones_missed")
_CONDITION = re.compile(r"^\s*([a-z_]+)\s*(>=|<=)\s*(\d+(?:\.\d+)?)\s*$")


@dataclass(frozen=True, slots=True)
class Condition:
    """One input compared with a number, e.g. completion >= 90."""

    name: str
    op: str
    value: float

    def holds(self, inputs: UnitInputs) -> bool:
        """Tell whether the unit meets it."""
        actual = float(getattr(inputs, self.name))
        return actual >= self.value if self.op == ">=" else actual <= self.value

    def __str__(self) -> str:
        return f"{self.name}{self.op}{self.value:g}"


def parse_conditions(raw: str) -> tuple[Condition, ...]:
    """Read "completion>=90, on_time>=80, reopened<=0"; raise ValueError saying how."""
    conditions = []
    for part in re.split(r"[,，;；]", raw):
        if not part.strip():
            continue
        found = _CONDITION.match(part.lower())
        if found is None or found.group(1) not in INPUTS:
            raise ValueError(
                f"{part.strip()!r} should be NAME>=N or NAME<=N with NAME one of "
                f"{', '.join(INPUTS)} (percentages for completion and on_time)"
            )
        conditions.append(Condition(found.group(1), found.group(2), float(found.group(3))))
    return tuple(conditions)


@dataclass(frozen=True, slots=True)
class GradeRule:
    """A when every `a` condition holds, else B when every `b` condition holds, else C."""

    a: tuple[Condition, ...] = parse_conditions(
        "completion>=90, on_time>=80, reopened<=0, escalated<=1"
    )
    b: tuple[Condition, ...] = parse_conditions("completion>=60, on_time>=60")

    def propose(self, inputs: UnitInputs) -> Grade:
        """The grade the rule gives."""
        if all(c.holds(inputs) for c in self.a):
            return Grade.A
        if all(c.holds(inputs) for c in self.b):
            return Grade.B
        return Grade.C

    def stated(self, lang: str) -> str:
        """The rule in words, as the coordinator reads it."""
        return text(
            "grade.rule",
            lang,
            a="，".join(_condition_words(c, lang) for c in self.a) or "—",
            b="，".join(_condition_words(c, lang) for c in self.b) or "—",
        )


def _condition_words(condition: Condition, lang: str) -> str:
    op = text(f"grade.op.{'ge' if condition.op == '>=' else 'le'}", lang)
    unit = "%" if condition.name in ("completion", "on_time") else ""
    return f"{text(f'grade.input.{condition.name}', lang)}{op}{condition.value:g}{unit}"


@dataclass(frozen=True, slots=True)
class GradingPolicy:
    """What grading needs besides the database: the rule, and how milestones are dated."""

    rule: GradeRule
    milestones: MilestoneRules
    work: WorkCalendar
    tz: tzinfo


@dataclass(frozen=True, slots=True)
class UnitInputs:
    """What a unit's grade is proposed from."""

    unit_id: int
    unit: str
    total: int
    closed: int
    completion: float  # percent of its measures signed off
    on_time: float  # percent of its measures with a passed deadline done by it
    reopened: int  # measures a look-back found slipped back
    escalated: int  # 约谈提醒 about its measures over the round
    milestones_missed: int  # the round's plan and report missed or late
    lead_id: int | None = None  # the leader who leads most of its measures (the summons)


@dataclass(frozen=True, slots=True)
class GradeLine:
    """A unit's inputs, the rule's proposal and the decision, if any."""

    inputs: UnitInputs
    proposed: Grade
    decided: GradeRecord | None


@dataclass(frozen=True, slots=True)
class GradeSheet:
    """The round's grading as /grade shows it."""

    campaign: Campaign
    rule: GradeRule
    lines: list[GradeLine]
    summoned: tuple[str, ...] = ()  # units whose summons reminder was queued just now
    confirmed: int = 0  # units whose proposal was just taken
    changed: str = ""  # the unit whose grade was just set


def unit_inputs(
    tasks: Sequence[TaskView],
    *,
    today_end: datetime,
    reopened: Counter[int],
    escalated: Counter[int],
    milestones_missed: int,
    tz: tzinfo,
) -> list[UnitInputs]:
    """Count each unit's inputs from its measures (in the order units first appear)."""
    by_unit: dict[int, list[TaskView]] = defaultdict(list)
    for t in tasks:
        by_unit[t.unit_id].append(t)
    today = today_end.astimezone(tz).date()
    found = []
    for unit_id, own in by_unit.items():
        closed = sum(t.status == TaskStatus.CLOSED for t in own)
        due = [t for t in own if t.due_on is not None and (t.due_on < today or t.closed_at)]
        kept = sum(
            t.closed_at is not None
            and t.due_on is not None
            and t.closed_at.astimezone(tz).date() <= t.due_on
            for t in due
        )
        found.append(
            UnitInputs(
                unit_id=unit_id,
                unit=own[0].unit_name,
                total=len(own),
                closed=closed,
                completion=round(100 * closed / len(own), 1),
                on_time=round(100 * kept / len(due), 1) if due else 100.0,
                reopened=sum(reopened[t.id] for t in own),
                escalated=sum(escalated[t.id] for t in own),
                milestones_missed=milestones_missed,
                lead_id=_main_lead(own),
            )
        )
    return found


def _main_lead(tasks: Sequence[TaskView]) -> int | None:
    leads = Counter(t.lead_id for t in tasks if t.lead_id is not None)
    return leads.most_common(1)[0][0] if leads else None


async def grade_sheet(
    *,
    uow: UnitOfWork,
    clock: Clock,
    person: Person,
    policy: GradingPolicy,
) -> GradeSheet:
    """The current round's proposed and decided grades (coordinators, leaders, admins)."""
    if not may_see_board(person):
        raise PermissionDenied()
    async with uow:
        campaign = await current_campaign(uow, person)
        return await _sheet(uow, clock, campaign, policy)


async def confirm_proposals(
    *,
    uow: UnitOfWork,
    clock: Clock,
    person: Person,
    campaign_id: int,
    policy: GradingPolicy,
    default_lang: str,
) -> GradeSheet:
    """Take the rule's grade for every unit not yet decided."""
    require_coordinator(person)
    async with uow:
        campaign = await uow.campaigns.get(campaign_id)
        if campaign is None or not campaign.is_open:
            raise NotFound()
        sheet = await _sheet(uow, clock, campaign, policy)
        now = clock.now()
        summoned = []
        for line in sheet.lines:
            if line.decided is None:
                await _decide(uow, campaign, line, line.proposed, "", person, now)
                if line.proposed == Grade.C and await _summon(
                    uow, campaign, line.inputs, "", now, default_lang
                ):
                    summoned.append(line.inputs.unit)
        await uow.commit()
        fresh = await _sheet(uow, clock, campaign, policy)
    return GradeSheet(
        fresh.campaign,
        policy.rule,
        fresh.lines,
        tuple(summoned),
        confirmed=sum(line.decided is None for line in sheet.lines),
    )


async def set_grade(
    *,
    uow: UnitOfWork,
    clock: Clock,
    person: Person,
    words: Sequence[str],
    policy: GradingPolicy,
    default_lang: str,
) -> GradeSheet:
    """Set one unit's grade: "/grade 区发展改革委 C 理由" (a reason is required to differ)."""
    require_coordinator(person)
    unit_words, grade, reason = parse_grade_words(words)
    async with uow:
        campaign = await current_campaign(uow, person)
        sheet = await _sheet(uow, clock, campaign, policy)
        lines = {line.inputs.unit_id: line for line in sheet.lines}
        units = named_pairs(((i, line.inputs.unit) for i, line in lines.items()), unit_words)
        if not units:
            raise NotFound(what=unit_words)
        if len(units) > 1:
            raise BadGradeCommand(problem="units", word="、".join(u for _, u in units[:10]))
        line = lines[units[0][0]]
        if grade != line.proposed and not reason:
            raise BadGradeCommand(problem="reason", word=line.proposed.value)
        now = clock.now()
        await _decide(uow, campaign, line, grade, reason, person, now)
        summoned: tuple[str, ...] = ()
        if grade == Grade.C and await _summon(
            uow, campaign, line.inputs, reason, now, default_lang
        ):
            summoned = (line.inputs.unit,)
        await uow.commit()
        fresh = await _sheet(uow, clock, campaign, policy)
    return GradeSheet(fresh.campaign, policy.rule, fresh.lines, summoned, changed=line.inputs.unit)


def parse_grade_words(words: Sequence[str]) -> tuple[str, Grade, str]:
    """Split "UNIT GRADE [REASON…]"; raise BadGradeCommand when there is no grade."""
    for i, word in enumerate(words):
        if word.upper() in Grade.__members__ and i > 0:
            return " ".join(words[:i]), Grade(word.upper()), " ".join(words[i + 1 :]).strip()
    raise BadGradeCommand(problem="usage")


async def _sheet(
    uow: UnitOfWork,
    clock: Clock,
    campaign: Campaign,
    policy: GradingPolicy,
) -> GradeSheet:
    now = clock.now()
    tasks = await uow.tasks.views_for_campaign(campaign.id)
    checks = await uow.lookbacks.for_campaign(campaign.id)
    reopened = Counter(c.task_id for c in checks if c.status == LookbackStatus.SLIPPED)
    since = min((t.created_at for t in tasks), default=now)
    escalated = Counter(await uow.audit.counts("task.escalated", since, now))
    today = now.astimezone(policy.tz).date()
    records = await uow.campaigns.milestones([campaign.id])
    missed = sum(
        s.standing(today) in (Standing.MISSED, Standing.SUBMITTED_LATE)
        for s in states_of(campaign, records, policy.milestones, policy.work)
    )
    inputs = unit_inputs(
        tasks,
        today_end=now,
        reopened=reopened,
        escalated=escalated,
        milestones_missed=missed,
        tz=policy.tz,
    )
    decided = {g.unit_id: g for g in await uow.grades.for_campaign(campaign.id)}
    lines = [GradeLine(i, policy.rule.propose(i), decided.get(i.unit_id)) for i in inputs]
    return GradeSheet(campaign, policy.rule, lines)


async def _decide(
    uow: UnitOfWork,
    campaign: Campaign,
    line: GradeLine,
    grade: Grade,
    reason: str,
    person: Person,
    now: datetime,
) -> None:
    await uow.grades.set(
        campaign_id=campaign.id,
        unit_id=line.inputs.unit_id,
        grade=grade.value,
        proposed=line.proposed.value,
        reason=reason[:1000],
        by=person.id,
        at=now,
    )
    await uow.audit.record(
        at=now,
        actor_id=person.id,
        action="unit.graded",
        entity="unit",
        entity_id=line.inputs.unit_id,
        data={
            "campaign": campaign.id,
            "grade": grade.value,
            "proposed": line.proposed.value,
            "reason": reason[:1000],
        },
    )


async def _summon(
    uow: UnitOfWork,
    campaign: Campaign,
    inputs: UnitInputs,
    reason: str,
    now: datetime,
    default_lang: str,
) -> bool:
    """Queue the 履责约谈 reminder to the unit's lead leader(s), once; tell whether it was new."""
    heads = [
        p.name
        for p in await uow.people.with_role(Role.UNIT_HEAD)
        if p.unit_id == inputs.unit_id and p.active
    ]
    lead = await uow.people.get(inputs.lead_id) if inputs.lead_id is not None else None
    readers = _reachable([lead])
    if not readers:  # no lead leader to tell: the coordinators are
        readers = _reachable(await uow.people.with_role(Role.COORDINATOR))
    queued = False
    for reader in readers:
        lang = reader.language or default_lang
        body = text(
            "grade.summons",
            lang,
            campaign=campaign.name,
            unit=inputs.unit,
            heads="、".join(heads) or text("grade.no_head", lang),
            reason=reason or text("grade.by_rule", lang),
            completion=f"{inputs.completion:g}",
            on_time=f"{inputs.on_time:g}",
        )
        queued |= await queue_to(
            uow,
            reader,
            key=f"summons|c{campaign.id}|u{inputs.unit_id}|p{reader.id}",
            kind=Notice.SUMMONS,
            body=body,
            now=now,
        )
    return queued


def _reachable(people: Iterable[Person | None]) -> list[Person]:
    return [p for p in people if p is not None and p.telegram_user_id is not None and p.active]
