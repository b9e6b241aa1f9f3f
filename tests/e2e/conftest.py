"""The real Application over HTTP against the Bot API simulator, on a real database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest_asyncio
from sqlalchemy.sql import Executable

from bot.clock import ManualClock
from bot.harness import ADMIN_ID, BOT_USERNAME, TOKEN, World, start_world, stop_world
from simulator import SentMessage, SimUser

__all__ = ["ADMIN_ID", "BOT_USERNAME", "TOKEN", "World", "start_world", "stop_world"]


@pytest_asyncio.fixture
async def world(database_url: str, tmp_path: Path, clock: ManualClock) -> AsyncIterator[World]:
    """A running bot with the Putuo campaign loaded."""
    started = await start_world(database_url, tmp_path / "data", clock)
    try:
        yield started
    finally:
        await stop_world(started)


async def rows(world: World, statement: Executable) -> list[tuple[Any, ...]]:
    """Run a read-only query on the bot's database, once the bot is idle; return plain tuples."""
    await world.settle()
    async with world.uow() as uow:
        session = uow.reports.session  # type: ignore[attr-defined]
        return [tuple(r) for r in (await session.execute(statement)).all()]


async def report_prompt(user: SimUser, number: str) -> SentMessage:
    """List the user's tasks, tap ✍️ on one, and return the prompt to reply to."""
    await user.command("mytasks")
    listing = await user.messages_until_idle()
    await user.press(listing[-1], f"✍️ {number}")
    return await user.next_message()


def buttons(message: SentMessage) -> list[str]:
    """Every button label of a message, in order."""
    return [b.text for row in message.buttons for b in row]
