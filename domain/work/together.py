"""Plain reports that arrive together, received in one unit of work.

When officials answer a check-in at once, most messages are the simplest kind: a text from a
bound official with one open measure, replying to nothing and naming no measure ("已完成调研，
进度60%"). Taken one by one each costs a transaction and nine statements; taken together, the
messages of one moment cost one transaction and a handful of statements whatever their number.
Only that case is taken here: for every other message (an unknown or retired sender, a liaison,
a second message within the merge window, a replayed update, several or no open measures) the
answer is None and the message takes the usual path, one update at a time, which knows every
case. So the usual path stays the one definition of what a report does; this is its bulk form
for the one case that arrives in bursts, and `tests` compare the two.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from domain.model import NewAuditEvent, NewReport, Person, ProgressMove, Role, TaskView
from domain.ports import Clock, UnitOfWork
from domain.work.report_split import ItemKind, split_report
from domain.work.reporting import IncomingMessage, ReportOutcome, moved_on, read_report


@dataclass(frozen=True, slots=True)
class Arrival:
    """A private text message as it arrived, before its sender is known."""

    telegram_user_id: int
    message: IncomingMessage


@dataclass(frozen=True, slots=True)
class Received:
    """An arrival stored as a report on its sender's only open measure."""

    person: Person
    outcome: ReportOutcome


def is_plain(message: IncomingMessage) -> bool:
    """Tell whether a message may be taken together: text alone, replying to nothing, naming
    no measure (a 序号 or 第N项 names one; several items make a card)."""
    if (
        not message.text
        or message.attachment is not None
        or message.reply_to_message_id is not None
        or message.media_group_id is not None
    ):
        return False
    items = split_report(message.text)
    if len(items) > 1:
        return False
    return not items or items[0].kind not in (ItemKind.NUMBER, ItemKind.POSITION)


async def receive_together(
    *, uow: UnitOfWork, clock: Clock, arrivals: Sequence[Arrival], merge_seconds: int
) -> list[Received | None]:
    """Store each plain arrival as a report on its sender's only open measure, all at once.

    Returns, in the order given, what was stored, or None where the usual path must decide.
    """
    async with uow:
        now = clock.now()
        people = await uow.people.by_telegram_ids([a.telegram_user_id for a in arrivals])
        known = await uow.reports.known_messages(
            [(a.message.chat_id, a.message.message_id) for a in arrivals]
        )
        recent = await uow.reports.recent_chats(
            [p.id for p in people.values()], now - timedelta(seconds=merge_seconds)
        )
        owners = [p.id for p in people.values() if p.active and Role.LIAISON not in p.roles]
        tasks = await uow.tasks.reportable_of_owners(owners)
        taken: list[tuple[int, Person, TaskView, IncomingMessage]] = []
        for index, arrival in enumerate(arrivals):
            message = arrival.message
            person = people.get(arrival.telegram_user_id)
            if (
                person is None
                or not person.active
                or Role.LIAISON in person.roles  # may report on the unit's measures too
                or (message.chat_id, message.message_id) in known  # delivered twice
                or (person.id, message.chat_id) in recent  # may continue a report
                or len(tasks.get(person.id, ())) != 1
                or not is_plain(message)
            ):
                continue
            taken.append((index, person, tasks[person.id][0], message))
        if not taken:
            return [None] * len(arrivals)
        new = []
        for _, person, target, message in taken:
            body, percent, done = read_report(message.text)
            new.append(
                NewReport(
                    task_id=target.id,
                    author_id=person.id,
                    chat_id=message.chat_id,
                    message_id=message.message_id,
                    at=now,
                    text=body,
                    percent=percent,
                    done=done,
                    previous=(target.percent, target.status),
                )
            )
        reports = await uow.reports.add_many(new)
        moved = [
            moved_on(target, report, now)
            for (_, _, target, _), report in zip(taken, reports, strict=True)
        ]
        await uow.tasks.set_progress_many(
            [ProgressMove(t.id, t.percent, t.status, now) for t in moved]
        )
        await uow.audit.record_many(
            [
                NewAuditEvent(
                    at=now,
                    actor_id=r.author_id,
                    action="report.received",
                    entity="report",
                    entity_id=r.id,
                    data={"task_id": r.task_id, "message_id": r.message_id, "file": None},
                )
                for r in reports
            ]
        )
        await uow.commit()
    received: list[Received | None] = [None] * len(arrivals)
    for (index, person, _, _), report, task in zip(taken, reports, moved, strict=True):
        received[index] = Received(person, ReportOutcome(report, task))
    return received
