"""Progress reports by plain chat message: attach, merge, correct, withdraw, ask for sign-off."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from domain.delivery.outbox import Buttons, queue_to
from domain.errors import (
    EditAfterReview,
    InvalidState,
    NoOpenTasks,
    NotFound,
    PermissionDenied,
)
from domain.model import (
    CLOSED_OR_WAITING,
    Attachment,
    Notice,
    Person,
    Report,
    Role,
    TaskStatus,
    TaskView,
    may_report_on,
)
from domain.ports import Clock, UnitOfWork
from domain.work import task_status
from domain.work.progress_text import parse_progress
from domain.work.report_split import ItemKind, split_report
from domain.work.review import ReviewButtons, enqueue_signoff_notice
from domain.work.task_status import TaskState

CHECKIN_KINDS = ("checkin", "nudge")  # the reminders whose list "第N项" refers to
MAX_REPORT_CHARS = 20_000  # the whole report, all parts; Telegram caps one message at 4096


@dataclass(frozen=True, slots=True)
class IncomingMessage:
    """A private chat message that may be (part of) a progress report."""

    chat_id: int
    message_id: int
    text: str
    reply_to_message_id: int | None = None
    media_group_id: str | None = None
    attachment: Attachment | None = None


@dataclass(frozen=True, slots=True)
class ReportOutcome:
    """What happened to a message: where it went and what the author must be told."""

    report: Report
    task: TaskView | None
    choices: list[TaskView] = field(default_factory=list)
    merged: bool = False
    duplicate: bool = False
    evidence_count: int = 0
    new_attachment: Attachment | None = None


@dataclass(frozen=True, slots=True)
class SignoffRequest:
    """A sign-off request and who should review it."""

    task: TaskView
    reviewers: list[Person]


async def receive_message(
    *, uow: UnitOfWork, clock: Clock, person: Person, message: IncomingMessage, merge_seconds: int
) -> ReportOutcome:
    """Record a message as progress: on the replied-to task, the sole open task, or ask which."""
    async with uow:
        now = clock.now()
        known = await uow.reports.report_for_message(message.chat_id, message.message_id)
        if known is not None:  # the same update delivered twice
            seen = await _own_report(uow, person, known)
            seen_task = await uow.tasks.view(seen.task_id) if seen.task_id else None
            count = await uow.reports.evidence_count(seen.id)
            return ReportOutcome(seen, seen_task, duplicate=True, evidence_count=count)
        target = await _reply_target(uow, person, message)
        if target is None:  # "1.3 完成40%" or "第2项 …" names its task: no need to ask which
            target = await _named_task(uow, person, message.text)
        candidate = await uow.reports.mergeable(
            author_id=person.id,
            chat_id=message.chat_id,
            since=now - timedelta(seconds=merge_seconds),
            media_group_id=message.media_group_id,
        )
        merged = (
            candidate is not None
            and (target is None or candidate.task_id in (None, target.id))
            and await _still_owned(uow, person, candidate)
        )
        if candidate is None or not merged:
            report, task = await _first_part(uow, person, message, target, now)
        else:
            report = candidate
            if report.task_id is None and target is not None:
                report.task_id = target.id
            task = await _next_part(uow, report, message, now)
        choices = await _open_tasks(uow, person) if task is None else []
        await uow.audit.record(
            at=now,
            actor_id=person.id,
            action="report.merged" if merged else "report.received",
            entity="report",
            entity_id=report.id,
            data={
                "task_id": report.task_id,
                "message_id": message.message_id,
                "file": message.attachment.file_unique_id if message.attachment else None,
            },
        )
        count = (
            await uow.reports.evidence_count(report.id)
            if merged
            else int(message.attachment is not None)
        )
        await uow.commit()
        return ReportOutcome(
            report,
            task,
            choices=choices,
            merged=merged,
            evidence_count=count,
            new_attachment=message.attachment,
        )


async def edit_message(
    *, uow: UnitOfWork, clock: Clock, person: Person, chat_id: int, message_id: int, text: str
) -> ReportOutcome | None:
    """Apply an edited chat message to the report it belongs to, if any."""
    async with uow:
        report_id = await uow.reports.report_for_message(chat_id, message_id)
        if report_id is None:
            return None
        report = await _own_report(uow, person, report_id)
        if report.withdrawn_at is not None:
            return None
        now = clock.now()
        before = report.text
        if report.task_id is not None:
            # It may have been reassigned since; and what was reviewed is never rewritten.
            owned = await _own_task(uow, person, report.task_id)
            if owned.status in CLOSED_OR_WAITING:
                await uow.audit.record(
                    at=now,
                    actor_id=person.id,
                    action="report.edit_refused",
                    entity="report",
                    entity_id=report.id,
                    data={"message_id": message_id, "old": before, "new": text},
                )
                await uow.commit()
                raise EditAfterReview(number=owned.number, status=owned.status.value)
        await uow.reports.set_part_text(chat_id, message_id, text)
        await _reparse(uow, report)
        task = await apply_report(uow, report, now) if report.task_id else None
        await uow.reports.save(report)
        choices = await _open_tasks(uow, person) if task is None else []
        await uow.audit.record(
            at=now,
            actor_id=person.id,
            action="report.edited",
            entity="report",
            entity_id=report.id,
            data={"message_id": message_id, "old": before, "new": report.text},
        )
        count = await uow.reports.evidence_count(report.id)
        await uow.commit()
        return ReportOutcome(report, task, choices=choices, merged=True, evidence_count=count)


async def assign_report(
    *, uow: UnitOfWork, clock: Clock, person: Person, report_id: int, task_id: int
) -> ReportOutcome:
    """Attach a report the author had not yet placed to one of their tasks."""
    async with uow:
        report = await _own_report(uow, person, report_id)
        if report.withdrawn_at is not None:
            raise InvalidState(status="withdrawn")
        task = await _own_task(uow, person, task_id)
        if report.task_id is not None and report.task_id != task.id:
            raise InvalidState(status="assigned")
        now = clock.now()
        report.task_id = task.id
        updated = await apply_report(uow, report, now)
        await uow.reports.save(report)
        await uow.audit.record(
            at=now,
            actor_id=person.id,
            action="report.assigned",
            entity="report",
            entity_id=report.id,
            data={"task_id": task.id},
        )
        count = await uow.reports.evidence_count(report.id)
        await uow.commit()
        return ReportOutcome(report, updated, evidence_count=count)


async def set_report_percent(
    *, uow: UnitOfWork, clock: Clock, person: Person, report_id: int, percent: int
) -> TaskView:
    """Correct the percent the bot understood from a report."""
    if not 0 <= percent <= 100:
        raise InvalidState(status=f"{percent}%")
    async with uow:
        report = await _own_report(uow, person, report_id)
        if report.withdrawn_at is not None or report.task_id is None:
            raise InvalidState(status="withdrawn" if report.withdrawn_at else "unassigned")
        await _own_task(uow, person, report.task_id)
        now = clock.now()
        report.percent, report.done = percent, percent == 100
        task = await apply_report(uow, report, now)
        await uow.reports.save(report)
        await uow.audit.record(
            at=now,
            actor_id=person.id,
            action="report.percent_corrected",
            entity="report",
            entity_id=report.id,
            data={"task_id": report.task_id, "percent": percent},
        )
        await uow.commit()
        return task


async def withdraw_report(
    *, uow: UnitOfWork, clock: Clock, person: Person, report_id: int
) -> tuple[Report, TaskView | None]:
    """Withdraw a report; if it was the task's latest, the task goes back to where it was."""
    async with uow:
        report = await _own_report(uow, person, report_id)
        if report.withdrawn_at is not None:
            raise InvalidState(status="withdrawn")
        now = clock.now()
        task: TaskView | None = None
        if report.task_id is not None:
            task = await _own_task(uow, person, report.task_id)
            if task.status == TaskStatus.CLOSED:
                raise InvalidState(status=task.status.value)
            report.withdrawn_at = now
            await uow.reports.save(report)
            task = await recompute_task(uow, task.id)
        else:
            report.withdrawn_at = now
            await uow.reports.save(report)
        await uow.audit.record(
            at=now,
            actor_id=person.id,
            action="report.withdrawn",
            entity="report",
            entity_id=report.id,
            data={"task_id": report.task_id},
        )
        await uow.commit()
        return report, task


