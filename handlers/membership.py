"""Update de-duplication, and blocks and unblocks of the bot in private chats."""

from __future__ import annotations

from telegram import ChatMember, Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop

from bot.context import BotContext
from domain import inbox, reachability


async def once(update: Update, context: BotContext) -> None:
    """Stop an update that was already handled (delivered again after a restart)."""
    if await inbox.already_done(uow=context.bot_data.uow(), update_id=update.update_id):
        raise ApplicationHandlerStop


async def done(update: Update, context: BotContext) -> None:
    """Runs after every other group: the update is handled, it is not replayed on start."""
    services = context.bot_data
    await inbox.mark_done(uow=services.uow(), clock=services.clock, update_id=update.update_id)


async def my_chat_member(update: Update, context: BotContext) -> None:
    """A user blocked or unblocked the bot: mark them unreachable or reachable."""
    services = context.bot_data
    change = update.my_chat_member
    if change is None or change.chat.type != ChatType.PRIVATE:
        return  # leaving or joining a group says nothing about reaching a person
    user_id = change.from_user.id
    status = change.new_chat_member.status
    if status in (ChatMember.BANNED, ChatMember.LEFT):
        queued = await reachability.account_blocked(
            uow=services.uow(),
            clock=services.clock,
            telegram_user_id=user_id,
            default_language=services.settings.default_language,
        )
        if queued:
            services.rhythm.wake.set()
    elif status == ChatMember.MEMBER:
        await reachability.mark_reachable(
            uow=services.uow(), clock=services.clock, telegram_user_id=user_id
        )
