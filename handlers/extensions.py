"""/extend: an official asks to move a deadline; coordinators approve, set a date or refuse."""

from __future__ import annotations

from datetime import date

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.context import BotContext
from domain.model import Person, Prompt, PromptKind, TaskView
from domain.texts import text
from domain.work import extensions, prompts, reporting
from handlers.callback_data import AskExtension, DecideExtension, ExtensionChoice
from handlers.common import ask_by_reply, caller, clear_buttons, is_private, language_of, reply


def decision_buttons(extension_id: int, lang: str) -> list[list[tuple[str, str]]]:
    """Approve / Another date / Refuse, as outbox buttons."""
    return [
        [
            (
                text("extension.approve", lang),
                DecideExtension(extension_id, ExtensionChoice.APPROVE).encode(),
            ),
            (
                text("extension.other_date", lang),
                DecideExtension(extension_id, ExtensionChoice.OTHER_DATE).encode(),
            ),
            (
                text("extension.refuse", lang),
                DecideExtension(extension_id, ExtensionChoice.REFUSE).encode(),
            ),
        ]
    ]


async def extend(update: Update, context: BotContext) -> None:
    """/extend [N]: ask for the date and reason, or offer the open tasks as buttons."""
    person = await caller(update, context)
    services = context.bot_data
    lang = language_of(person, services)
    if not is_private(update):
        await reply(update, text("error.group_private", lang))
        return
    tasks = await reporting.open_tasks_of(uow=services.uow(), person=person)
    number = " ".join(context.args or []).strip()
    if number:
        tasks = [t for t in tasks if t.number == number]
        if not tasks:
            await reply(update, text("query.no_task", lang, number=number))
            return
        if len(tasks) == 1:
            await _ask(update, context, person, tasks[0].id)
            return
    if not tasks:
        await reply(update, text("extension.none", lang))
        return
    # The same number in two rounds: the buttons tell them apart by the measure.
    repeated = len({t.number for t in tasks}) < len(tasks)
    buttons = [
        InlineKeyboardButton(
            f"⏳ {t.number} {t.measure[:12]}" if repeated else f"⏳ {t.number}",
            callback_data=AskExtension(t.id).encode(),
        )
        for t in tasks
    ]
    assert update.effective_chat is not None
    await update.effective_chat.send_message(
        text("extension.pick", lang),
        reply_markup=InlineKeyboardMarkup([buttons[i : i + 4] for i in range(0, len(buttons), 4)]),
    )


async def ask_pressed(update: Update, context: BotContext, payload: AskExtension) -> None:
    """The official picked a task by button."""
    person = await caller(update, context)
    if update.callback_query is not None:
        await update.callback_query.answer()
    await _ask(update, context, person, payload.task_id)


async def _ask(update: Update, context: BotContext, person: Person, task_id: int) -> None:
    services = context.bot_data
    task = await extensions.check_may_ask(uow=services.uow(), person=person, task_id=task_id)
    lang = language_of(person, services)
    await ask_by_reply(
        update,
        context,
        person,
        text("extension.ask", lang, number=task.number, due=_due(task, lang)),
        PromptKind.EXTENSION_REASON,
        task.id,
    )


async def decide_pressed(update: Update, context: BotContext, payload: DecideExtension) -> None:
    """Approve at once, or ask the coordinator for another date or the refusal's reason."""
    person = await caller(update, context)
    services = context.bot_data
    lang = language_of(person, services)
    query = update.callback_query
    assert query is not None
    if payload.choice == ExtensionChoice.APPROVE:
        view = await extensions.decide(
            uow=services.uow(),
            clock=services.clock,
            person=person,
            extension_id=payload.extension_id,
            approve=True,
            default_lang=services.settings.default_language,
        )
        await query.answer()
        await clear_buttons(query)
        await _decided(update, context, view, lang)
        return
    view = await extensions.check_decidable(
        uow=services.uow(), person=person, extension_id=payload.extension_id
    )
    await query.answer()
    key, kind = (
        ("extension.ask_date", PromptKind.EXTENSION_DATE)
        if payload.choice == ExtensionChoice.OTHER_DATE
        else (
            "extension.ask_note",
            PromptKind.EXTENSION_NOTE,
        )
    )
    await ask_by_reply(
        update, context, person, text(key, lang, number=view.task.number), kind, view.extension.id
    )


async def on_answer(update: Update, context: BotContext, prompt: Prompt, body: str) -> None:
    """A reply to one of the extension questions."""
    person = await caller(update, context)
    services = context.bot_data
    lang = language_of(person, services)
    today = services.clock.now().astimezone(services.settings.tz).date()
    # A domain refusal leaves the question open: the reply can simply be sent again.
    if prompt.kind == PromptKind.EXTENSION_REASON:
        view = await extensions.request_extension(
            uow=services.uow(),
            clock=services.clock,
            person=person,
            task_id=prompt.target_id,
            body=body,
            buttons=decision_buttons,
            default_lang=services.settings.default_language,
            tz_today=today,
        )
        done = text(
            "extension.sent",
            lang,
            number=view.task.number,
            new=view.extension.requested_due.isoformat(),
        )
    else:
        view = await _decide_by_reply(context, person, prompt, body, today)
        done = ""
    await prompts.mark_answered(uow=services.uow(), clock=services.clock, prompt_id=prompt.id)
    services.rhythm.wake.set()
    if done:
        await reply(update, done)
    else:
        await _decided(update, context, view, lang)


async def _decide_by_reply(
    context: BotContext, person: Person, prompt: Prompt, body: str, today: date
) -> extensions.ExtensionView:
    services = context.bot_data
    approve = prompt.kind == PromptKind.EXTENSION_DATE
    return await extensions.decide(
        uow=services.uow(),
        clock=services.clock,
        person=person,
        extension_id=prompt.target_id,
        approve=approve,
        new_due=extensions.parse_date(body, today) if approve else None,
        note=None if approve else body.strip()[: extensions.MAX_REASON] or None,
        default_lang=services.settings.default_language,
    )


async def _decided(
    update: Update, context: BotContext, view: extensions.ExtensionView, lang: str
) -> None:
    context.bot_data.rhythm.wake.set()
    ext = view.extension
    due = f"（{ext.new_due.isoformat()}）" if ext.new_due else ""
    await reply(
        update,
        text(
            "extension.decided",
            lang,
            number=view.task.number,
            outcome=text(f"outcome.{ext.outcome}", lang),
            due=due,
        ),
    )


def _due(task: TaskView, lang: str) -> str:
    return task.due_on.isoformat() if task.due_on else text("tasks.long_term", lang)
