"""/reassign, /deactivate and /remind: coordinators change plans and nudge people now."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from domain.model import Person
from domain.rhythm import nudges
from domain.texts import Html, clean_input, text
from domain.work import assignments
from handlers.callback_data import Deactivate, FocusTask, PickPerson, PickPurpose, Remind
from handlers.common import choose, desk_caller, language_of, reply

MAX_NAMES = 20


async def reassign(update: Update, context: BotContext) -> None:
    """/reassign N NAME."""
    coordinator = await desk_caller(update, context)
    services = context.bot_data
    lang = language_of(coordinator, services)
    args = context.args or []
    if len(args) < 2:
        await reply(update, text("reassign.usage", lang))
        return
    number, name = args[0], " ".join(args[1:])
    task = await assignments.open_task(uow=services.uow(), coordinator=coordinator, number=number)
    found = await assignments.candidates(uow=services.uow(), coordinator=coordinator, name=name)
    if not found:
        await reply(update, text("error.person_unknown", lang, name=name))
        return
    if len(found) > 1:
        await choose(
            update,
            text("reassign.pick", lang, name=name, number=task.number),
            [(_who(p), PickPerson(PickPurpose.REASSIGN, p.id, task.id).encode()) for p in found],
        )
        return
    await _do_reassign(update, context, coordinator, task.id, found[0].id)


async def picked(update: Update, context: BotContext, payload: PickPerson) -> None:
    """A person chosen among several matches: reassign to them, or preview their retirement."""
    coordinator = await desk_caller(update, context)
    if update.callback_query is not None:
        await update.callback_query.answer()
    if payload.purpose == PickPurpose.REASSIGN:
        await _do_reassign(update, context, coordinator, payload.task_id, payload.person_id)
    else:
        await _retire_preview(update, context, coordinator, payload.person_id)


async def _do_reassign(
    update: Update, context: BotContext, coordinator: Person, task_id: int, person_id: int
) -> None:
    services = context.bot_data
    moved = await assignments.reassign(
        uow=services.uow(),
        clock=services.clock,
        coordinator=coordinator,
        task_id=task_id,
        person_id=person_id,
        default_lang=services.settings.default_language,
    )
    services.rhythm.wake.set()
    await reply(
        update,
        text(
            "reassign.done",
            language_of(coordinator, services),
            number=moved.task.number,
            before=moved.before.name,
            after=moved.after.name,
        ),
    )


async def deactivate(update: Update, context: BotContext) -> None:
    """/deactivate NAME: preview with the tasks to move, then confirm."""
    coordinator = await desk_caller(update, context)
    services = context.bot_data
    lang = language_of(coordinator, services)
    name = " ".join(context.args or []).strip()
    if not name:
        await reply(update, text("deactivate.usage", lang))
        return
    found = await assignments.candidates(uow=services.uow(), coordinator=coordinator, name=name)
    if not found:
        await reply(update, text("error.person_unknown", lang, name=name))
        return
    if len(found) > 1:
        await choose(
            update,
            text("deactivate.pick", lang, name=name),
            [(_who(p), PickPerson(PickPurpose.RETIRE, p.id, 0).encode()) for p in found],
        )
        return
    await _retire_preview(update, context, coordinator, found[0].id)


async def _retire_preview(
    update: Update, context: BotContext, coordinator: Person, person_id: int
) -> None:
    services = context.bot_data
    lang = language_of(coordinator, services)
    preview = await assignments.retirement_preview(
        uow=services.uow(), coordinator=coordinator, person_id=person_id
    )
    body = text(
        "deactivate.preview",
        lang,
        name=preview.person.name,
        unit=preview.person.unit_name or "—",
        tasks=Html(_orphans(preview, lang)),
    )
    await choose(update, body, [(text("deactivate.confirm", lang), Deactivate(person_id).encode())])


async def confirm_retire(update: Update, context: BotContext, payload: Deactivate) -> None:
    """Retire the person after the coordinator confirmed."""
    coordinator = await desk_caller(update, context)
    services = context.bot_data
    lang = language_of(coordinator, services)
    done = await assignments.retire(
        uow=services.uow(),
        clock=services.clock,
        coordinator=coordinator,
        person_id=payload.person_id,
    )
    query = update.callback_query
    assert query is not None
    await query.answer()
    await query.edit_message_text(
        text("deactivate.done", lang, name=done.person.name, tasks=Html(_orphans(done, lang)))
    )


def _orphans(found: assignments.Retirement, lang: str) -> str:
    if not found.orphaned:
        return text("deactivate.no_tasks", lang)
    numbers = "、".join(t.number for t in found.orphaned[:60])
    if len(found.orphaned) > 60:
        numbers += "…"
    return text("deactivate.tasks", lang, count=len(found.orphaned), numbers=numbers)


async def remind(update: Update, context: BotContext) -> None:
    """/remind PERSON|UNIT|silent: preview who it reaches, then a Send button."""
    coordinator = await desk_caller(update, context)
    services = context.bot_data
    lang = language_of(coordinator, services)
    words = clean_input(" ".join(context.args or [])).strip()
    if not words:
        await reply(update, text("remind.usage", lang))
        return
    found = await nudges.resolve(
        uow=services.uow(),
        clock=services.clock,
        coordinator=coordinator,
        policy=services.policy,
        words=words,
    )
    if isinstance(found, nudges.Choices):
        options = [(n, Remind(nudges.Reach.PERSON, i, 0).encode()) for i, n in found.people]
        options += [(n, Remind(nudges.Reach.UNIT, i, 0).encode()) for i, n in found.units]
        await choose(update, text("remind.pick", lang, name=words), options[:MAX_NAMES])
        return
    await _remind_preview(update, found, lang)


async def _remind_preview(update: Update, found: nudges.Target, lang: str) -> None:
    unreachable = (
        text(
            "remind.unreachable",
            lang,
            count=len(found.unreachable),
            names="、".join(p.name for p in found.unreachable[:MAX_NAMES]),
        )
        if found.unreachable
        else ""
    )
    if not found.people:
        await reply(update, text("remind.nobody", lang, unreachable=Html(unreachable)))
        return
    names = "、".join(p.name for p in found.people[:MAX_NAMES])
    if len(found.people) > MAX_NAMES:
        names += "…"
    body = text(
        "remind.preview",
        lang,
        label=Html(text("remind.label", lang, label=found.label) if found.label else ""),
        count=len(found.people),
        tasks=sum(len(found.tasks[p.id]) for p in found.people),
        names=names,
        unreachable=Html(unreachable),
    )
    # Sending works the recipients out again, so a preview left open is never stale.
    data = Remind(found.scope, found.target_id, 1).encode()
    await choose(update, body, [(text("remind.send", lang), data)])


async def remind_pressed(update: Update, context: BotContext, payload: Remind) -> None:
    """A pick among several matches shows the preview; the preview's button sends."""
    coordinator = await desk_caller(update, context)
    services = context.bot_data
    lang = language_of(coordinator, services)
    query = update.callback_query
    assert query is not None
    await query.answer()
    if not payload.send:
        found = await nudges.target(
            uow=services.uow(),
            clock=services.clock,
            coordinator=coordinator,
            policy=services.policy,
            scope=payload.scope,
            target_id=payload.target_id,
        )
        await _remind_preview(update, found, lang)
        return
    sent = await nudges.send(
        uow=services.uow(),
        clock=services.clock,
        coordinator=coordinator,
        policy=services.policy,
        scope=payload.scope,
        target_id=payload.target_id,
        focus_button=lambda task_id: FocusTask(task_id).encode(),
        default_lang=services.settings.default_language,
        token=f"{query.message.chat.id}:{query.message.message_id}" if query.message else query.id,
    )
    services.rhythm.wake.set()
    await query.edit_message_text(text("remind.sent", lang, count=len(sent.people)))


def _who(person: Person) -> str:
    return f"{person.name}（{person.unit_name}）" if person.unit_name else person.name
