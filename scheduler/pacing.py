"""Pace sends under Telegram's limits: overall rate, 1/s per private chat, 20/min per group."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Limits:
    """Our own limits, set under Telegram's (30/s overall)."""

    per_second: float = 25.0
    private_interval: float = 1.0
    group_interval: float = 3.0  # 20 per minute

    def interval_for(self, chat_id: int) -> float:
        """Return the minimum gap between two messages to this chat."""
        return self.group_interval if chat_id < 0 else self.private_interval


PRUNE_AT = 1024  # chats remembered before stale records are dropped


class Pacer:
    """Hand out send slots; a 429 pauses everyone until retry_after has passed."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._next_global = 0.0
        self._next_chat: dict[int, float] = {}
        self._paused_until = 0.0
        self._pruned_at = 0  # the map's size when it was last pruned

    async def acquire(self, chat_id: int) -> None:
        """Wait for this chat's next slot (reserved at once, so callers queue fairly)."""
        loop = asyncio.get_running_loop()
        if len(self._next_chat) >= 2 * self._pruned_at + PRUNE_AT:  # amortised O(1) a call
            self._prune(loop.time())
            self._pruned_at = len(self._next_chat)
        while True:
            now = loop.time()
            start = max(now, self._paused_until, self._next_chat.get(chat_id, 0.0))
            if self.limits.per_second > 0:
                start = max(start, self._next_global)
                self._next_global = start + 1.0 / self.limits.per_second
            self._next_chat[chat_id] = start + self.limits.interval_for(chat_id)
            if start > now:
                await asyncio.sleep(start - now)
            if loop.time() >= self._paused_until:
                return
            # A 429 arrived while we slept: queue again behind the pause.

    def pause(self, seconds: float) -> None:
        """Stop all sending for `seconds` (Telegram said retry_after)."""
        until = asyncio.get_running_loop().time() + seconds
        self._paused_until = max(self._paused_until, until)

    def _prune(self, now: float) -> None:
        # A chat whose next slot has passed needs no record: keep the map to the chats that
        # are waiting, so a bot that wrote to 10,000 people does not hold 10,000 entries.
        self._next_chat = {c: t for c, t in self._next_chat.items() if t > now}
