"""Changes of plan: move a task to another person, retire a person who left."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.campaigns import current_campaign
from domain.delivery.outbox import queue_to
from domain.errors import InvalidState, NotFound, PersonUnknown
from domain.model import Notice, Person, TaskStatus, TaskView
from domain.people.commands import require_coordinator
from domain.people.names import best_matches
from domain.ports import Clock, UnitOfWork
from domain.rhythm.digest import recipients_language
from domain.texts import excerpt, text
from domain.work import task_status


@dataclass(frozen=True, slots=True)
class Reassigned:
    """A task that moved from one person to another."""

    task: TaskView
    before: Person
    after: Person


@dataclass(frozen=True, slots=True)
class Retirement:
    """A retired person and the open tasks that now need a new owner."""

    person: Person
    orphaned: list[TaskView]


async def candidates(*, uow: UnitOfWork, coordinator: Person, name: str) -> list[Person]:
    """Return the active people whose name contains `name` (an exact match wins)."""
    require_coordinator(coordinator)
    async with uow:
        found = [p for p in await uow.people.search(name.strip()) if p.active]
    return best_matches(found, name, lambda p: p.name)


async def open_task(*, uow: UnitOfWork, coordinator: Person, number: str) -> TaskView:
    """Return a task of the coordinator's current campaign that can still change hands."""
    require_coordinator(coordinator)
    async with uow:
        return await _open_task(uow, coordinator, number)


async def _open_task(uow: UnitOfWork, coordinator: Person, number: str) -> TaskView:
    campaign = await current_campaign(uow, coordinator)
    task_id = await uow.tasks.id_by_number(campaign.id, number.strip())
    task = await uow.tasks.view(task_id) if task_id is not None else None
    if task is None:
        raise NotFound(what=number)
    if task.status == TaskStatus.CLOSED:
        raise InvalidState(status=task.status.value)
    return task


async def reassign(
    *,
    uow: UnitOfWork,
    clock: Clock,
    coordinator: Person,
    task_id: int,
    person_id: int,
    default_lang: str,
) -> Reassigned:
    """Give the task to another person; its reports and evidence stay with it; both are told."""
    require_coordinator(coordinator)
    async with uow:
        task = await uow.tasks.view(task_id)
        after = await uow.people.get(person_id)
        if task is None:
            raise NotFound()
        if after is None or not after.active:
            raise PersonUnknown(name=str(person_id))
        moved_state = task_status.reassign(task_status.state_of(task), to=after.id)
        before = await uow.people.get(task.owner_id)
        assert before is not None
        now = clock.now()
        await uow.tasks.set_plan_fields(task.id, owner_id=moved_state.owner_id)
        await uow.audit.record(
            at=now,
            actor_id=coordinator.id,
            action="task.reassigned",
            entity="task",
            entity_id=task.id,
            data={"from": before.name, "to": after.name},
        )
        moved = await uow.tasks.view(task.id)
        assert moved is not None
        for person, key in ((before, "reassign.from_you"), (after, "reassign.to_you")):
            await _tell(uow, person, key, moved, before, after, now, default_lang)
        await uow.commit()
        return Reassigned(moved, before, after)


async def _tell(
    uow: UnitOfWork,
    person: Person,
    key: str,
    task: TaskView,
    before: Person,
    after: Person,
    now: datetime,
    default_lang: str,
) -> None:
    if person.telegram_user_id is None or not person.active:
        return
    lang = recipients_language(person, default_lang)
    body = text(
        key,
        lang,
        number=task.number,
        measure=excerpt(task.measure),
        before=before.name,
        after=after.name,
        due=task.due_on.isoformat() if task.due_on else "—",
    )
    await queue_to(
        uow,
        person,
        key=f"{key}|{task.id}|{now.isoformat()}",
        kind=Notice.REASSIGN,
        body=body,
        now=now,
        tasks=[task],
    )


async def retirement_preview(*, uow: UnitOfWork, coordinator: Person, person_id: int) -> Retirement:
    """Say who would be retired and which open tasks would need a new owner."""
    require_coordinator(coordinator)
    async with uow:
        return await _retirement(uow, coordinator, person_id)


async def retire(
    *, uow: UnitOfWork, clock: Clock, coordinator: Person, person_id: int
) -> Retirement:
    """Retire the person: no more reminders or access; their open tasks are listed to move."""
    require_coordinator(coordinator)
    async with uow:
        found = await _retirement(uow, coordinator, person_id)
        now = clock.now()
        await uow.people.retire(person_id)
        await uow.invites.revoke_open(person_id, now)
        await uow.audit.record(
            at=now,
            actor_id=coordinator.id,
            action="person.retired",
            entity="person",
            entity_id=person_id,
            data={"open_tasks": [t.number for t in found.orphaned]},
        )
        await uow.commit()
        return found


async def _retirement(uow: UnitOfWork, coordinator: Person, person_id: int) -> Retirement:
    person = await uow.people.get(person_id)
    if person is None or not person.active:
        raise NotFound()
    if person.id == coordinator.id:
        raise InvalidState(status="self")
    orphaned = [
        t for t in await uow.tasks.views_for_owner(person.id) if t.status != TaskStatus.CLOSED
    ]
    return Retirement(person, orphaned)
