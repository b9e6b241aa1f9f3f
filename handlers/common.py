"""Helpers every handler uses: who is calling, in which language, and safe replies."""

from __future__ import annotations

import logging

from telegram import (
    BotCommand,
    BotCommandScopeChat,
    CallbackQuery,
    Chat,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.constants import ChatType
from telegram.error import BadRequest, TelegramError

from bot.context import BotContext, Services
from domain.errors import PermissionDenied, PrivateOnly
from domain.model import Person, PromptKind
from domain.people import accounts
from domain.people.commands import commands_for, may_coordinate
from domain.texts import split_message, text
from domain.work import prompts

log = logging.getLogger(__name__)


async def caller(update: Update, context: BotContext) -> Person:
    """Return the bound person behind the update (admins from settings are bound on sight)."""
    services = context.bot_data
    user = update.effective_user
    assert user is not None
    if user.id in services.admin_ids:
        return await accounts.ensure_admin(
            uow=services.uow(),
            clock=services.clock,
            telegram_user_id=user.id,
            display_name=user.full_name,
            username=user.username,
        )
    return await accounts.identify(uow=services.uow(), telegram_user_id=user.id)


def language_of(person: Person | None, services: Services) -> str:
    """Return the language to answer a person in."""
    if person is not None and person.language:
        return person.language
    return services.settings.default_language


def is_private(update: Update) -> bool:
    """Tell whether the update comes from a private chat."""
    chat = update.effective_chat
    return chat is not None and chat.type == ChatType.PRIVATE


async def reply(update: Update, body: str) -> None:
    """Answer in the update's chat, split under Telegram's length limit."""
    chat = update.effective_chat
    assert chat is not None
    for part in split_message(body):
        await chat.send_message(part)


async def set_menu(context: BotContext, chat: Chat | int, person: Person | None) -> None:
    """Show the person's commands as this chat's menu; a failure here is not fatal."""
    lang = language_of(person, context.bot_data)
    commands = [BotCommand(name, text(f"cmd.{name}", lang)) for name in commands_for(person)]
    chat_id = chat if isinstance(chat, int) else chat.id
    try:
        await context.bot.set_my_commands(commands, scope=BotCommandScopeChat(chat_id))
    except TelegramError as exc:
        log.warning("could not set the command menu for chat %s: %s", chat_id, exc)


async def desk_caller(update: Update, context: BotContext) -> Person:
    """Return the caller if they work the desk, in a private chat (links and files are personal)."""
    person = await caller(update, context)
    if not may_coordinate(person):
        raise PermissionDenied()
    if not is_private(update):  # the right person in the wrong place: say where to go
        raise PrivateOnly()
    return person


async def choose(update: Update, body: str, options: list[tuple[str, str]]) -> None:
    """Ask with one button per (label, callback data) option, at most 20."""
    chat = update.effective_chat
    assert chat is not None
    markup = InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data)] for label, data in options[:20]]
    )
    await chat.send_message(body, reply_markup=markup)


async def ask_by_reply(
    update: Update, context: BotContext, person: Person, body: str, kind: PromptKind, target: int
) -> None:
    """Ask a question the person answers by replying to it; the reply finds its way back
    through the stored prompt (kind and target say what it answers)."""
    services = context.bot_data
    assert update.effective_chat is not None
    sent = await update.effective_chat.send_message(body, reply_markup=ForceReply(selective=True))
    await prompts.remember_prompt(
        uow=services.uow(),
        clock=services.clock,
        person=person,
        chat_id=sent.chat_id,
        message_id=sent.message_id,
        kind=kind,
        target_id=target,
    )


async def choose_rows(update: Update, body: str, rows: list[list[tuple[str, str]]]) -> None:
    """Send the body with rows of (label, callback data) buttons; without any, just reply."""
    chat = update.effective_chat
    assert chat is not None
    parts = split_message(body)
    for part in parts[:-1]:
        await chat.send_message(part)
    markup = InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )
    await chat.send_message(parts[-1], reply_markup=markup if rows else None)


async def drop_pressed_row(query: CallbackQuery) -> None:
    """Remove the row of the pressed button (the others are still to be answered)."""
    message = query.message
    markup = getattr(message, "reply_markup", None)
    if markup is None:
        return
    rows = [
        list(row)
        for row in markup.inline_keyboard
        if all(button.callback_data != query.data for button in row)
    ]
    try:
        await query.edit_message_reply_markup(InlineKeyboardMarkup(rows) if rows else None)
    except BadRequest as exc:
        log.info("could not drop the answered row: %s", exc)


async def clear_buttons(query: CallbackQuery) -> None:
    """Remove the buttons under a decided message; a message without any is fine as it is.

    The decision is already stored: a refused edit (no keyboard, too old) must not turn it
    into an error reply.
    """
    try:
        await query.edit_message_reply_markup(None)
    except BadRequest as exc:
        log.info("could not clear the buttons of a decided message: %s", exc)
