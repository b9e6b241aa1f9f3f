"""回头看: re-checking signed-off measures to see whether their rectification held.

A coordinator starts a look-back on the round, a unit or chosen measures (`/lookback`), or the
tick starts one LOOKBACK_MONTHS after a measure's sign-off in rounds that switched it on. Each
signed-off measure gets a check, sent to its official with two answers: it still holds, or it
slipped back. The official or a coordinator answers; a slipped measure is reopened (in
progress again, its deadline as it was) with the reason, and its history keeps both the old
sign-off and the reopening, so the unit's figures show it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from domain.campaigns import current_campaign
from domain.delivery.outbox import queue_to
from domain.errors import BadLookbackCommand, InvalidState, NotFound, PermissionDenied
from domain.model import (
    Campaign,
    LookbackCheck,
    LookbackStatus,
    Notice,
    Person,
    Role,
    TaskStatus,
    TaskView,
)
from domain.people.commands import require_coordinator
from domain.people.names import named_pairs
from domain.ports import Clock, TaskQuery, UnitOfWork
from domain.rhythm.milestones import add_months
from domain.texts import excerpt, text
from domain.work import task_status
from domain.work.review import may_sign_off

ChoiceButtons = Callable[[LookbackCheck, TaskView, str], list[tuple[str, str]]]  # held / slipped
MAX_PER_MESSAGE = 20  # checks listed (two buttons each) in one message to an official
_NUMBER = re.compile(r"^\d+(?:\.\d+)*$")
_ALL_WORDS = {"全部", "所有", "all"}
_AUTO_WORDS = {"自动", "auto"}
_ON_WORDS = {"开", "开启", "on"}
_OFF_WORDS = {"关", "关闭", "off"}


@dataclass(frozen=True, slots=True)
class LookbackStarted:
    """What starting a look-back did."""

    campaign: str
    scope: str  # what was chosen, as the coordinator wrote it ("" = the whole round)
    checks: int
    already_pending: int  # measures with a check still unanswered were left alone
    not_closed: tuple[str, ...]  # numbers named that are not signed off (nothing to re-check)
    unreachable: tuple[str, ...]  # officials the bot cannot message (a coordinator answers)


@dataclass(frozen=True, slots=True)
class LookbackSummary:
    """Where a round's look-back stands (/lookback)."""

    campaign: Campaign
    checks: list[tuple[LookbackCheck, TaskView]]

    def count(self, status: LookbackStatus) -> int:
        """How many checks stand at `status`."""
        return sum(c.status == status for c, _ in self.checks)


@dataclass(frozen=True, slots=True)
class LookbackAnswered:
    """A recorded answer, and the task as it now stands."""

    check: LookbackCheck
    task: TaskView


async def summary(*, uow: UnitOfWork, person: Person) -> LookbackSummary:
    """The current round's look-back checks with their measures (coordinators, leaders)."""
    if not person.has(Role.COORDINATOR, Role.ADMIN, Role.LEADER):
        raise PermissionDenied()
    async with uow:
        campaign = await current_campaign(uow, person)
        checks = await uow.lookbacks.for_campaign(campaign.id)
        views = {v.id: v for v in await uow.tasks.views_of(sorted({c.task_id for c in checks}))}
    return LookbackSummary(campaign, [(c, views[c.task_id]) for c in checks if c.task_id in views])


async def set_auto(*, uow: UnitOfWork, person: Person, on: bool) -> Campaign:
    """Switch the round's automatic look-back on or off."""
    require_coordinator(person)
    async with uow:
        campaign = await current_campaign(uow, person)
        await uow.campaigns.set_lookback_auto(campaign.id, on)
        await uow.commit()
        return campaign


def parse_auto(words: Sequence[str]) -> bool | None:
    """ "自动 开" / "auto on" → True, "… 关/off" → False; None when it is no such command."""
    if len(words) != 2 or words[0].lower() not in _AUTO_WORDS:
        return None
    switch = words[1].lower()
    if switch in _ON_WORDS:
        return True
    if switch in _OFF_WORDS:
        return False
    raise BadLookbackCommand(problem="auto")


