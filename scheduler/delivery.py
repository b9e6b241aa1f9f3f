"""The sender: drain the outbox to Telegram at our pace, surviving 429s, 5xx, 403s and crashes.

Each part of a delivery is recorded as sent right after Telegram accepts it, so a crash repeats
at most the part that was in flight (Telegram has no idempotency key).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)

from domain.delivery import delivery_rules, reachability
from domain.model import Delivery, SentPart
from domain.ports import Clock, UnitOfWork
from scheduler.pacing import Pacer

log = logging.getLogger(__name__)
STALE_CLAIM = timedelta(minutes=5)  # a claim older than this was a dead process's


@dataclass
class DrainStats:
    """What a drain did (for logs, tests and the benchmark)."""

    messages: int = 0
    deliveries: int = 0
    retried: int = 0
    failed: int = 0
    rate_limited: int = 0
    unreachable: int = 0
    migrated: int = 0


@dataclass
class SenderConfig:
    """How hard the sender tries."""

    concurrency: int = 32
    batch: int = 200
    backoff_base: float = 2.0
    backoff_max: timedelta = timedelta(minutes=10)
    default_language: str = "zh"
    timeout: float = 20.0
    # Sent parts are written in small batches: a crash may repeat what was sent in the last
    # `record_wait` seconds (at most `record_batch` messages) besides the sends in flight.
    record_batch: int = 50
    record_wait: float = 0.02
    # Rows another process claimed this long ago are taken over (it died mid-send).
    claim_timeout: timedelta = STALE_CLAIM


class OutboxSender:
    """Send due outbox rows; safe to run in several processes (rows are claimed)."""

    def __init__(
        self,
        *,
        bot: Bot,
        uow: Callable[[], UnitOfWork],
        clock: Clock,
        pacer: Pacer,
        config: SenderConfig | None = None,
    ) -> None:
        self.bot, self.uow, self.clock, self.pacer = bot, uow, clock, pacer
        self.config = config or SenderConfig()
        self.stats = DrainStats()
        self._slots = asyncio.Semaphore(self.config.concurrency)
        self._stopping = asyncio.Event()
        self._recorder = _Recorder(uow, clock, self.config.record_batch, self.config.record_wait)

    async def drain(self) -> DrainStats:
        """Send everything due now; return the totals of this drain."""
        before = DrainStats(**vars(self.stats))
        async with self._recorder:
            while True:
                batch = await self._claim()
                if not batch:
                    break
                await asyncio.gather(*(self._guarded(d) for d in batch))
        return DrainStats(**{k: v - getattr(before, k) for k, v in vars(self.stats).items()})

    async def run_forever(self, wake: asyncio.Event, idle_seconds: float = 5.0) -> None:
        """Drain, then sleep until woken or `idle_seconds` pass; until stop() is called."""
        while not self._stopping.is_set():
            try:
                await self.drain()
            except Exception:  # keep the sender alive; the next round retries
                log.exception("outbox drain failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), idle_seconds)
            wake.clear()

    def stop(self, wake: asyncio.Event) -> None:
        """Ask run_forever to finish after the current drain (no cancellation mid-write)."""
        self._stopping.set()
        wake.set()

    async def _claim(self) -> list[Delivery]:
        now = self.clock.now()
        async with self.uow() as uow:
            batch = await uow.outbox.claim(
                now=now, stale_before=now - self.config.claim_timeout, limit=self.config.batch
            )
            await uow.commit()
        return batch

    async def _guarded(self, delivery: Delivery) -> None:
        async with self._slots:
            try:
                await self._deliver(delivery)
            except Exception as exc:  # one bad row must not stop the others
                log.exception("delivery %s failed unexpectedly", delivery.id)
                await self._retry(delivery, repr(exc))

    async def _deliver(self, delivery: Delivery) -> None:
        chat_id = delivery.chat_id
        part = delivery.parts_sent
        while part < delivery.total_parts:
            await self.pacer.acquire(chat_id)
            try:
                message = await self._send_part(delivery, chat_id, part)
            except RetryAfter as exc:
                self.stats.rate_limited += 1
                self.pacer.pause(_retry_after(exc))
                continue  # the same part again, after the pause
            except ChatMigrated as exc:
                self.stats.migrated += 1
                chat_id = await self._migrate(delivery, exc.new_chat_id)
                continue
            except Forbidden as exc:
                await self._unreachable(delivery, exc.message)
                return
            except BadRequest as exc:
                if "chat not found" in exc.message.lower():  # the account is gone
                    await self._unreachable(delivery, exc.message)
                else:
                    await self._refused(delivery, exc.message)
                return
            except (NetworkError, TelegramError) as exc:  # 5xx, timeouts
                await self._retry(delivery, str(exc))
                return
            part += 1
            self.stats.messages += 1
            await self._record_part(delivery, part, message)
        self.stats.deliveries += 1

    async def _send_part(self, delivery: Delivery, chat_id: int, part: int) -> Message:
        timeout = self.config.timeout
        if part < len(delivery.parts):
            last_text = part == len(delivery.parts) - 1
            return await self.bot.send_message(
                chat_id,
                delivery.parts[part],
                reply_markup=_markup(delivery) if last_text else None,
                read_timeout=timeout,
                write_timeout=timeout,
            )
        assert delivery.file_id is not None
        payload: str | bytes | None = delivery.file_remote_id
        if payload is None:
            async with self.uow() as uow:
                payload = await uow.outbox.file_data(delivery.file_id)
        if delivery.file_kind == "photo":
            return await self.bot.send_photo(
                chat_id, payload, read_timeout=timeout, write_timeout=timeout
            )
        return await self.bot.send_document(
            chat_id,
            payload,
            filename=delivery.file_name,
            read_timeout=timeout,
            write_timeout=timeout,
        )

    async def _record_part(self, delivery: Delivery, parts_sent: int, message: Message) -> None:
        await self._recorder.add(
            _Sent(delivery, parts_sent, message.chat_id, message.message_id, _remote_id(message))
        )

    async def _retry(self, delivery: Delivery, error: str) -> None:
        """Try again later with backoff, until the message is stale for its kind."""
        attempts = delivery.attempts + 1
        now = self.clock.now()
        async with self.uow() as uow:
            if delivery_rules.is_stale(delivery, now):
                log.warning(
                    "gave up delivery %s after %d attempts: %s", delivery.id, attempts, error
                )
                await uow.outbox.failed(delivery.id, f"gave up after {attempts} attempts: {error}")
                await delivery_rules.report_given_up(
                    uow,
                    delivery=delivery,
                    error=error,
                    now=now,
                    default_language=self.config.default_language,
                )
                self.stats.failed += 1
            else:
                power = min(attempts, 30)  # an outage of days must not overflow the float
                delay = min(
                    timedelta(seconds=self.config.backoff_base**power), self.config.backoff_max
                )
                await uow.outbox.retry_later(
                    delivery.id, not_before=self.clock.now() + delay, error=error
                )
                self.stats.retried += 1
            await uow.commit()

    async def _refused(self, delivery: Delivery, error: str) -> None:
        """Telegram refused the message itself: never silent, the coordinators are told."""
        log.error("delivery %s to %s refused: %s", delivery.id, delivery.chat_id, error)
        async with self.uow() as uow:
            await uow.outbox.failed(delivery.id, error)
            await delivery_rules.report_given_up(
                uow,
                delivery=delivery,
                error=error,
                now=self.clock.now(),
                default_language=self.config.default_language,
                refused=True,
            )
            await uow.commit()
        self.stats.failed += 1

    async def _fail(self, delivery: Delivery, error: str) -> None:
        log.warning("delivery %s to %s refused: %s", delivery.id, delivery.chat_id, error)
        async with self.uow() as uow:
            await uow.outbox.failed(delivery.id, error)
            await uow.commit()
        self.stats.failed += 1

    async def _unreachable(self, delivery: Delivery, error: str) -> None:
        self.stats.unreachable += 1
        await self._fail(delivery, f"unreachable: {error}")
        if delivery.person_id is not None:
            await reachability.mark_unreachable(
                uow=self.uow(),
                clock=self.clock,
                person_id=delivery.person_id,
                reason=error,
                default_language=self.config.default_language,
            )

    async def _migrate(self, delivery: Delivery, new_chat_id: int) -> int:
        async with self.uow() as uow:
            await uow.chats.record_migration(delivery.chat_id, new_chat_id, self.clock.now())
            await uow.outbox.move_chat(delivery.id, new_chat_id)
            await uow.commit()
        return new_chat_id


@dataclass(frozen=True, slots=True)
class _Sent:
    """One part Telegram accepted, waiting to be written down."""

    delivery: Delivery
    parts_sent: int
    chat_id: int
    message_id: int
    remote_id: str | None


class _Recorder:
    """Write accepted parts to the outbox in batches: one transaction per batch, not per message."""

    def __init__(
        self, uow: Callable[[], UnitOfWork], clock: Clock, max_batch: int, max_wait: float
    ) -> None:
        self.uow, self.clock, self.max_batch, self.max_wait = uow, clock, max_batch, max_wait
        self._queue: asyncio.Queue[_Sent] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> _Recorder:
        self._task = asyncio.create_task(self._run())
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, *_: object) -> None:
        assert self._task is not None
        if exc_type is None:
            await self._queue.join()  # everything sent is written before the drain returns
        self._task.cancel()  # on a crash (cancellation) unwritten parts may be sent again
        await asyncio.gather(self._task, return_exceptions=True)

    async def add(self, item: _Sent) -> None:
        """Queue an accepted part for writing."""
        self._queue.put_nowait(item)

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            batch = [await self._queue.get()]
            deadline = loop.time() + self.max_wait
            while len(batch) < self.max_batch and (left := deadline - loop.time()) > 0:
                try:
                    batch.append(await asyncio.wait_for(self._queue.get(), left))
                except TimeoutError:
                    break
            try:
                await self._write(batch)
            except Exception:  # keep the loop alive; the rows stay claimed and are retried
                log.exception("could not record %d sent parts", len(batch))
            finally:
                for _ in batch:
                    self._queue.task_done()

    async def _write(self, batch: list[_Sent]) -> None:
        parts = [
            SentPart(
                delivery_id=item.delivery.id,
                parts_sent=item.parts_sent,
                done=item.parts_sent >= item.delivery.total_parts,
                chat_id=item.chat_id,
                message_id=item.message_id,
                # A reminder about one task: a reply to it reports on that task.
                task_id=item.delivery.task_ids[0]
                if item.parts_sent == len(item.delivery.parts) and len(item.delivery.task_ids) == 1
                else None,
                file_id=item.delivery.file_id,
                remote_id=None if item.delivery.file_remote_id else item.remote_id,
            )
            for item in batch
        ]
        async with self.uow() as uow:
            await uow.outbox.record_sent(parts, self.clock.now())
            await uow.commit()


def _markup(delivery: Delivery) -> InlineKeyboardMarkup | None:
    if not delivery.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(label, callback_data=data) for label, data in row]
            for row in delivery.buttons
        ]
    )


def _remote_id(message: Message) -> str | None:
    if message.photo:
        return message.photo[-1].file_id
    if message.document:
        return message.document.file_id
    return None


def _retry_after(exc: RetryAfter) -> float:
    with warnings.catch_warnings():  # PTB warns that retry_after becomes a timedelta
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
