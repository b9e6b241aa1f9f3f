"""Deadline extension requests (申请延期): an official asks, the coordinators decide."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from domain import deadlines
from domain.dates import DATE, date_of
from domain.delivery.outbox import Buttons, queue_to
from domain.errors import (
    BadExtensionDate,
    ExtensionPending,
    InvalidState,
    NotFound,
    OwnTask,
    PermissionDenied,
)
from domain.model import Extension, Notice, Person, Role, TaskView
from domain.ports import Clock, UnitOfWork
from domain.rhythm.digest import recipients_language
from domain.texts import excerpt, text
from domain.work import task_status
from domain.work.review import may_sign_off

DecisionButtons = Callable[[int, str], Buttons]  # (extension id, language) -> the choices
MAX_REASON = 1000


@dataclass(frozen=True, slots=True)
class ExtensionView:
    """A request with its task, for messages."""

    extension: Extension
    task: TaskView


def parse_request(body: str, today: date) -> tuple[date, str]:
    """Split "2027-03-31 资金未到位" into the new date and the reason; raise with what is wrong."""
    match = DATE.search(body)
    if match is None:
        raise BadExtensionDate(problem="no_date")
    try:
        wanted = date_of(match)
    except ValueError as exc:
        raise BadExtensionDate(problem="bad_date") from exc
    if wanted <= today:
        raise BadExtensionDate(problem="past")
    if wanted > deadlines.latest_from(today):
        raise BadExtensionDate(problem="too_far", due=deadlines.latest_from(today).isoformat())
    reason = (body[: match.start()] + " " + body[match.end() :]).strip(" ，,。;；：:\n")
    if not reason:
        raise BadExtensionDate(problem="no_reason")
    return wanted, reason[:MAX_REASON]


def parse_date(body: str, today: date) -> date:
    """Read a single new date (a coordinator setting another one)."""
    wanted, _ = parse_request(body + " -", today)
    return wanted


async def check_may_ask(*, uow: UnitOfWork, person: Person, task_id: int) -> TaskView:
    """Return the task if its official may ask to extend it now."""
    async with uow:
        return await _askable(uow, person, task_id)


async def request_extension(
    *,
    uow: UnitOfWork,
    clock: Clock,
    person: Person,
    task_id: int,
    body: str,
    buttons: DecisionButtons,
    default_lang: str,
    tz_today: date,
) -> ExtensionView:
    """Record the request and queue it, with decision buttons, to every coordinator."""
    wanted, reason = parse_request(body, tz_today)
    async with uow:
        task = await _askable(uow, person, task_id)
        if task.due_on is not None and wanted <= task.due_on:
            raise BadExtensionDate(problem="not_later", due=task.due_on.isoformat())
        now = clock.now()
        ext_id = await uow.extensions.add(
            task_id=task.id,
            person_id=person.id,
            reason=reason,
            old_due=task.due_on,
            requested_due=wanted,
            now=now,
        )
        await uow.audit.record(
            at=now,
            actor_id=person.id,
            action="extension.requested",
            entity="extension",
            entity_id=ext_id,
            data={"task_id": task.id, "requested_due": wanted.isoformat(), "reason": reason},
        )
        extension = await uow.extensions.get(ext_id)
        assert extension is not None
        campaign = await uow.campaigns.get(task.campaign_id)
        campaign_name = campaign.name if campaign else "—"
        for coordinator in await uow.people.with_role(Role.COORDINATOR):
            if coordinator.id == person.id or coordinator.telegram_user_id is None:
                continue
            if not coordinator.active:
                continue
            lang = recipients_language(coordinator, default_lang)
            await queue_to(
                uow,
                coordinator,
                key=f"extension|{ext_id}|p{coordinator.id}",
                kind=Notice.EXTENSION,
                body=_request_text(extension, task, person.name, campaign_name, lang),
                now=now,
                tasks=[task],
                buttons=buttons(ext_id, lang),
            )
        await uow.commit()
        return ExtensionView(extension, task)


async def check_decidable(*, uow: UnitOfWork, person: Person, extension_id: int) -> ExtensionView:
    """Return the open request if this person may decide it."""
    async with uow:
        return await _decidable(uow, person, extension_id)


async def decide(
    *,
    uow: UnitOfWork,
    clock: Clock,
    person: Person,
    extension_id: int,
    approve: bool,
    new_due: date | None = None,
    note: str | None = None,
    default_lang: str,
) -> ExtensionView:
    """Approve (with the asked or another date) or refuse; the official and the log are told."""
    async with uow:
        view = await _decidable(uow, person, extension_id)
        ext = view.extension
        now = clock.now()
        due = (new_due or ext.requested_due) if approve else None
        if due is not None and ext.old_due is not None and due <= ext.old_due:
            raise BadExtensionDate(problem="not_later", due=ext.old_due.isoformat())
        outcome = "approved" if approve else "refused"
        if not await uow.extensions.decide(
            ext.id, outcome=outcome, decided_by=person.id, new_due=due, note=note, now=now
        ):
            raise InvalidState(status="decided")
        if due is not None:
            await uow.tasks.set_plan_fields(ext.task_id, due_on=due)
        await uow.audit.record(
            at=now,
            actor_id=person.id,
            action=f"extension.{outcome}",
            entity="extension",
            entity_id=ext.id,
            data={
                "task_id": ext.task_id,
                "new_due": due.isoformat() if due else "",
                "note": note or "",
            },
        )
        owner = await uow.people.get(view.task.owner_id)
        if owner is not None and owner.telegram_user_id is not None and owner.active:
            lang = recipients_language(owner, default_lang)
            body = text(
                f"extension.{outcome}",
                lang,
                number=view.task.number,
                due=due.isoformat() if due else "",
                note=note or "—",
            )
            await queue_to(
                uow,
                owner,
                key=f"extension-{outcome}|{ext.id}",
                kind=Notice.EXTENSION,
                body=body,
                now=now,
                tasks=[view.task],
            )
        decided = await uow.extensions.get(ext.id)
        task = await uow.tasks.view(ext.task_id)
        assert decided is not None
        assert task is not None
        await uow.commit()
        return ExtensionView(decided, task)


async def _askable(uow: UnitOfWork, person: Person, task_id: int) -> TaskView:
    task = await uow.tasks.view(task_id)
    if task is None:
        raise NotFound()
    if task.owner_id != person.id:
        raise PermissionDenied()
    task_status.extend(task_status.state_of(task))  # refused once closed
    if await uow.extensions.open_for_task(task.id) is not None:
        raise ExtensionPending(number=task.number)
    return task


async def _decidable(uow: UnitOfWork, person: Person, extension_id: int) -> ExtensionView:
    if not may_sign_off(person):
        raise PermissionDenied()
    ext = await uow.extensions.get(extension_id)
    task = await uow.tasks.view(ext.task_id) if ext is not None else None
    if ext is None or task is None:
        raise NotFound()
    if task.owner_id == person.id or ext.person_id == person.id:
        raise OwnTask()
    task_status.extend(task_status.state_of(task))  # refused once closed
    if ext.outcome is not None:
        raise InvalidState(status="decided")
    return ExtensionView(ext, task)


def _request_text(ext: Extension, task: TaskView, owner: str, campaign: str, lang: str) -> str:
    return text(
        "extension.request",
        lang,
        campaign=campaign,
        owner=owner,
        unit=task.unit_name,
        number=task.number,
        measure=excerpt(task.measure),
        old=ext.old_due.isoformat() if ext.old_due else "—",
        new=ext.requested_due.isoformat(),
        reason=ext.reason,
    )
