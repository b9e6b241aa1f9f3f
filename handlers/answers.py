"""Route a reply to one of the bot's questions (a reason, a date) to what asked it."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from domain.model import Person, PromptKind
from domain.texts import clean_input, text
from domain.work import prompts
from handlers import extensions, lookback, review
from handlers.common import language_of, reply


async def answer_prompt(update: Update, context: BotContext, person: Person) -> bool:
    """Handle the message if it replies to a question; tell whether it did."""
    message = update.effective_message
    if message is None or message.reply_to_message is None:
        return False
    services = context.bot_data
    prompt = await prompts.prompt_for_reply(
        uow=services.uow(),
        person=person,
        chat_id=message.chat_id,
        message_id=message.reply_to_message.message_id,
    )
    if prompt is None:
        return False
    if prompt.answered:
        await reply(update, text("prompt.answered", language_of(person, services)))
        return True
    body = clean_input(message.text or message.caption or "")
    if prompt.kind == PromptKind.SEND_BACK:
        await review.on_reason(update, context, prompt, body)
    elif prompt.kind == PromptKind.LOOKBACK_SLIPPED:
        await lookback.on_reason(update, context, prompt, body)
    else:
        await extensions.on_answer(update, context, prompt, body)
    return True