async def request_signoff(
    *,
    uow: UnitOfWork,
    clock: Clock,
    person: Person,
    task_id: int,
    buttons: ReviewButtons | None = None,
    default_lang: str = "zh",
) -> SignoffRequest:
    """Mark the task as done and waiting for the coordinators' review (审核销号)."""
    async with uow:
        request = await _request_signoff(uow, clock.now(), person, task_id, buttons, default_lang)
        await uow.commit()
        return request


async def request_signoffs(
    *,
    uow: UnitOfWork,
    clock: Clock,
    person: Person,
    task_ids: Sequence[int],
    buttons: ReviewButtons | None = None,
    default_lang: str = "zh",
) -> list[SignoffRequest]:
    """Ask sign-off for several tasks at once (all or nothing, in one transaction)."""
    async with uow:
        now = clock.now()
        requests = [
            await _request_signoff(uow, now, person, task_id, buttons, default_lang)
            for task_id in task_ids
        ]
        await uow.commit()
        return requests


async def _request_signoff(
    uow: UnitOfWork,
    now: datetime,
    person: Person,
    task_id: int,
    buttons: ReviewButtons | None,
    default_lang: str,
) -> SignoffRequest:
    task = await _own_task(uow, person, task_id)
    asked = task_status.ask_signoff(task_status.state_of(task))
    await uow.tasks.set_progress(
        task.id, percent=asked.percent, status=asked.status, last_update_at=now
    )
    await uow.tasks.mark_review_requested(task.id, now)
    await uow.audit.record(
        at=now,
        actor_id=person.id,
        action="task.signoff_requested",
        entity="task",
        entity_id=task.id,
        data={"previous_status": task.status.value, "previous_percent": task.percent},
    )
    reviewers = [
        p for p in await uow.people.with_role(Role.COORDINATOR) if p.active and p.id != person.id
    ]
    updated = await uow.tasks.view(task.id)
    assert updated is not None
    if buttons is not None:  # queued in the same transaction: the request is never silent
        await enqueue_signoff_notice(
            uow, task=updated, requester=person, now=now, buttons=buttons, default_lang=default_lang
        )
    return SignoffRequest(updated, reviewers)


