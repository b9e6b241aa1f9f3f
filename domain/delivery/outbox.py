"""Queue one message to one person through the delivery outbox (sent once per key)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum

from domain.model import Outgoing, Person, TaskView
from domain.ports import UnitOfWork
from domain.texts import split_message

Buttons = list[list[tuple[str, str]]]


async def queue_to(
    uow: UnitOfWork,
    person: Person,
    *,
    key: str,
    kind: StrEnum,
    body: str,
    now: datetime,
    tasks: Sequence[TaskView] = (),
    buttons: Buttons | None = None,
    file_id: int | None = None,
) -> bool:
    """Add the message unless its key was queued before; replies to it report on `tasks`."""
    assert person.telegram_user_id is not None
    return await uow.outbox.add(
        Outgoing(
            key=key,
            kind=kind,
            period=now.date().isoformat(),
            chat_id=person.telegram_user_id,
            parts=split_message(body),
            person_id=person.id,
            buttons=buttons,
            task_ids=[t.id for t in tasks],
        ),
        now=now,
        file_id=file_id,
    )
