"""Incoming updates: stored before Telegram is told they arrived, handled once, replayed after a crash.

The intake is at-least-once: an update is written down before the poller confirms it (so a kill
loses nothing), handled, then marked done; one stored but not done when the process died is
handled again on start. A second delivery of a handled update is stopped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from domain.ports import Clock, UnitOfWork
from domain.work.reporting import SentAck, remember_in

KEEP = timedelta(days=7)
# An update still unhandled this long after it was stored belongs to a process that died.
ORPHAN_AGE = timedelta(minutes=10)


async def store_update(
    *, uow: UnitOfWork, clock: Clock, update_id: int, payload: dict[str, Any]
) -> bool:
    """Write the raw update down; return False when it was stored before."""
    async with uow:
        fresh = await uow.inbox.store_update(update_id, payload, clock.now())
        if fresh and update_id % 1000 == 0:  # now and then, forget old handled ids
            await uow.inbox.forget_updates_before(clock.now() - KEEP)
        await uow.commit()
        return fresh


async def store_updates(
    *,
    uow: UnitOfWork,
    clock: Clock,
    updates: Sequence[tuple[int, dict[str, Any]]],
    closings: Sequence[Closing] = (),
) -> set[int]:
    """Write a polled batch down in one transaction; return the ids handled before.

    The same transaction closes the updates handled meanwhile (see `close`).
    """
    async with uow:
        await _close_in(uow, clock, closings)
        done = await uow.inbox.store_updates(updates, clock.now())
        if any(update_id % 1000 == 0 for update_id, _ in updates):
            await uow.inbox.forget_updates_before(clock.now() - KEEP)
        await uow.commit()
        return done


async def already_done(*, uow: UnitOfWork, update_id: int) -> bool:
    """Tell whether the update was handled before (delivered again after a restart)."""
    async with uow:
        return await uow.inbox.update_done(update_id)


@dataclass(frozen=True, slots=True)
class Closing:
    """An update every handler has run for, with the acknowledgements they sent."""

    update_id: int
    acks: Sequence[SentAck] = ()


async def close(*, uow: UnitOfWork, clock: Clock, closings: Sequence[Closing]) -> None:
    """Mark updates handled, remembering what their handlers sent, in one transaction.

    Any number of updates close in the same few statements, so under a burst the intake closes
    them together (group commit) rather than one transaction each.
    """
    async with uow:
        await _close_in(uow, clock, closings)
        await uow.commit()


async def _close_in(uow: UnitOfWork, clock: Clock, closings: Sequence[Closing]) -> None:
    if closings:
        await remember_in(uow, clock, [ack for closing in closings for ack in closing.acks])
        await uow.inbox.mark_updates_done([c.update_id for c in closings], clock.now())


async def take_orphans(*, uow: UnitOfWork, clock: Clock, age: timedelta) -> list[dict[str, Any]]:
    """Take the updates stored more than `age` ago and never handled: their process died.

    A process handles what it stored within seconds; an update still open after `age` was
    left by a process that was killed (or a replica that went away), and this one takes it.
    """
    async with uow:
        now = clock.now()
        taken = await uow.inbox.take_orphans(now - age, now)
        await uow.commit()
        return taken


async def pending(*, uow: UnitOfWork) -> list[dict[str, Any]]:
    """The updates a killed process stored but did not handle, oldest first."""
    async with uow:
        return await uow.inbox.pending_updates()