@dataclass(frozen=True, slots=True)
class SentAck:
    """An acknowledgement the bot sent for a report (about `task_id`, if placed)."""

    report_id: int
    task_id: int | None
    chat_id: int
    message_id: int


async def remember_ack(*, uow: UnitOfWork, clock: Clock, ack: SentAck) -> None:
    """Keep the bot's acknowledgement: later parts edit it, and a reply to it reports again."""
    async with uow:
        await remember_in(uow, clock, [ack])
        await uow.commit()


async def remember_in(uow: UnitOfWork, clock: Clock, acks: Sequence[SentAck]) -> None:
    """Remember acknowledgements inside the caller's transaction (two statements for any number)."""
    await uow.reports.set_acks([(ack.report_id, ack.message_id) for ack in acks])
    await uow.tasks.link_messages(
        [(ack.chat_id, ack.message_id, ack.task_id) for ack in acks if ack.task_id is not None],
        clock.now(),
    )


async def queue_ack(
    *,
    uow: UnitOfWork,
    clock: Clock,
    person: Person,
    report_id: int,
    task: TaskView | None,
    body: str,
    buttons: Buttons | None,
) -> None:
    """Hand an acknowledgement Telegram refused right now to the outbox, which retries it.

    The report is stored already: the official must hear so, not be asked to send it again.
    """
    async with uow:
        await queue_to(
            uow,
            person,
            key=f"ack|{report_id}|{clock.now().isoformat()}",
            kind=Notice.ACK,
            body=body,
            now=clock.now(),
            tasks=[task] if task is not None else [],
            buttons=buttons,
        )
        await uow.commit()


async def link_message(
    *, uow: UnitOfWork, clock: Clock, chat_id: int, message_id: int, task_id: int
) -> None:
    """Remember that a bot message is about a task, so replies to it report on that task."""
    async with uow:
        await _link(uow, clock, chat_id, message_id, task_id)
        await uow.commit()


