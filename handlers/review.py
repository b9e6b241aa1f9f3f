"""Sign off / Send back buttons and the reason that a send-back asks for."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from domain.model import Prompt, PromptKind
from domain.texts import excerpt, text
from domain.work import prompts, review
from handlers.callback_data import SendBack, SignOff
from handlers.common import ask_by_reply, caller, clear_buttons, language_of, reply


def review_buttons(task_id: int, lang: str) -> list[list[tuple[str, str]]]:
    """Sign off / Send back, as outbox buttons."""
    return [
        [
            (text("review.sign_off", lang), SignOff(task_id).encode()),
            (text("review.send_back", lang), SendBack(task_id).encode()),
        ]
    ]


async def sign_off(update: Update, context: BotContext, payload: SignOff) -> None:
    """Close the task and say so under the request."""
    person = await caller(update, context)
    services = context.bot_data
    lang = language_of(person, services)
    outcome = await review.sign_off(
        uow=services.uow(),
        clock=services.clock,
        reviewer=person,
        task_id=payload.task_id,
        default_lang=services.settings.default_language,
    )
    services.rhythm.wake.set()
    query = update.callback_query
    assert query is not None
    done = text("review.done_signed", lang, number=outcome.task.number, reviewer=person.name)
    if outcome.problem_rectified:
        done += "\n" + text("review.problem_rectified", lang, problem=excerpt(outcome.task.problem))
    await query.answer()
    await clear_buttons(query)
    await reply(update, done)


async def send_back(update: Update, context: BotContext, payload: SendBack) -> None:
    """Check the reviewer may send the task back, then ask for the reason."""
    person = await caller(update, context)
    services = context.bot_data
    task = await review.check_reviewable(
        uow=services.uow(), reviewer=person, task_id=payload.task_id
    )
    query = update.callback_query
    assert query is not None
    await query.answer()
    question = text("review.ask_reason", language_of(person, services), number=task.number)
    await ask_by_reply(update, context, person, question, PromptKind.SEND_BACK, task.id)


async def on_reason(update: Update, context: BotContext, prompt: Prompt, body: str) -> None:
    """Send the task back with the reason the reviewer replied."""
    person = await caller(update, context)
    services = context.bot_data
    lang = language_of(person, services)
    if not body.strip():
        await reply(update, text("review.reason_empty", lang))
        return
    outcome = await review.send_back(
        uow=services.uow(),
        clock=services.clock,
        reviewer=person,
        task_id=prompt.target_id,
        reason=body,
        default_lang=services.settings.default_language,
    )
    await prompts.mark_answered(uow=services.uow(), clock=services.clock, prompt_id=prompt.id)
    services.rhythm.wake.set()
    await reply(
        update,
        text("review.done_sent_back", lang, number=outcome.task.number, reason=excerpt(body, 300)),
    )
