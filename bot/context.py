"""Leaf module: the typed services object handlers and jobs reach through the context."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from telegram import Bot
from telegram.ext import Application, CallbackContext, ExtBot

from config.settings import Settings
from domain.lights import LightPolicy
from domain.ports import Attachment, Clock, UnitOfWork


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


BotContext = CallbackContext[ExtBot[None], dict[object, object], dict[object, object], Services]
BotApp = Application[
    ExtBot[None], BotContext, dict[object, object], dict[object, object], Services, Any
]
