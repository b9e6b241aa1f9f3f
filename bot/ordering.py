"""Updates of different chats are handled at once; one chat's updates stay in order.

PTB either handles every update one after another (one slow /export holds up every official)
or all at once (a chat's second message could overtake its first). This processor keeps a FIFO
lock per chat: the fetcher starts one task per update in arrival order; each takes a slot of
PTB's (FIFO) semaphore, then queues on its chat's (FIFO) lock, so a chat's updates run in the
order they came while other chats go ahead. Slots are plenty, the database pool is the limit.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.metrics import Metrics

CONCURRENT_UPDATES = 64  # in flight at once (waiting on their chat's lock included)


def chat_key(update: object) -> int:
    """The chat an update belongs to (its sender's id when it has no chat; 0 for neither)."""
    if isinstance(update, Update):
        if update.effective_chat is not None:
            return update.effective_chat.id
        if update.effective_user is not None:
            return update.effective_user.id
    return 0


class ChatOrderedProcessor(BaseUpdateProcessor):
    """PTB's concurrent update processing with a FIFO lock per chat."""

    def __init__(
        self, max_concurrent_updates: int = CONCURRENT_UPDATES, metrics: Metrics | None = None
    ) -> None:
        super().__init__(max_concurrent_updates)
        self._metrics = metrics or Metrics()
        self._locks: dict[int, asyncio.Lock] = {}
        self._holders: dict[int, int] = {}  # tasks queued on or holding each chat's lock

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Wait for the chat's earlier updates (FIFO), then run the handlers."""
        key = chat_key(update)
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._holders[key] = self._holders.get(key, 0) + 1
        try:
            async with lock:
                started = time.perf_counter()
                try:
                    await coroutine
                finally:
                    self._metrics.updates.observe(time.perf_counter() - started)
        finally:
            self._holders[key] -= 1
            if not self._holders[key]:  # the last one out drops the chat's lock
                del self._holders[key]
                del self._locks[key]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""