async def _link(uow: UnitOfWork, clock: Clock, chat_id: int, message_id: int, task_id: int) -> None:
    await uow.tasks.link_message(
        chat_id=chat_id, message_id=message_id, task_id=task_id, now=clock.now()
    )


async def own_report(*, uow: UnitOfWork, person: Person, report_id: int) -> Report:
    """Return one of the person's own reports; NotFound for anyone else's."""
    async with uow:
        return await _own_report(uow, person, report_id)


async def task_for_owner(*, uow: UnitOfWork, person: Person, task_id: int) -> TaskView:
    """Return one of the person's own tasks (never someone else's)."""
    async with uow:
        return await _own_task(uow, person, task_id)


async def _reply_target(
    uow: UnitOfWork, person: Person, message: IncomingMessage
) -> TaskView | None:
    if message.reply_to_message_id is None:
        return None
    task_id = await uow.tasks.task_for_message(message.chat_id, message.reply_to_message_id)
    if task_id is None:
        return None
    task = await _own_task(uow, person, task_id)
    task_status.report(task_status.state_of(task), None)  # refused once signed off
    return task


async def _first_part(
    uow: UnitOfWork,
    person: Person,
    message: IncomingMessage,
    target: TaskView | None,
    now: datetime,
) -> tuple[Report, TaskView | None]:
    """Start a report with this message: stored parsed, and its task moved on, in one go."""
    if target is None:
        open_tasks = await _open_tasks(uow, person)
        if not open_tasks:
            raise NoOpenTasks()
        if len(open_tasks) == 1:
            target = open_tasks[0]
    body, percent, done = read_report(message.text)
    report = await uow.reports.add(
        task_id=target.id if target else None,
        author_id=person.id,
        chat_id=message.chat_id,
        message_id=message.message_id,
        now=now,
        text=body,
        percent=percent,
        done=done,
        previous=(target.percent, target.status) if target else None,
    )
    await _add_part(uow, report, message, now)
    if target is None:
        return report, None
    task = moved_on(target, report, now)
    await uow.tasks.set_progress(
        task.id, percent=task.percent, status=task.status, last_update_at=now
    )
    return report, task


def read_report(text: str) -> tuple[str, int | None, bool]:
    """A new report's stored text, percent and done flag ("已完成" counts as 100%)."""
    body = text[:MAX_REPORT_CHARS]
    parsed = parse_progress(body)
    return body, 100 if parsed.done else parsed.percent, parsed.done


def moved_on(target: TaskView, report: Report, now: datetime) -> TaskView:
    """The task after its newest report: the "report" transition over the task as it stands.

    (What recompute_task would derive from all its reports, without reading them again.)
    """
    state = task_status.report(task_status.state_of(target), report.percent)
    return replace(
        target,
        percent=state.percent,
        status=state.status,
        last_update_at=now,
        last_update_text=report.text,
    )


async def _next_part(
    uow: UnitOfWork, report: Report, message: IncomingMessage, now: datetime
) -> TaskView | None:
    """Add this message to a report begun moments ago; re-read it whole and re-apply it."""
    await _add_part(uow, report, message, now)
    report.last_part_at = now
    await _reparse(uow, report)
    task = await apply_report(uow, report, now) if report.task_id else None
    if task is None:  # apply_report saved it otherwise
        await uow.reports.save(report)
    return task


async def _add_part(
    uow: UnitOfWork, report: Report, message: IncomingMessage, now: datetime
) -> None:
    await uow.reports.add_part(
        report_id=report.id,
        chat_id=message.chat_id,
        message_id=message.message_id,
        media_group_id=message.media_group_id,
        text=message.text,
        now=now,
    )
    if message.attachment is not None:
        # Filed under the report's task already when it has one.
        await uow.reports.add_evidence(report=report, attachment=message.attachment, now=now)


async def _named_task(uow: UnitOfWork, person: Person, text: str) -> TaskView | None:
    items = split_report(text)
    if len(items) != 1:
        return None
    item = items[0]
    if item.kind == ItemKind.NUMBER:
        found = [t for t in await _open_tasks(uow, person) if t.number == item.ref]
        return found[0] if len(found) == 1 else None
    if item.kind == ItemKind.POSITION:
        listed = await listed_tasks(uow, person)
        position = int(item.ref)
        return listed[position - 1] if 1 <= position <= len(listed) else None
    return None


