"""Group commit for plain reports: the ones handled at the same moment share one transaction.

Updates of different chats are handled at once (bot/ordering.py). A handler with a plain
report (`domain.work.together.is_plain`) submits it here and waits. If no round is being
written, a writer starts: it lets the handlers started with it submit too, then stores every
waiting report in one unit of work (`receive_together`); reports submitted while it writes go
in its next round. Each handler gets its own answer as soon as its round is committed and
sends its acknowledgement itself. Quiet, a report waits for nothing but its own round.

None means "take the usual path": the report was not a simple one, or the round failed (a dead
database, a bad row), in which case every report of the round is taken one by one, where the
failure is told to its sender or the bad one fails alone. Nothing is dropped here.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
from collections.abc import Awaitable, Callable, Sequence

from domain.work.together import Arrival, Received

log = logging.getLogger(__name__)

Receive = Callable[[Sequence[Arrival]], Awaitable[list[Received | None]]]
MAX_ROUND = 200  # reports in one transaction; more wait for the next round


class ReportGroup:
    """Collect plain reports handled at the same moment and store them in rounds."""

    def __init__(self, receive: Receive) -> None:
        self._receive = receive
        self._waiting: list[tuple[Arrival, asyncio.Future[Received | None]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def submit(self, arrival: Arrival) -> Received | None:
        """Store the report with the others of its round; None: take the usual path."""
        future: asyncio.Future[Received | None] = asyncio.get_running_loop().create_future()
        entry = (arrival, future)
        self._waiting.append(entry)
        if self._writer is None:
            # A fresh context: the writer must not carry this update's (bot/intake.py _ACKS).
            self._writer = asyncio.create_task(self._write(), context=contextvars.Context())
        try:
            return await future
        except asyncio.CancelledError:
            if entry in self._waiting:  # not yet in a round: it is not stored at all
                self._waiting.remove(entry)
            raise

    async def close(self) -> None:
        """Stop the writer (shutdown); whoever still waits takes the usual path."""
        if self._writer is not None:
            self._writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._writer

    async def _write(self) -> None:
        try:
            await asyncio.sleep(0)  # the handlers started with the first one submit too
            while self._waiting:
                round_ = self._waiting[:MAX_ROUND]
                del self._waiting[:MAX_ROUND]
                await self._store(round_)
        finally:
            for _, future in self._waiting:  # cancelled (shutdown): the usual path decides
                if not future.done():
                    future.set_result(None)
            self._waiting.clear()
            self._writer = None

    async def _store(self, round_: list[tuple[Arrival, asyncio.Future[Received | None]]]) -> None:
        results: list[Received | None] = [None] * len(round_)
        try:
            results = await self._receive([arrival for arrival, _ in round_])
        except Exception:
            log.exception("%d report(s) taken together failed; each goes alone", len(round_))
        finally:  # cancelled too: every waiting handler gets an answer
            if len(results) != len(round_):
                log.error("%d answers for %d reports; each goes alone", len(results), len(round_))
                results = [None] * len(round_)
            for (_, future), result in zip(round_, results, strict=True):
                if not future.done():
                    future.set_result(result)
