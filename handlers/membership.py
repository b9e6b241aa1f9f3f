"""Each update's bookkeeping (opened first, closed last), and blocks and unblocks of the bot."""

from __future__ import annotations

from telegram import ChatMember, Update
from telegram.constants import ChatType

from bot.context import BotContext
from bot.intake import DurableQueue
from domain import reachability


async def begin(update: Update, context: BotContext) -> None:
    """Runs first: collect what the handlers send (the intake already dropped repeats)."""
    _intake(context).begin()


async def done(update: Update, context: BotContext) -> None:
    """Runs after every other group: the update is handled, it is not replayed on start."""
    await _intake(context).finish(update.update_id)


def _intake(context: BotContext) -> DurableQueue:
    queue = context.application.update_queue
    assert isinstance(queue, DurableQueue)  # build_application always installs it
    return queue


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
