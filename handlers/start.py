"""/start: bind an account with an invite code; /help: the caller's commands."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.context import BotContext
from domain.delivery import reachability
from domain.errors import NotRegistered, SwitchNeedsConfirmation
from domain.people import accounts
from domain.people.commands import commands_for
from domain.texts import text
from handlers.common import caller, is_private, language_of, reply, set_menu


async def start(update: Update, context: BotContext) -> None:
    """Bind the account when a code is given; otherwise greet the known or refuse the stranger."""
    services = context.bot_data
    user = update.effective_user
    assert user is not None
    assert update.effective_chat is not None
    if context.args:
        code, confirmed = accounts.read_start_arg(context.args[0])
        try:
            person = await accounts.bind_account(
                uow=services.uow(),
                clock=services.clock,
                code=code,
                telegram_user_id=user.id,
                username=user.username,
                confirmed=confirmed,
            )
        except SwitchNeedsConfirmation as switch:
            await _ask_to_switch(update, context, switch, code)
            return
        await set_menu(context, update.effective_chat, person)
        await reply(update, text("start.welcome", language_of(person, services), name=person.name))
        return
    try:
        person = await caller(update, context)
    except NotRegistered:
        await reply(
            update, text("start.stranger", services.settings.default_language, user_id=user.id)
        )
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


async def _ask_to_switch(
    update: Update, context: BotContext, switch: SwitchNeedsConfirmation, code: str
) -> None:
    """Name both people and offer the link that confirms the switch."""
    assert update.effective_chat is not None
    lang = context.bot_data.settings.default_language
    body = text("start.switch_confirm", lang, **switch.params)
    if switch.loses_role:
        body += "\n" + text("start.switch_role_warning", lang, **switch.params)
    url = accounts.confirm_link(context.bot.username, code)
    button = InlineKeyboardButton(text("start.switch_button", lang, **switch.params), url=url)
    await update.effective_chat.send_message(body, reply_markup=InlineKeyboardMarkup([[button]]))
