"""Each update's bookkeeping (opened first, closed last), and blocks and unblocks of the bot."""

from __future__ import annotations

import logging

from telegram import ChatMember, ChatMemberUpdated, Update
from telegram.constants import ChatType

from bot.context import BotContext
from bot.intake import DurableQueue
from domain.delivery import reachability
from domain.texts import text

log = logging.getLogger(__name__)


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
    if change is None:
        return
    if change.chat.type != ChatType.PRIVATE:  # says nothing about reaching a person
        await _added_to_group(change, context)
        return
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


async def _added_to_group(change: ChatMemberUpdated, context: BotContext) -> None:
    """Tell a group the bot just joined its chat id, which DIGEST_GROUP_CHAT_IDS needs."""
    joined = change.new_chat_member.status in (ChatMember.MEMBER, ChatMember.ADMINISTRATOR)
    was_out = change.old_chat_member.status in (ChatMember.LEFT, ChatMember.BANNED)
    if not (joined and was_out):
        return
    settings = context.bot_data.settings
    chat_id = change.chat.id
    log.info("added to group %r (chat id %s)", change.chat.title, chat_id)
    key = "group.added_listed" if chat_id in settings.digest_group_chat_ids else "group.added"
    await context.bot.send_message(chat_id, text(key, settings.default_language, chat_id=chat_id))
