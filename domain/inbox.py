"""Incoming updates are processed once, even if Telegram or a restart delivers them again."""

from __future__ import annotations

from datetime import timedelta

from domain.ports import Clock, UnitOfWork

KEEP = timedelta(days=7)


async def accept_update(*, uow: UnitOfWork, clock: Clock, update_id: int) -> bool:
    """Record the update id; return False when it was already processed."""
    async with uow:
        fresh = await uow.rhythm.first_time(update_id, clock.now())
        if fresh:
            if update_id % 1000 == 0:  # now and then, forget old ids
                await uow.rhythm.forget_updates_before(clock.now() - KEEP)
            await uow.commit()
        return fresh
