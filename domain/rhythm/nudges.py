"""/remind: an immediate nudge to a person, a unit or everyone silent, through the outbox."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum

from domain.campaigns import current_campaign
from domain.delivery.outbox import queue_to
from domain.errors import NotFound
from domain.lights import LightPolicy, checkin_before
from domain.model import Notice, Person, TaskView
from domain.people.commands import require_coordinator
from domain.people.names import named_pairs
from domain.ports import Clock, UnitOfWork
from domain.rhythm.digest import needs_report, recipients_language, silent_since
from domain.texts import excerpt, text


class Reach(IntEnum):
    """Whom a nudge reaches (the number travels in button data)."""

    PERSON = 1
    UNIT = 2
    SILENT = 3


FocusButton = Callable[[int], str]


@dataclass(frozen=True, slots=True)
class Target:
    """Who a nudge would reach, before it is sent."""

    scope: Reach
    target_id: int
    label: str
    people: list[Person]
    unreachable: list[Person]
    tasks: dict[int, list[TaskView]]  # person id -> the tasks named in their nudge


@dataclass(frozen=True, slots=True)
class Choices:
    """A name that matched several people or units: pick one."""

    people: list[tuple[int, str]]
    units: list[tuple[int, str]]


async def resolve(
    *, uow: UnitOfWork, clock: Clock, coordinator: Person, policy: LightPolicy, words: str
) -> Target | Choices:
    """Read "silent", a person's or a unit's (partial) name into a nudge target."""
    require_coordinator(coordinator)
    async with uow:
        tasks = await _open_tasks(uow, coordinator)
    wanted = words.strip()
    if wanted.lower() in ("silent", "未报送"):
        return await target(
            uow=uow,
            clock=clock,
            coordinator=coordinator,
            policy=policy,
            scope=Reach.SILENT,
            target_id=0,
        )
    owners = named_pairs(((t.owner_id, t.owner_name) for t in tasks), wanted)
    units = named_pairs(((t.unit_id, t.unit_name) for t in tasks), wanted)
    if len(owners) + len(units) == 1:
        scope, (ident, _) = (Reach.PERSON, owners[0]) if owners else (Reach.UNIT, units[0])
        return await target(
            uow=uow,
            clock=clock,
            coordinator=coordinator,
            policy=policy,
            scope=scope,
            target_id=ident,
        )
    if not owners and not units:
        raise NotFound(what=wanted)
    return Choices(owners[:20], units[:20])


async def target(
    *,
    uow: UnitOfWork,
    clock: Clock,
    coordinator: Person,
    policy: LightPolicy,
    scope: Reach,
    target_id: int,
) -> Target:
    """Work out who a nudge reaches now (re-done at confirmation, so it is never stale)."""
    require_coordinator(coordinator)
    async with uow:
        tasks = await _open_tasks(uow, coordinator)
        since = checkin_before(clock.now(), policy)
        chosen = [t for t in tasks if _in_scope(t, scope, target_id, since)]
        if not chosen and scope != Reach.SILENT:
            raise NotFound()
        by_owner: dict[int, list[TaskView]] = defaultdict(list)
        for t in chosen:
            by_owner[t.owner_id].append(t)
        people = [p for p in [await uow.people.get(i) for i in by_owner] if p is not None]
    label = _label(scope, chosen)
    reachable = [p for p in people if p.active and p.telegram_user_id is not None and p.reachable]
    unreachable = [p for p in people if p not in reachable]
    return Target(scope, target_id, label, reachable, unreachable, dict(by_owner))


def _in_scope(task: TaskView, scope: Reach, target_id: int, since: datetime) -> bool:
    if scope == Reach.PERSON:
        return task.owner_id == target_id
    if scope == Reach.UNIT:
        return task.unit_id == target_id
    return silent_since(task, since)


def _label(scope: Reach, tasks: Sequence[TaskView]) -> str:
    if not tasks or scope == Reach.SILENT:
        return ""
    return tasks[0].owner_name if scope == Reach.PERSON else tasks[0].unit_name


async def send(
    *,
    uow: UnitOfWork,
    clock: Clock,
    coordinator: Person,
    policy: LightPolicy,
    scope: Reach,
    target_id: int,
    focus_button: FocusButton,
    default_lang: str,
    token: str,
) -> Target:
    """Queue one nudge per reachable person, with a ✍️ button per task.

    `token` names the preview that was confirmed: pressing its button twice sends once.
    """
    found = await target(
        uow=uow,
        clock=clock,
        coordinator=coordinator,
        policy=policy,
        scope=scope,
        target_id=target_id,
    )
    async with uow:
        now = clock.now()
        queued = 0
        for person in found.people:
            lang = recipients_language(person, default_lang)
            tasks = found.tasks[person.id]
            lines = [text("remind.header", lang, name=person.name, sender=coordinator.name)]
            lines += [
                text("remind.line", lang, number=t.number, measure=excerpt(t.measure, 80))
                for t in tasks[:40]
            ]
            flat = [(f"✍️ {t.number}", focus_button(t.id)) for t in tasks[:40]]
            queued += await queue_to(
                uow,
                person,
                key=f"remind|{token}|p{person.id}",
                kind=Notice.REMIND,
                body="\n".join(lines),
                now=now,
                tasks=tasks,
                buttons=[flat[i : i + 4] for i in range(0, len(flat), 4)],
            )
        if queued == 0 and found.people:
            return found  # the same confirmation pressed again: nothing new was sent
        await uow.audit.record(
            at=now,
            actor_id=coordinator.id,
            action="remind.sent",
            entity="campaign",
            entity_id=None,
            data={"scope": scope, "target_id": target_id, "people": len(found.people)},
        )
        await uow.commit()
    return found


async def _open_tasks(uow: UnitOfWork, coordinator: Person) -> list[TaskView]:
    campaign = await current_campaign(uow, coordinator)
    return [t for t in await uow.tasks.views_for_campaign(campaign.id) if needs_report(t)]
