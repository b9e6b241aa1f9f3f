"""The update queue that writes every incoming update down before Telegram learns it arrived.

PTB's poller asks for a batch of updates, puts each into the application's queue and only then
asks for the next batch, whose offset confirms the previous one; its webhook server answers
Telegram after the put. So storing before the put makes the intake durable: a kill (OOM,
`docker kill`) loses nothing, and on start what was stored but not handled is handled.

Polling stores a whole batch in one transaction (`DurableBot.get_updates`); a webhook's put
stores its one update. After its last handler an update is closed (marked done, with the
acknowledgements its handlers sent, `defer_ack`) by group commit: the first finisher writes its
closing at once, and while that write is under way the closings of updates finishing meanwhile
wait and go together in its next round (a polled batch's store also carries any waiting). Quiet,
an update closes at once; under a burst of reports, each costs one transaction for itself and a
share of one for the closings. A closing lost to a kill only means the update is handled again
(on start, or by another replica's sweep), where its report is found stored and only the
acknowledgement is sent again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from datetime import timedelta

from telegram import Bot, Update
from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import JSONDict, ODVInput, TimePeriod
from telegram.ext import ExtBot

from domain.delivery import inbox
from domain.ports import Clock, UnitOfWork
from domain.work.reporting import SentAck

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
        self._closing: dict[int, inbox.Closing] = {}  # handled, waiting for the group commit
        self._writing = False  # a finisher is writing closings; the others leave theirs to it

    async def store_batch(self, updates: Sequence[Update]) -> None:
        """Write a polled batch down in one transaction, before it is confirmed.

        The transaction also closes the updates handled since the last write.
        """
        closings = self._take_closings()
        if not updates and not closings:
            return
        try:
            handled = await inbox.store_updates(
                uow=self._uow(),
                clock=self._clock,
                updates=[(u.update_id, u.to_dict()) for u in updates],
                closings=closings,
            )
        except BaseException:
            self._return_closings(closings)
            raise
        self._closed(closings)
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

    async def replay(self, bot: Bot, age: timedelta = timedelta(0)) -> int:
        """Queue the updates a killed process stored but did not handle; return how many.

        With `age` only those stored longer ago: other live processes (webhook replicas)
        are still handling their recent ones.
        """
        ours = set(self._queued)  # before the await: one closed meanwhile left _queued
        payloads = await inbox.take_orphans(uow=self._uow(), clock=self._clock, age=age)
        queued = 0
        for payload in payloads:
            update = Update.de_json(payload, bot)
            if update is None or update.update_id in ours or update.update_id in self._queued:
                continue  # this process has it (running, or closed while we asked)
            self._queued.add(update.update_id)
            await super().put(update)
            queued += 1
        if queued:
            log.warning(
                "handling %d update(s) a stopped process received but did not finish", queued
            )
        return queued

    def begin(self) -> None:
        """An update's handling starts: collect the acknowledgements its handlers send."""
        _ACKS.set([])

    async def finish(self, update_id: int) -> None:
        """Every handler has run: close the update (group commit, see the module docstring).

        If no closing is being written, this finisher writes: its own closing, then, in one
        transaction each round, whatever others left while it wrote, until none is waiting.
        A failed write is logged, not raised (the update was handled; the user must not hear
        otherwise): its closings wait for the next write.
        """
        acks = _ACKS.get() or []
        _ACKS.set(None)
        self._closing[update_id] = inbox.Closing(update_id, tuple(acks))
        if self._writing:
            return  # the writer takes it in its next round
        self._writing = True
        try:
            while self._closing:
                await self.flush()
        except Exception:
            log.exception("could not close %d handled update(s); retried later", len(self._closing))
        finally:
            self._writing = False

    async def flush(self) -> None:
        """Write every waiting closing now (also on shutdown); kept for a retry on failure."""
        closings = self._take_closings()
        if not closings:
            return
        try:
            await inbox.close(uow=self._uow(), clock=self._clock, closings=closings)
        except BaseException:
            self._return_closings(closings)
            raise
        self._closed(closings)

    def _take_closings(self) -> list[inbox.Closing]:
        closings = list(self._closing.values())
        self._closing.clear()
        return closings

    def _return_closings(self, closings: Sequence[inbox.Closing]) -> None:
        for closing in closings:
            self._closing.setdefault(closing.update_id, closing)

    def _closed(self, closings: Sequence[inbox.Closing]) -> None:
        # Until written, a closed update stays "queued": a second delivery of it is dropped.
        self._queued.difference_update(c.update_id for c in closings)


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
