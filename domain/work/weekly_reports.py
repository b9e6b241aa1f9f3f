"""The weekly report in one go: a message about several measures, or one "no change" tap.

The message is split into items (domain.work.report_split), each item is matched to a measure the
sender may report on, and the whole is staged as a card. Nothing is written until the author
confirms; then every item becomes its own report in one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta, tzinfo

from domain.errors import InvalidState, NotFound, NothingToReport
from domain.model import (
    CLOSED_OR_WAITING,
    Attachment,
    BatchItem,
    Person,
    Refusal,
    ReportBatch,
    TaskStatus,
    TaskView,
)
from domain.ports import Clock, UnitOfWork
from domain.texts import excerpt
from domain.work.report_split import ItemKind, SplitItem, split_report
from domain.work.reporting import (
    IncomingMessage,
    apply_report,
    listed_tasks,
    recompute_task,
    reportable_tasks,
)

NO_CHANGE_VALUE = 101  # on the fix keyboard: "no change" instead of a percent
DROP_VALUE = 102  # on the fix keyboard: leave this item out
PENDING, CONFIRMED, CANCELLED = "pending", "confirmed", "cancelled"
REST_LABEL = "其余"  # items the message covered with 其余… rather than by name


@dataclass(frozen=True, slots=True)
class Confirmed:
    """What a confirmed card wrote."""

    batch: ReportBatch
    stored: list[TaskView]
    skipped: list[BatchItem]


def short_title(task: TaskView) -> str:
    """The measure's name on a phone: its problem's title, cut to a sensible length."""
    return excerpt(task.problem or task.measure, 24)


def resolve(
    items: Sequence[SplitItem], reportable: Sequence[TaskView], listed: Sequence[TaskView]
) -> list[BatchItem]:
    """Match split items to measures; what cannot be written says why (pure)."""
    by_number: dict[str, list[TaskView]] = {}
    for t in reportable:
        by_number.setdefault(t.number, []).append(t)
    named: set[int] = set()
    out: list[BatchItem] = []
    for item in items:
        if item.kind == ItemKind.REST:
            continue
        label = item.ref if item.kind == ItemKind.NUMBER else f"第{item.ref}项"
        base = BatchItem(label, item.text, item.percent, item.done, item.no_change)
        task, refused = _target(item, by_number, listed)
        if task is not None and task.id in named:
            task, refused = None, Refusal.DUPLICATE
        out.append(_bind(base, task, refused))
        if task is not None:
            named.add(task.id)
    for rest in (i for i in items if i.kind == ItemKind.REST):
        for task in listed:
            if task.id not in named and task.status not in CLOSED_OR_WAITING:
                named.add(task.id)
                base = BatchItem(REST_LABEL, rest.text, rest.percent, rest.done, rest.no_change)
                out.append(_bind(base, task, None))
    return out


def no_change_items(
    listed: Sequence[TaskView], text: str, week_start: datetime | None = None
) -> list[BatchItem]:
    """Items for "no change this week" on every listed measure that still needs a report.

    A measure already reported since ``week_start`` keeps that report as its week's word.
    """
    return [
        _bind(BatchItem(t.number, text, None, False, True), t, None)
        for t in listed
        if t.status not in CLOSED_OR_WAITING
        and (week_start is None or t.last_update_at is None or t.last_update_at < week_start)
    ]


def _target(
    item: SplitItem, by_number: dict[str, list[TaskView]], listed: Sequence[TaskView]
) -> tuple[TaskView | None, Refusal | None]:
    if item.kind == ItemKind.NUMBER:
        found = by_number.get(item.ref, [])
        if len(found) != 1:
            return None, Refusal.AMBIGUOUS if found else Refusal.NOT_REPORTABLE
        return found[0], None
    position = int(item.ref)
    if not 1 <= position <= len(listed):
        return None, Refusal.NO_POSITION
    return listed[position - 1], None


def _bind(item: BatchItem, task: TaskView | None, refused: Refusal | None) -> BatchItem:
    if task is None:
        return replace(item, refused=refused)
    if task.status == TaskStatus.CLOSED:
        refused = Refusal.CLOSED
    elif task.status == TaskStatus.PENDING_REVIEW:
        refused = Refusal.PENDING_REVIEW
    return replace(
        item,
        task_id=task.id,
        number=task.number,
        title=short_title(task),
        current_percent=task.percent,
        refused=refused,
    )


async def stage_message(
    *, uow: UnitOfWork, clock: Clock, person: Person, message: IncomingMessage
) -> ReportBatch | None:
    """Stage a message about several measures as a card; None when it names fewer than two."""
    items = split_report(message.text)
    if len(items) < 2:
        return None
    async with uow:
        batch = await _stage(uow, clock.now(), person, message, items, replaces_id=None)
        await uow.commit()
        return batch


async def stage_no_change(
    *,
    uow: UnitOfWork,
    clock: Clock,
    tz: tzinfo,
    person: Person,
    chat_id: int,
    message_id: int,
    text: str,
) -> ReportBatch:
    """Stage "no change this week" for every measure of the newest check-in not yet reported."""
    now = clock.now().astimezone(tz)
    monday = datetime.combine(now.date() - timedelta(days=now.weekday()), time(), tzinfo=tz)
    async with uow:
        items = no_change_items(await listed_tasks(uow, person), text, monday)
        if not items:
            raise NothingToReport()
        batch = await uow.batches.add(
            author_id=person.id,
            chat_id=chat_id,
            message_id=message_id,
            text=text,
            items=items,
            media_group_id=None,
            replaces_id=None,
            now=clock.now(),
        )
        await uow.commit()
        return batch


async def restage_edit(
    *, uow: UnitOfWork, clock: Clock, person: Person, message: IncomingMessage
) -> ReportBatch | None:
    """Apply an edit of a multi-measure message: refresh a pending card, or stage a new one.

    A confirmed card's reports stay until the new card is confirmed, which replaces them.
    Returns None when the message had no card.
    """
    async with uow:
        known = await uow.batches.for_message(message.chat_id, message.message_id)
        if known is None or known.author_id != person.id:
            return None
        items = split_report(message.text)
        now = clock.now()
        if known.status == PENDING:
            resolved = await _resolve(uow, person, items)
            await uow.batches.set_items(known.id, resolved)
            batch = replace(known, text=message.text, items=tuple(resolved))
        else:
            replaces = known.id if known.status == CONFIRMED else None
            batch = await _stage(uow, now, person, message, items, replaces_id=replaces)
        await uow.commit()
        return batch


async def add_album_file(
    *,
    uow: UnitOfWork,
    clock: Clock,
    person: Person,
    media_group_id: str,
    attachment: Attachment,
) -> ReportBatch | None:
    """Attach an album's further photo to its card; None when the album has no card."""
    async with uow:
        batch = await uow.batches.for_media_group(person.id, media_group_id)
        if batch is None or batch.status == CANCELLED:
            return None
        await uow.batches.add_attachment(batch.id, attachment)
        if batch.status == CONFIRMED:  # the card was confirmed before the album finished
            for report in await uow.batches.reports_of(batch.id):
                await uow.reports.add_evidence(
                    report=report, attachment=attachment, now=clock.now()
                )
        updated = await uow.batches.get(batch.id)
        await uow.commit()
        assert updated is not None
        return updated


