"""/start: bind an account with an invite code; /help: the caller's commands."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from domain import accounts, reachability
from domain.commands import commands_for
from domain.errors import NotRegistered
from domain.texts import text
from handlers.common import caller, is_private, language_of, reply, set_menu


async def start(update: Update, context: BotContext) -> None:
    """Bind the account when a code is given; otherwise greet the known or refuse the stranger."""
    services = context.bot_data
    user = update.effective_user
    assert user is not None
    assert update.effective_chat is not None
    if context.args:
        person = await accounts.bind_account(
            uow=services.uow(),
            clock=services.clock,
            code=context.args[0],
            telegram_user_id=user.id,
            username=user.username,
        )
        await set_menu(context, update.effective_chat, person)
        await reply(update, text("start.welcome", language_of(person, services), name=person.name))
        return
    try:
        person = await caller(update, context)
    except NotRegistered:
        await reply(update, text("start.stranger", services.settings.default_language))
        return
    await reachability.mark_reachable(
        uow=services.uow(), clock=services.clock, telegram_user_id=user.id
    )
    await set_menu(context, update.effective_chat, person)
    await reply(update, text("start.already", language_of(person, services), name=person.name))


async def help_command(update: Update, context: BotContext) -> None:
    """List the commands the caller's roles allow."""
    services = context.bot_data
    try:
        person = await caller(update, context)
    except NotRegistered:
        person = None
    lang = language_of(person, services)
    lines = [text("help.header", lang)]
    lines += [f"/{name} — {text(f'cmd.{name}', lang)}" for name in commands_for(person)]
    if person is not None:
        lines += ["", text("help.footer", lang)]
        if is_private(update):  # a group's menu is not one person's
            assert update.effective_chat is not None
            await set_menu(context, update.effective_chat, person)
    await reply(update, "\n".join(lines))
