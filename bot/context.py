"""Leaf module: the typed services object handlers and jobs reach through the context."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from telegram import Bot
from telegram.ext import Application, CallbackContext, ExtBot

from bot.metrics import Metrics
from config.settings import Settings
from domain.lights import LightPolicy
from domain.model import Attachment
from domain.ports import Clock, UnitOfWork
from domain.records.grading import GradeRule
from domain.rhythm.policy import RhythmPolicy
from domain.rhythm.reminders import Audience, Renderers
from domain.work.together import Arrival, Received

if TYPE_CHECKING:  # scheduler imports this module
    from scheduler.delivery import DrainStats


class FileFetcher(Protocol):
    """Download a chat file into the data folder, or say it is too big."""

    async def fetch(
        self,
        bot: Bot,
        *,
        file_id: str,
        file_unique_id: str,
        name: str,
        mime_type: str | None,
        size: int | None,
    ) -> Attachment: ...


class Lock(Protocol):
    """A lock one process of several holds alone (storage.leases.ProcessLock)."""

    async def acquire(self) -> bool: ...
    async def held(self) -> bool: ...
    async def release(self) -> None: ...


class Drainer(Protocol):
    """The outbox sender, as the wiring sees it."""

    @property
    def stats(self) -> DrainStats:
        """Totals since the process started."""
        ...

    async def drain(self) -> DrainStats: ...
    async def run_forever(self, wake: asyncio.Event, idle_seconds: float = 5.0) -> None: ...
    def stop(self, wake: asyncio.Event) -> None: ...


@dataclass(frozen=True, slots=True)
class Rhythm:
    """The scheduler's wiring: when things are due, where group copies go, how to render."""

    policy: RhythmPolicy
    audience: Audience
    renderers: Renderers
    wake: asyncio.Event
    sender: Drainer
    background: list[asyncio.Task[None]]


class Together(Protocol):
    """Where plain reports go to be stored with the others of their moment (bot/together.py)."""

    async def submit(self, arrival: Arrival) -> Received | None:
        """Store it with its round; None: take the usual path."""
        ...

    async def close(self) -> None:
        """Stop at shutdown."""
        ...


@dataclass(frozen=True, slots=True)
class Services:
    """Everything a handler needs, built once in the composition root."""

    settings: Settings
    clock: Clock
    uow: Callable[[], UnitOfWork]
    policy: LightPolicy
    files: FileFetcher
    admin_ids: frozenset[int]
    close: Callable[[], Awaitable[None]]
    rhythm: Rhythm
    # Plain reports handled at the same moment share a transaction (bot/together.py).
    together: Together
    metrics: Metrics = field(default_factory=Metrics)
    grade_rule: GradeRule = field(default_factory=GradeRule)  # GRADE_A / GRADE_B
    poller: Lock | None = None  # held by the one process that polls (PostgreSQL)


BotContext = CallbackContext[ExtBot[None], dict[object, object], dict[object, object], Services]
BotApp = Application[
    ExtBot[None], BotContext, dict[object, object], dict[object, object], Services, Any
]