async def set_item(
    *, uow: UnitOfWork, person: Person, batch_id: int, index: int, value: int
) -> ReportBatch:
    """Fix one item on a pending card: a percent, "no change", or leave it out."""
    async with uow:
        batch = await _pending(uow, person, batch_id)
        if not 0 <= index < len(batch.items):
            raise NotFound()
        item = batch.items[index]
        if value == DROP_VALUE:
            fixed = replace(item, refused=Refusal.DROPPED)
        elif value == NO_CHANGE_VALUE:
            fixed = replace(item, percent=None, done=False, no_change=True)
        elif 0 <= value <= 100:
            fixed = replace(item, percent=value, done=value == 100, no_change=False)
        else:
            raise InvalidState(status=f"{value}")
        items = (*batch.items[:index], fixed, *batch.items[index + 1 :])
        await uow.batches.set_items(batch.id, items)
        await uow.commit()
        return replace(batch, items=items)


async def pending_batch(*, uow: UnitOfWork, person: Person, batch_id: int) -> ReportBatch:
    """Return the author's card while it waits for a decision."""
    async with uow:
        return await _pending(uow, person, batch_id)


async def done_tasks(*, uow: UnitOfWork, person: Person, batch_id: int) -> list[int]:
    """The measures a confirmed card of the person reported done (standing reports only)."""
    async with uow:
        batch = await uow.batches.get(batch_id)
        if batch is None or batch.author_id != person.id or batch.status != CONFIRMED:
            raise NotFound()
        return [
            r.task_id
            for r in await uow.batches.reports_of(batch.id)
            if r.done and r.withdrawn_at is None and r.task_id is not None
        ]


