"""The coordinators' desk in the chat: /template, /invite NAME, /invites."""

from __future__ import annotations

from telegram import InputFile, Update

from bot.context import BotContext
from domain.errors import PersonUnknown
from domain.intake.workbook import SheetInvite, write_invites, write_template
from domain.model import roles_zh
from domain.people import accounts
from domain.people.accounts import Invite
from domain.texts import text
from handlers.callback_data import InviteFor
from handlers.common import choose, desk_caller, language_of, reply


async def template(update: Update, context: BotContext) -> None:
    """Send the empty import template."""
    person = await desk_caller(update, context)
    assert update.effective_chat is not None
    await update.effective_chat.send_document(
        InputFile(write_template(), filename="整改任务导入模板.xlsx"),
        caption=text("desk.template", language_of(person, context.bot_data)),
    )


async def invite(update: Update, context: BotContext) -> None:
    """Send a person's fresh invite link; several matches get buttons to choose."""
    coordinator = await desk_caller(update, context)
    lang = language_of(coordinator, context.bot_data)
    name = " ".join(context.args or []).strip()
    if not name:
        await reply(update, text("desk.invite_usage", lang))
        return
    services = context.bot_data
    try:
        issued = await accounts.invite_by_coordinator(
            uow=services.uow(),
            clock=services.clock,
            coordinator=coordinator,
            name=name,
            valid_days=services.settings.invite_valid_days,
        )
    except PersonUnknown as unknown:
        names, ids = unknown.params.get("candidates") or [], unknown.params.get("ids") or []
        if len(ids) < 2:
            raise
        options = [(n, InviteFor(i).encode()) for n, i in zip(names, ids, strict=True)]
        await choose(update, text("desk.invite_pick", lang, name=name), options)
        return
    await reply(update, _link_text(issued, context, lang))


async def invite_for(update: Update, context: BotContext, payload: InviteFor) -> None:
    """Issue the invite for the person a coordinator picked."""
    coordinator = await desk_caller(update, context)
    services = context.bot_data
    issued = await accounts.invite_by_coordinator(
        uow=services.uow(),
        clock=services.clock,
        coordinator=coordinator,
        person_id=payload.person_id,
        valid_days=services.settings.invite_valid_days,
    )
    query = update.callback_query
    assert query is not None
    await query.answer()
    await query.edit_message_text(_link_text(issued, context, language_of(coordinator, services)))


async def invites(update: Update, context: BotContext) -> None:
    """Send a workbook with fresh links for everyone not yet linked."""
    coordinator = await desk_caller(update, context)
    services = context.bot_data
    lang = language_of(coordinator, services)
    issued = await accounts.all_invites_by_coordinator(
        uow=services.uow(),
        clock=services.clock,
        coordinator=coordinator,
        valid_days=services.settings.invite_valid_days,
    )
    if not issued:
        await reply(update, text("desk.invites_none", lang))
        return
    tz = services.settings.tz
    rows = [
        SheetInvite(
            name=i.person.name,
            unit=i.person.unit_name,
            roles=roles_zh(i.person.roles),
            link=i.link(context.bot.username),
            expires_at=i.expires_at.astimezone(tz).replace(tzinfo=None),
        )
        for i in issued
    ]
    assert update.effective_chat is not None
    await update.effective_chat.send_document(
        InputFile(write_invites(rows), filename="邀请链接.xlsx"),
        caption=text("desk.invites", lang, count=len(rows)),
    )


def _link_text(issued: Invite, context: BotContext, lang: str) -> str:
    expires = issued.expires_at.astimezone(context.bot_data.settings.tz)
    return text(
        "desk.invite",
        lang,
        name=issued.person.name,
        unit=issued.person.unit_name or "—",
        expires=f"{expires:%Y-%m-%d}",
        link=issued.link(context.bot.username),
    )
