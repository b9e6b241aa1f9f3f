"""/lookback (回头看): start re-checks of signed-off measures, and the answers to them."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from domain.model import LookbackCheck, LookbackStatus, Person, Prompt, PromptKind, TaskView
from domain.texts import Html, excerpt, text
from domain.work import lookback as looking_back
from domain.work import prompts
from domain.work.review import may_sign_off
from handlers.callback_data import LookbackHeld, LookbackSlipped
from handlers.common import ask_by_reply, caller, choose_rows, drop_pressed_row, language_of, reply
from handlers.views import lookback_choices

LISTED = 10  # slipped and pending measures listed by /lookback


async def lookback(update: Update, context: BotContext) -> None:
    """Show the round's look-back, switch it to automatic, or start one."""
    services = context.bot_data
    person = await caller(update, context)
    lang = language_of(person, services)
    words = [w for w in (context.args or []) if w.strip()]
    if not words:
        await _show(update, context, person, lang)
        return
    auto = looking_back.parse_auto(words)
    if auto is not None:
        campaign = await looking_back.set_auto(uow=services.uow(), person=person, on=auto)
        state = text("lookback.on" if auto else "lookback.off", lang)
        await reply(update, text("lookback.auto_set", lang, campaign=campaign.name, state=state))
        return
    started = await looking_back.start(
        uow=services.uow(),
        clock=services.clock,
        person=person,
        words=words,
        default_lang=services.settings.default_language,
        choices=lookback_choices,
    )
    services.rhythm.wake.set()
    await reply(update, _started_text(started, lang))


def _started_text(started: looking_back.LookbackStarted, lang: str) -> str:
    return text(
        "lookback.started",
        lang,
        campaign=started.campaign,
        scope=Html(text("lookback.scope", lang, scope=started.scope) if started.scope else ""),
        checks=started.checks,
        pending=Html(
            text("lookback.already_pending", lang, count=started.already_pending)
            if started.already_pending
            else ""
        ),
        not_closed=Html(
            text("lookback.not_closed", lang, numbers="、".join(started.not_closed))
            if started.not_closed
            else ""
        ),
        unreachable=Html(
            text("lookback.unreachable", lang, names="、".join(started.unreachable))
            if started.unreachable
            else ""
        ),
    )


async def _show(update: Update, context: BotContext, person: Person, lang: str) -> None:
    services = context.bot_data
    found = await looking_back.summary(uow=services.uow(), person=person)
    lines = [
        text(
            "lookback.summary",
            lang,
            campaign=found.campaign.name,
            total=len(found.checks),
            held=found.count(LookbackStatus.HELD),
            slipped=found.count(LookbackStatus.SLIPPED),
            pending=found.count(LookbackStatus.PENDING),
        ),
        text(
            "lookback.auto_state",
            lang,
            state=text("lookback.on" if found.campaign.lookback_auto else "lookback.off", lang),
            months=services.settings.lookback_months,
        ),
    ]
    slipped = [(c, t) for c, t in found.checks if c.status == LookbackStatus.SLIPPED]
    pending = [(c, t) for c, t in found.checks if c.status == LookbackStatus.PENDING]
    for header, items in (
        ("lookback.slipped_header", slipped),
        ("lookback.pending_header", pending),
    ):
        if items:
            lines += ["", text(header, lang)]
            lines += [_line(c, t, lang) for c, t in items[:LISTED]]
            if len(items) > LISTED:
                lines.append(text("digest.more", lang, count=len(items) - LISTED))
    lines += ["", text("lookback.usage", lang)]
    rows = (
        [lookback_choices(c, t, lang) for c, t in pending[:LISTED]] if may_sign_off(person) else []
    )
    await choose_rows(update, "\n".join(lines), rows)


def _line(check: LookbackCheck, task: TaskView, lang: str) -> str:
    note = f"（{excerpt(check.note, 60)}）" if check.note else ""
    return text(
        "lookback.line",
        lang,
        number=task.number,
        unit=task.unit_name,
        owner=task.owner_name,
        measure=excerpt(task.measure, 30),
        note=note,
    )


async def held(update: Update, context: BotContext, payload: LookbackHeld) -> None:
    """Record that the measure's rectification still holds."""
    services = context.bot_data
    person = await caller(update, context)
    lang = language_of(person, services)
    answered = await looking_back.answer(
        uow=services.uow(),
        clock=services.clock,
        person=person,
        check_id=payload.check_id,
        held=True,
        default_lang=services.settings.default_language,
    )
    query = update.callback_query
    assert query is not None
    await query.answer()
    await drop_pressed_row(query)
    await reply(
        update, text("lookback.done_held", lang, number=answered.task.number, by=person.name)
    )


async def slipped(update: Update, context: BotContext, payload: LookbackSlipped) -> None:
    """Check the person may answer, then ask how the measure slipped back."""
    services = context.bot_data
    person = await caller(update, context)
    task = await looking_back.check_answerable(
        uow=services.uow(), person=person, check_id=payload.check_id
    )
    query = update.callback_query
    assert query is not None
    await query.answer()
    await drop_pressed_row(query)
    question = text("lookback.ask_reason", language_of(person, services), number=task.number)
    await ask_by_reply(
        update, context, person, question, PromptKind.LOOKBACK_SLIPPED, payload.check_id
    )


async def on_reason(update: Update, context: BotContext, prompt: Prompt, body: str) -> None:
    """Reopen the measure with the reason the person replied."""
    services = context.bot_data
    person = await caller(update, context)
    lang = language_of(person, services)
    if not body.strip():
        await reply(update, text("error.lookback_reason", lang))
        return
    answered = await looking_back.answer(
        uow=services.uow(),
        clock=services.clock,
        person=person,
        check_id=prompt.target_id,
        held=False,
        reason=body,
        default_lang=services.settings.default_language,
    )
    await prompts.mark_answered(uow=services.uow(), clock=services.clock, prompt_id=prompt.id)
    services.rhythm.wake.set()
    await reply(
        update,
        text("lookback.done_slipped", lang, number=answered.task.number, reason=excerpt(body, 300)),
    )
