"""/board for coordinators, leaders and admins."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from domain.records.board import boards_for
from domain.texts import text
from handlers.common import caller, language_of, reply
from handlers.views import board_text


async def board(update: Update, context: BotContext) -> None:
    """Show the board of every open campaign (figures and unit names only)."""
    services = context.bot_data
    person = await caller(update, context)
    lang = language_of(person, services)
    boards = await boards_for(
        uow=services.uow(),
        clock=services.clock,
        person=person,
        policy=services.policy,
        rhythm=services.rhythm.policy,
    )
    if not boards:
        await reply(update, text("board.empty", lang))
        return
    for b in boards:
        await reply(update, board_text(b, lang))