async def start(
    *,
    uow: UnitOfWork,
    clock: Clock,
    person: Person,
    words: Sequence[str],
    default_lang: str,
    choices: ChoiceButtons,
) -> LookbackStarted:
    """Start a look-back on the round ("全部"), a unit, or measures by number."""
    require_coordinator(person)
    if not words:
        raise BadLookbackCommand(problem="usage")
    async with uow:
        campaign = await current_campaign(uow, person)
        closed, not_closed = await _chosen(uow, campaign, words)
        result = await _open_checks(
            uow, campaign, closed, person.id, clock.now(), default_lang, choices
        )
        await uow.commit()
    return LookbackStarted(
        campaign.name,
        " ".join(words) if words[0].lower() not in _ALL_WORDS else "",
        result.checks,
        result.already_pending,
        not_closed,
        result.unreachable,
    )


async def _chosen(
    uow: UnitOfWork, campaign: Campaign, words: Sequence[str]
) -> tuple[list[TaskView], tuple[str, ...]]:
    """The signed-off measures the words choose, and numbers named that are not signed off."""
    closed_query = TaskQuery(campaign.id, status=TaskStatus.CLOSED)
    if len(words) == 1 and words[0].lower() in _ALL_WORDS:
        return await uow.tasks.matching(closed_query), ()
    if all(_NUMBER.match(w) for w in words):
        found: list[TaskView] = []
        not_closed: list[str] = []
        for number in dict.fromkeys(words):
            task_id = await uow.tasks.id_by_number(campaign.id, number)
            view = await uow.tasks.view(task_id) if task_id is not None else None
            if view is None:
                raise NotFound(what=number)
            if view.status == TaskStatus.CLOSED:
                found.append(view)
            else:
                not_closed.append(number)
        return found, tuple(not_closed)
    name = " ".join(words)
    units = named_pairs(await uow.tasks.units_in(TaskQuery(campaign.id)), name)
    if not units:
        raise NotFound(what=name)
    if len(units) > 1:
        raise BadLookbackCommand(problem="units", word="、".join(u for _, u in units[:10]))
    return await uow.tasks.matching(
        TaskQuery(campaign.id, status=TaskStatus.CLOSED, of_unit=units[0][0])
    ), ()


@dataclass(frozen=True, slots=True)
class _Opened:
    checks: int
    already_pending: int
    unreachable: tuple[str, ...]


async def _open_checks(
    uow: UnitOfWork,
    campaign: Campaign,
    tasks: Sequence[TaskView],
    started_by: int | None,
    now: datetime,
    default_lang: str,
    choices: ChoiceButtons,
) -> _Opened:
    """Open a check per measure without one pending, and ask each official about theirs."""
    pending = {
        c.task_id
        for c in await uow.lookbacks.for_campaign(campaign.id)
        if c.status == LookbackStatus.PENDING
    }
    fresh = [t for t in tasks if t.id not in pending]
    checks = await uow.lookbacks.add(
        campaign_id=campaign.id, task_ids=[t.id for t in fresh], started_by=started_by, now=now
    )
    by_owner: dict[int, list[tuple[LookbackCheck, TaskView]]] = defaultdict(list)
    for check, task in zip(checks, fresh, strict=True):
        await uow.audit.record(
            at=now,
            actor_id=started_by,
            actor_label=None if started_by else "rhythm",
            action="task.lookback_started",
            entity="task",
            entity_id=task.id,
            data={"check": check.id},
        )
        by_owner[task.owner_id].append((check, task))
    unreachable: list[str] = []
    for owner_id, items in by_owner.items():
        owner = await uow.people.get(owner_id)
        if owner is None or owner.telegram_user_id is None or not owner.active:
            unreachable.append(items[0][1].owner_name)
            continue
        lang = owner.language or default_lang
        for start in range(0, len(items), MAX_PER_MESSAGE):
            chunk = items[start : start + MAX_PER_MESSAGE]
            await queue_to(
                uow,
                owner,
                key=f"lookback|{chunk[0][0].id}|p{owner.id}",
                kind=Notice.LOOKBACK,
                body=_question(campaign, chunk, lang),
                now=now,
                buttons=[choices(check, task, lang) for check, task in chunk],
            )
    return _Opened(len(checks), len(tasks) - len(fresh), tuple(unreachable))


def _question(
    campaign: Campaign, items: Sequence[tuple[LookbackCheck, TaskView]], lang: str
) -> str:
    lines = [text("lookback.question", lang, campaign=campaign.name)]
    for _check, task in items:
        closed = task.closed_at.date().isoformat() if task.closed_at else "—"
        lines.append(
            text(
                "lookback.question_line",
                lang,
                number=task.number,
                measure=excerpt(task.measure, 40),
                closed=closed,
            )
        )
    return "\n".join(lines)


