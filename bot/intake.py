"""The update queue that writes every incoming update down before Telegram learns it arrived.

PTB's poller puts each update of a batch into the application's queue and only then asks for
the next batch, whose offset confirms the previous one; its webhook server answers Telegram
after the put. So a put that stores the update first makes the intake durable: a kill (OOM,
`docker kill`) loses nothing, and on start what was stored but not handled is handled.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from telegram import Bot, Update

from domain import inbox
from domain.ports import Clock, UnitOfWork

log = logging.getLogger(__name__)


class DurableQueue(asyncio.Queue[object]):
    """An asyncio.Queue whose put() stores an Update in the database before queueing it."""

    def __init__(self, uow: Callable[[], UnitOfWork], clock: Clock) -> None:
        super().__init__()
        self._uow, self._clock = uow, clock

    async def put(self, item: object) -> None:
        """Store an update (others, like PTB's stop signal, pass through), then queue it."""
        if isinstance(item, Update):
            await inbox.store_update(
                uow=self._uow(),
                clock=self._clock,
                update_id=item.update_id,
                payload=item.to_dict(),
            )
        await super().put(item)

    async def replay(self, bot: Bot) -> int:
        """Queue the updates a killed process stored but did not handle; return how many."""
        payloads = await inbox.pending(uow=self._uow())
        for payload in payloads:
            update = Update.de_json(payload, bot)
            if update is not None:
                await super().put(update)
        if payloads:
            log.warning(
                "handling %d update(s) a previous process received but did not finish",
                len(payloads),
            )
        return len(payloads)
