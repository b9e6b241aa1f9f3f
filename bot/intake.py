"""The update queue that writes every incoming update down before Telegram learns it arrived.

PTB's poller asks for a batch of updates, puts each into the application's queue and only then
asks for the next batch, whose offset confirms the previous one; its webhook server answers
Telegram after the put. So storing before the put makes the intake durable: a kill (OOM,
`docker kill`) loses nothing, and on start what was stored but not handled is handled.

Polling stores a whole batch in one transaction (`DurableBot.get_updates`); a webhook's put
stores its one update. The update is marked done in one transaction after its last handler,
together with the acknowledgements the handlers sent (`defer_ack`), so a report costs one
write for itself and one to close the update.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from contextvars import ContextVar

from telegram import Bot, Update
from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import JSONDict, ODVInput, TimePeriod
from telegram.ext import ExtBot

from domain import inbox
from domain.ports import Clock, UnitOfWork
from domain.reporting import SentAck

log = logging.getLogger(__name__)

# The acknowledgements sent while handling the current update; None outside one (a job).
_ACKS: ContextVar[list[SentAck] | None] = ContextVar("rectibot_acks", default=None)


class DurableQueue(asyncio.Queue[object]):
    """An asyncio.Queue whose put() queues an Update only once it is stored, and only once."""

    def __init__(self, uow: Callable[[], UnitOfWork], clock: Clock) -> None:
        super().__init__()
        self._uow, self._clock = uow, clock
        self._stored: set[int] = set()  # stored with their batch, not yet put
        self._handled: set[int] = set()  # delivered again after being handled: dropped
        self._queued: set[int] = set()  # queued or being handled (replayed ones too)

    async def store_batch(self, updates: Sequence[Update]) -> None:
        """Write a polled batch down in one transaction, before it is confirmed."""
        if not updates:
            return
        handled = await inbox.store_updates(
            uow=self._uow(),
            clock=self._clock,
            updates=[(u.update_id, u.to_dict()) for u in updates],
        )
        self._stored.update(u.update_id for u in updates)
        self._handled.update(handled)

    async def put(self, item: object) -> None:
        """Store an update (others, like PTB's stop signal, pass through), then queue it."""
        if isinstance(item, Update):
            update_id = item.update_id
            if update_id in self._stored:
                self._stored.discard(update_id)
            elif not await inbox.store_update(
                uow=self._uow(), clock=self._clock, update_id=update_id, payload=item.to_dict()
            ) and await inbox.already_done(uow=self._uow(), update_id=update_id):
                self._handled.add(update_id)
            if update_id in self._handled or update_id in self._queued:
                self._handled.discard(update_id)
                log.info("update %s was delivered again; it is handled once", update_id)
                return
            self._queued.add(update_id)
        await super().put(item)

    async def replay(self, bot: Bot) -> int:
        """Queue the updates a killed process stored but did not handle; return how many."""
        payloads = await inbox.pending(uow=self._uow())
        for payload in payloads:
            update = Update.de_json(payload, bot)
            if update is not None:
                self._queued.add(update.update_id)
                await super().put(update)
        if payloads:
            log.warning(
                "handling %d update(s) a previous process received but did not finish",
                len(payloads),
            )
        return len(payloads)

    def begin(self) -> None:
        """An update's handling starts: collect the acknowledgements its handlers send."""
        _ACKS.set([])

    async def finish(self, update_id: int) -> None:
        """Every handler has run: mark the update done with the acknowledgements sent."""
        acks = _ACKS.get() or []
        _ACKS.set(None)
        await inbox.mark_done(uow=self._uow(), clock=self._clock, update_id=update_id, acks=acks)
        self._queued.discard(update_id)


def defer_ack(ack: SentAck) -> bool:
    """Remember an acknowledgement with its update's closing write; False outside an update."""
    acks = _ACKS.get()
    if acks is None:
        return False
    acks.append(ack)
    return True


class DurableBot(ExtBot[None]):
    """PTB's bot whose getUpdates stores each batch before the poller can confirm it."""

    _intake: DurableQueue | None = None  # PTB freezes public attributes; see `attach`

    def attach(self, intake: DurableQueue) -> None:
        """Store polled batches in this intake."""
        self._intake = intake

    async def get_updates(
        self,
        offset: int | None = None,
        limit: int | None = None,
        timeout: TimePeriod | None = None,  # noqa: ASYNC109 - PTB's signature
        allowed_updates: Sequence[str] | None = None,
        *,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
        api_kwargs: JSONDict | None = None,
    ) -> tuple[Update, ...]:
        """Fetch a batch, then store it whole (the next call's offset confirms it)."""
        updates = await super().get_updates(
            offset=offset,
            limit=limit,
            timeout=timeout,
            allowed_updates=allowed_updates,
            read_timeout=read_timeout,
            write_timeout=write_timeout,
            connect_timeout=connect_timeout,
            pool_timeout=pool_timeout,
            api_kwargs=api_kwargs,
        )
        if self._intake is not None:
            await self._intake.store_batch(updates)
        return updates