async def listed_tasks(uow: UnitOfWork, person: Person) -> list[TaskView]:
    """The list "第N项" counts in: the newest check-in's, else all the person may report on."""
    reportable = await reportable_tasks(uow, person)
    ids = await uow.outbox.latest_task_ids(person.id, CHECKIN_KINDS)
    if not ids:
        return reportable
    by_id = {t.id: t for t in reportable}
    return [by_id[i] for i in ids if i in by_id]


async def _open_tasks(uow: UnitOfWork, person: Person) -> list[TaskView]:
    return await reportable_tasks(uow, person)


async def reportable_tasks(uow: UnitOfWork, person: Person) -> list[TaskView]:
    """Tasks not yet signed off that the person may report on (a liaison: the unit's too)."""
    unit_id = person.unit_id if Role.LIAISON in person.roles else None
    return await uow.tasks.reportable_views(person.id, unit_id)


async def _reparse(uow: UnitOfWork, report: Report) -> None:
    report.text = "\n".join(t for t in await uow.reports.part_texts(report.id) if t)
    report.text = report.text[:MAX_REPORT_CHARS]
    parsed = parse_progress(report.text)
    report.percent = 100 if parsed.done else parsed.percent
    report.done = parsed.done


async def apply_report(
    uow: UnitOfWork, report: Report, now: datetime, *, attach: bool = True
) -> TaskView:
    """Save the report on its task and recompute the task from its live reports.

    With ``attach`` its evidence sent before it was placed is filed under the task too.
    """
    assert report.task_id is not None
    task = await uow.tasks.view(report.task_id)
    assert task is not None
    if report.previous_status is None:  # the task's state before this report
        report.previous_percent, report.previous_status = task.percent, task.status
    await uow.reports.save(report)
    if attach:
        await uow.reports.attach_evidence(report.id, task.id)
    return await recompute_task(uow, task.id)


async def recompute_task(uow: UnitOfWork, task_id: int) -> TaskView:
    """Derive percent, status and last update from the task's reports that still stand.

    The latest report with a percent wins, so correcting or withdrawing an older report never
    rolls the task back past a newer one. Sign-off states belong to the review loop and stay.
    """
    task = await uow.tasks.view(task_id)
    assert task is not None
    if task.status == TaskStatus.CLOSED:
        return task
    reports = await uow.reports.for_task(task_id)
    live = [r for r in reports if r.withdrawn_at is None]
    base = reports[0] if reports else None
    before = TaskState(
        status=base.previous_status if base and base.previous_status else TaskStatus.OPEN,
        percent=base.previous_percent
        if base and base.previous_percent is not None
        else task.percent,
        owner_id=task.owner_id,
    )
    state = task_status.replay(
        task_status.state_of(task), before=before, reported=[r.percent for r in live]
    )
    percent, status = state.percent, state.status
    last = max((r.last_part_at for r in live), default=None)
    await uow.tasks.set_progress(task_id, percent=percent, status=status, last_update_at=last)
    updated = await uow.tasks.view(task_id)
    assert updated is not None
    return updated


async def _still_owned(uow: UnitOfWork, person: Person, report: Report) -> bool:
    if report.task_id is None:
        return True
    task = await uow.tasks.view(report.task_id)
    return task is not None and may_report_on(person, task)


async def _own_report(uow: UnitOfWork, person: Person, report_id: int) -> Report:
    report = await uow.reports.get(report_id)
    if report is None or report.author_id != person.id:
        raise NotFound()
    return report


async def _own_task(uow: UnitOfWork, person: Person, task_id: int) -> TaskView:
    task = await uow.tasks.view(task_id)
    if task is None:
        raise NotFound()
    if not may_report_on(person, task):
        raise PermissionDenied()
    return task


async def open_tasks_of(*, uow: UnitOfWork, person: Person) -> list[TaskView]:
    """Return the person's tasks that are not yet signed off, in ledger order."""
    async with uow:
        return await _open_tasks(uow, person)