async def remember_card(*, uow: UnitOfWork, batch_id: int, message_id: int) -> None:
    """Keep the card's message, so a later edit of the source can refresh it."""
    async with uow:
        await uow.batches.set_card(batch_id, message_id)
        await uow.commit()


async def cancel(*, uow: UnitOfWork, clock: Clock, person: Person, batch_id: int) -> ReportBatch:
    """Drop a pending card; nothing is written."""
    async with uow:
        batch = await _pending(uow, person, batch_id)
        if not await uow.batches.decide(batch.id, CANCELLED, clock.now()):
            raise InvalidState(status="decided")
        await uow.commit()
        return batch


async def confirm(*, uow: UnitOfWork, clock: Clock, person: Person, batch_id: int) -> Confirmed:
    """Write one report per valid item in one transaction; skip what changed since staging."""
    async with uow:
        batch = await _pending(uow, person, batch_id)
        now = clock.now()
        if not await uow.batches.decide(batch.id, CONFIRMED, now):
            raise InvalidState(status="decided")
        if batch.replaces_id is not None:
            await _withdraw_batch(uow, batch.replaces_id, now)
        reportable = {t.id: t for t in await reportable_tasks(uow, person)}
        stored: list[TaskView] = []
        skipped: list[BatchItem] = []
        for item in batch.items:
            if item.refused is not None or item.task_id is None:
                continue
            task = reportable.get(item.task_id)
            if task is None or task.status in CLOSED_OR_WAITING:
                skipped.append(item)  # reassigned, closed or sent for sign-off since the card
                continue
            stored.append(await _write(uow, batch, item, person, now))
        await uow.audit.record(
            at=now,
            actor_id=person.id,
            action="report.batch_confirmed",
            entity="report_batch",
            entity_id=batch.id,
            data={"tasks": [t.id for t in stored], "skipped": [i.label for i in skipped]},
        )
        await uow.commit()
        return Confirmed(batch, stored, skipped)


async def _write(
    uow: UnitOfWork, batch: ReportBatch, item: BatchItem, person: Person, now: datetime
) -> TaskView:
    assert item.task_id is not None
    report = await uow.reports.add(
        task_id=item.task_id,
        author_id=person.id,
        chat_id=batch.chat_id,
        message_id=batch.message_id,
        now=now,
    )
    report.text, report.percent, report.done = item.text, item.percent, item.done
    report.no_change, report.batch_id = item.no_change, batch.id
    for attachment in batch.attachments:
        await uow.reports.add_evidence(report=report, attachment=attachment, now=now)
    return await apply_report(uow, report, now)


async def _withdraw_batch(uow: UnitOfWork, batch_id: int, now: datetime) -> None:
    for report in await uow.batches.reports_of(batch_id):
        if report.withdrawn_at is None and report.task_id is not None:
            report.withdrawn_at = now
            await uow.reports.save(report)
            await recompute_task(uow, report.task_id)


async def _stage(
    uow: UnitOfWork,
    now: datetime,
    person: Person,
    message: IncomingMessage,
    items: Sequence[SplitItem],
    *,
    replaces_id: int | None,
) -> ReportBatch:
    batch = await uow.batches.add(
        author_id=person.id,
        chat_id=message.chat_id,
        message_id=message.message_id,
        text=message.text,
        items=await _resolve(uow, person, items),
        media_group_id=message.media_group_id,
        replaces_id=replaces_id,
        now=now,
    )
    if message.attachment is not None:
        await uow.batches.add_attachment(batch.id, message.attachment)
        batch = replace(batch, attachments=(message.attachment,))
    return batch


async def _resolve(uow: UnitOfWork, person: Person, items: Sequence[SplitItem]) -> list[BatchItem]:
    return resolve(items, await reportable_tasks(uow, person), await listed_tasks(uow, person))


async def _pending(uow: UnitOfWork, person: Person, batch_id: int) -> ReportBatch:
    batch = await uow.batches.get(batch_id)
    if batch is None or batch.author_id != person.id:
        raise NotFound()
    if batch.status != PENDING:
        raise InvalidState(status="decided")
    return batch
