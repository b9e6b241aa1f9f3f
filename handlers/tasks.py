"""/mytasks and the "report on this task" button."""

from __future__ import annotations

from telegram import ForceReply, Update

from bot.context import BotContext
from domain.errors import PermissionDenied
from domain.texts import excerpt, split_message, text
from domain.work import reporting
from handlers.callback_data import FocusTask
from handlers.common import caller, is_private, language_of, reply
from handlers.views import MAX_TASK_BUTTONS, task_line, tasks_keyboard


async def my_tasks(update: Update, context: BotContext) -> None:
    """List the caller's open tasks with lights, percent and last update."""
    services = context.bot_data
    person = await caller(update, context)
    lang = language_of(person, services)
    if not is_private(update):
        await reply(update, text("error.group_private", lang))
        return
    tasks = await reporting.open_tasks_of(uow=services.uow(), person=person)
    if not tasks:
        await reply(update, text("tasks.none", lang))
        return
    now = services.clock.now()
    body = "\n\n".join(
        [text("tasks.header", lang, count=len(tasks))]
        + [task_line(t, lang, now, services.policy) for t in tasks]
    )
    if len(tasks) > MAX_TASK_BUTTONS:
        body += "\n\n" + text("tasks.more_than_buttons", lang, shown=MAX_TASK_BUTTONS)
    parts = split_message(body)
    assert update.effective_chat is not None
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        await update.effective_chat.send_message(
            part, reply_markup=tasks_keyboard(tasks) if last else None
        )


async def focus_task(update: Update, context: BotContext, payload: FocusTask) -> None:
    """Send a message about one task that the official answers by replying to it."""
    services = context.bot_data
    person = await caller(update, context)
    lang = language_of(person, services)
    if not is_private(update):
        raise PermissionDenied()
    task = await reporting.task_for_owner(
        uow=services.uow(), person=person, task_id=payload.task_id
    )
    assert update.effective_chat is not None
    sent = await update.effective_chat.send_message(
        text("tasks.focus", lang, number=task.number, measure=excerpt(task.measure)),
        reply_markup=ForceReply(selective=True),
    )
    await reporting.link_message(
        uow=services.uow(),
        clock=services.clock,
        chat_id=sent.chat_id,
        message_id=sent.message_id,
        task_id=task.id,
    )
