"""/language: switch between Chinese and English."""

from __future__ import annotations

from dataclasses import replace

from telegram import Update

from bot.context import BotContext
from domain.people import accounts
from domain.texts import text
from handlers.callback_data import SetLanguage
from handlers.common import caller, language_of, set_menu
from handlers.views import language_keyboard


async def language(update: Update, context: BotContext) -> None:
    """Offer the two languages."""
    person = await caller(update, context)
    assert update.effective_chat is not None
    await update.effective_chat.send_message(
        text("language.choose", language_of(person, context.bot_data)),
        reply_markup=language_keyboard(),
    )


async def set_language(update: Update, context: BotContext, payload: SetLanguage) -> None:
    """Store the choice, confirm in the new language and translate the command menu."""
    services = context.bot_data
    person = await caller(update, context)
    await accounts.set_language(
        uow=services.uow(), clock=services.clock, person=person, language=payload.language
    )
    person = replace(person, language=payload.language)
    query = update.callback_query
    assert query is not None
    await query.answer()
    await query.edit_message_text(text("language.set", payload.language))
    if update.effective_chat is not None:
        await set_menu(context, update.effective_chat, person)