async def check_answerable(*, uow: UnitOfWork, person: Person, check_id: int) -> TaskView:
    """Return the check's measure if this person may answer it now (before a reason is asked)."""
    async with uow:
        _check, task = await _answerable(uow, person, check_id)
        return task


async def answer(
    *,
    uow: UnitOfWork,
    clock: Clock,
    person: Person,
    check_id: int,
    held: bool,
    reason: str = "",
    default_lang: str,
) -> LookbackAnswered:
    """Record that the rectification held, or reopen the measure with the reason it slipped."""
    reason = reason.strip()
    if not held and not reason:
        raise BadLookbackCommand(problem="reason")
    async with uow:
        check, task = await _answerable(uow, person, check_id)
        now = clock.now()
        status = LookbackStatus.HELD if held else LookbackStatus.SLIPPED
        if not await uow.lookbacks.answer(
            check.id, status=status, by=person.id, at=now, note=reason[:2000]
        ):
            raise InvalidState(status="decided")
        if held:
            await uow.audit.record(
                at=now,
                actor_id=person.id,
                action="task.lookback_held",
                entity="task",
                entity_id=task.id,
                data={"check": check.id},
            )
        else:
            task = await _reopen(uow, task, person, now, reason, default_lang)
        await uow.commit()
        answered = await uow.lookbacks.get(check.id)
    assert answered is not None
    return LookbackAnswered(answered, task)


async def _answerable(
    uow: UnitOfWork, person: Person, check_id: int
) -> tuple[LookbackCheck, TaskView]:
    check = await uow.lookbacks.get(check_id)
    if check is None:
        raise NotFound()
    task = await uow.tasks.view(check.task_id)
    if task is None:
        raise NotFound()
    if task.owner_id != person.id and not may_sign_off(person):
        raise PermissionDenied()
    if check.status != LookbackStatus.PENDING:
        raise InvalidState(status="decided")
    return check, task


async def _reopen(
    uow: UnitOfWork, task: TaskView, person: Person, now: datetime, reason: str, default_lang: str
) -> TaskView:
    """Put the measure back in progress; tell its official and the coordinators."""
    state = task_status.reopen(task_status.state_of(task))
    if not await uow.tasks.change_status(
        task.id, expected=TaskStatus.CLOSED, status=state.status, percent=state.percent
    ):
        raise InvalidState(status="decided")
    await uow.tasks.set_closed_at(task.id, None)
    await uow.audit.record(
        at=now,
        actor_id=person.id,
        action="task.reopened",
        entity="task",
        entity_id=task.id,
        data={"reason": reason[:2000]},
    )
    reopened = await uow.tasks.view(task.id)
    assert reopened is not None
    told = {person.id}
    readers = [await uow.people.get(task.owner_id), *await uow.people.with_role(Role.COORDINATOR)]
    for reader in readers:
        if reader is None or reader.id in told or reader.telegram_user_id is None:
            continue
        told.add(reader.id)
        lang = reader.language or default_lang
        body = text(
            "lookback.reopened_notice",
            lang,
            number=task.number,
            measure=excerpt(task.measure, 60),
            unit=task.unit_name,
            owner=task.owner_name,
            reason=excerpt(reason, 300),
            by=person.name,
        )
        await queue_to(
            uow, reader, key=f"reopened|{task.id}|{now.isoformat()}|p{reader.id}",
            kind=Notice.LOOKBACK, body=body, now=now,
        )  # fmt: skip
    return reopened


async def start_due(
    *,
    uow: UnitOfWork,
    now: datetime,
    today: date,
    months: int,
    default_lang: str,
    choices: ChoiceButtons,
) -> int:
    """Open checks for measures signed off `months` ago in rounds with automatic look-back.

    Called by the tick once a working day; a measure checked since its (latest) sign-off is
    not checked again. Returns how many checks were opened.
    """
    opened = 0
    cutoff = add_months(today, -months)
    for campaign in await uow.campaigns.open_campaigns():
        if not campaign.lookback_auto:
            continue
        checked = {c.task_id: c.started_at for c in await uow.lookbacks.for_campaign(campaign.id)}
        due = [
            t
            for t in await uow.tasks.matching(TaskQuery(campaign.id, status=TaskStatus.CLOSED))
            if t.closed_at is not None
            and t.closed_at.date() <= cutoff
            and (t.id not in checked or checked[t.id] < t.closed_at)
        ]
        if due:
            result = await _open_checks(uow, campaign, due, None, now, default_lang, choices)
            opened += result.checks
    return opened  # checks opened (each official's message is one outbox row per 20 checks)
