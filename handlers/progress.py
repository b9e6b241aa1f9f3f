"""Progress by plain message: text, photos and files; edits; the buttons under a report."""

from __future__ import annotations

import asyncio
import html
import logging
import re
from dataclasses import replace
from datetime import timedelta

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError, TimedOut

from bot.context import BotContext, Services
from bot.intake import defer_ack
from domain.model import Attachment, Person
from domain.texts import clean_input, text
from domain.work import reporting
from domain.work.reporting import IncomingMessage, ReportOutcome, SentAck
from domain.work.together import Arrival, Received, is_plain
from handlers import answers, weekly
from handlers.callback_data import AskPercent, AskSignoff, PickTask, SetPercent, Withdraw
from handlers.common import caller, language_of
from handlers.review import review_buttons
from handlers.views import (
    choice_keyboard,
    percent_keyboard,
    report_ack,
    report_keyboard,
)

log = logging.getLogger(__name__)
_TAGS = re.compile(r"<[^>]+>")


async def on_message(update: Update, context: BotContext) -> None:
    """Record a private message (text, photo or document) as progress."""
    services = context.bot_data
    message = update.effective_message
    assert message is not None
    incoming = _incoming(message)
    if (received := await _together(update, context, message, incoming)) is not None:
        lang = language_of(received.person, services)
        await _show_outcome(message, context, received.person, received.outcome, lang)
        return
    person = await caller(update, context)
    if await answers.answer_prompt(update, context, person):
        return
    lang = language_of(person, services)
    attachment = await _attachment(message, context)
    incoming = replace(incoming, attachment=attachment)
    # Several measures in one message (or an album whose caption named several) get a card.
    if not await weekly.try_card(message, context, person, incoming):
        outcome = await reporting.receive_message(
            uow=services.uow(),
            clock=services.clock,
            person=person,
            message=incoming,
            merge_seconds=services.settings.report_merge_seconds,
        )
        if outcome.duplicate and outcome.report.ack_message_id is not None:
            return  # handled before; a replay after a crash still owes the answer otherwise
        await _show_outcome(message, context, person, outcome, lang)
    if attachment is not None and attachment.not_saved:
        await message.reply_text(text("report.file_not_saved", lang, name=attachment.file_name))
    elif attachment is not None and not attachment.fetched:
        limit_mb = services.settings.max_download_bytes // (1024 * 1024)
        await message.reply_text(
            text("report.file_too_big", lang, name=attachment.file_name, limit=limit_mb)
        )


def _incoming(message: Message) -> IncomingMessage:
    """The message as the domain reads it (its file, if any, is fetched later)."""
    return IncomingMessage(
        chat_id=message.chat_id,
        message_id=message.message_id,
        text=clean_input(message.text or message.caption or ""),
        reply_to_message_id=message.reply_to_message.message_id
        if message.reply_to_message
        else None,
        media_group_id=message.media_group_id,
    )


async def _together(
    update: Update, context: BotContext, message: Message, incoming: IncomingMessage
) -> Received | None:
    """Store a plain report with the others handled at this moment (bot/together.py).

    None: not a plain report (or not one the group could take); the usual path decides.
    """
    services = context.bot_data
    user = update.effective_user
    if user is None or user.id in services.admin_ids or message.text is None:
        return None  # admins are bound on sight by the usual path; a caption comes with a file
    if not is_plain(incoming):
        return None
    return await services.together.submit(Arrival(user.id, incoming))


async def on_edit(update: Update, context: BotContext) -> None:
    """Apply an edited message to its report and refresh the acknowledgement."""
    services = context.bot_data
    message = update.edited_message
    assert message is not None
    person = await caller(update, context)
    edited = IncomingMessage(
        chat_id=message.chat_id,
        message_id=message.message_id,
        text=clean_input(message.text or message.caption or ""),
        media_group_id=message.media_group_id,
    )
    if await weekly.try_edit(message, context, person, edited):
        return
    outcome = await reporting.edit_message(
        uow=services.uow(),
        clock=services.clock,
        person=person,
        chat_id=message.chat_id,
        message_id=message.message_id,
        text=edited.text,
    )
    if outcome is not None:
        await _show_outcome(message, context, person, outcome, language_of(person, services))


async def _show_outcome(
    message: Message,
    context: BotContext,
    person: Person,
    outcome: ReportOutcome,
    lang: str,
) -> None:
    report = outcome.report
    if outcome.task is None:
        body = text("report.which_task", lang)
        markup = choice_keyboard(report.id, outcome.choices)
    else:
        body = report_ack(report, outcome.task, outcome.evidence_count, lang)
        markup = report_keyboard(report, outcome.task, lang)
    if outcome.merged and report.ack_message_id is not None:
        try:
            await context.bot.edit_message_text(
                body, chat_id=report.chat_id, message_id=report.ack_message_id, reply_markup=markup
            )
            return
        except BadRequest as exc:
            if "not modified" in exc.message:
                return
            log.warning("could not refresh acknowledgement of report %s: %s", report.id, exc)
        except TelegramError as exc:  # the report is stored: answer anew instead
            log.warning("could not refresh acknowledgement of report %s: %s", report.id, exc)
    try:
        sent = await _reply_with_retries(message, body, markup)
    except TelegramError as exc:  # the report is stored: say so later, never "try again"
        log.warning("acknowledgement of report %s deferred to the outbox: %s", report.id, exc)
        await reporting.queue_ack(
            uow=context.bot_data.uow(),
            clock=context.bot_data.clock,
            person=person,
            report_id=report.id,
            task=outcome.task,
            body=body,
            buttons=_pairs(markup),
        )
        context.bot_data.rhythm.wake.set()
        return
    await _remember(context, SentAck(report.id, report.task_id, sent.chat_id, sent.message_id))


async def _remember(context: BotContext, ack: SentAck) -> None:
    """Keep the acknowledgement with the update's closing write, or now outside an update."""
    if not defer_ack(ack):
        services = context.bot_data
        await reporting.remember_ack(uow=services.uow(), clock=services.clock, ack=ack)


ACK_ATTEMPTS = 3


async def _reply_with_retries(
    message: Message, body: str, markup: InlineKeyboardMarkup | None
) -> Message:
    """Send the acknowledgement, waiting out a 429 or a brief 5xx/timeout a few times."""
    for attempt in range(ACK_ATTEMPTS):
        try:
            return await message.reply_text(body, reply_markup=markup)
        except RetryAfter as exc:
            if attempt == ACK_ATTEMPTS - 1:
                raise
            await asyncio.sleep(min(_seconds(exc.retry_after), 10.0))
        except (TimedOut, NetworkError):
            if attempt == ACK_ATTEMPTS - 1:
                raise
            await asyncio.sleep(0.5 * 2**attempt)
    raise AssertionError("unreachable")


def _seconds(value: float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def _pairs(markup: InlineKeyboardMarkup | None) -> list[list[tuple[str, str]]] | None:
    if markup is None:
        return None
    return [
        [(b.text, str(b.callback_data)) for b in row if b.callback_data is not None]
        for row in markup.inline_keyboard
    ]


async def _attachment(message: Message, context: BotContext) -> Attachment | None:
    services: Services = context.bot_data
    if message.photo:
        photo = message.photo[-1]  # the largest size
        return await services.files.fetch(
            context.bot,
            file_id=photo.file_id,
            file_unique_id=photo.file_unique_id,
            name=f"photo_{photo.file_unique_id}.jpg",
            mime_type="image/jpeg",
            size=photo.file_size,
        )
    media = message.document or message.video or message.audio
    if media is None:
        return None
    return await services.files.fetch(
        context.bot,
        file_id=media.file_id,
        file_unique_id=media.file_unique_id,
        name=media.file_name or f"file_{media.file_unique_id}",
        mime_type=media.mime_type,
        size=media.file_size,
    )


async def pick_task(update: Update, context: BotContext, payload: PickTask) -> None:
    """Place an unplaced report on the chosen task and turn the question into the ack."""
    services = context.bot_data
    person = await caller(update, context)
    outcome = await reporting.assign_report(
        uow=services.uow(),
        clock=services.clock,
        person=person,
        report_id=payload.report_id,
        task_id=payload.task_id,
    )
    assert outcome.task is not None
    lang = language_of(person, services)
    if update.callback_query is not None:
        await update.callback_query.answer()
    await _edit_query_message(
        update,
        report_ack(outcome.report, outcome.task, outcome.evidence_count, lang),
        report_keyboard(outcome.report, outcome.task, lang),
    )
    query_message = update.callback_query.message if update.callback_query else None
    if query_message is not None:
        ack = SentAck(
            outcome.report.id, outcome.task.id, query_message.chat.id, query_message.message_id
        )
        await _remember(context, ack)


async def ask_percent(update: Update, context: BotContext, payload: AskPercent) -> None:
    """Replace the buttons with the percent choices."""
    person = await caller(update, context)  # strangers get the refusal, not the buttons
    # Only the report's author may correct it: a forged id is refused, the message kept.
    await reporting.own_report(
        uow=context.bot_data.uow(), person=person, report_id=payload.report_id
    )
    query = update.callback_query
    assert query is not None
    await query.answer()
    await query.edit_message_reply_markup(percent_keyboard(payload.report_id))


async def set_percent(update: Update, context: BotContext, payload: SetPercent) -> None:
    """Store the corrected percent and confirm."""
    services = context.bot_data
    person = await caller(update, context)
    task = await reporting.set_report_percent(
        uow=services.uow(),
        clock=services.clock,
        person=person,
        report_id=payload.report_id,
        percent=payload.percent,
    )
    lang = language_of(person, services)
    confirmation = text("report.percent_set", lang, number=task.number, percent=payload.percent)
    await _answer(update, confirmation)
    await _edit_query_message(update, confirmation, None)


async def ask_signoff(update: Update, context: BotContext, payload: AskSignoff) -> None:
    """Send the task for review and tell the coordinators."""
    services = context.bot_data
    person = await caller(update, context)
    request = await reporting.request_signoff(
        uow=services.uow(),
        clock=services.clock,
        person=person,
        task_id=payload.task_id,
        buttons=review_buttons,
        default_lang=services.settings.default_language,
    )
    services.rhythm.wake.set()  # the coordinators' notices are in the outbox
    lang = language_of(person, services)
    done = text("report.signoff_requested", lang, number=request.task.number)
    await _answer(update, done)
    await _edit_query_message(update, done, None)


async def withdraw(update: Update, context: BotContext, payload: Withdraw) -> None:
    """Withdraw a report and say so."""
    services = context.bot_data
    person = await caller(update, context)
    _, task = await reporting.withdraw_report(
        uow=services.uow(), clock=services.clock, person=person, report_id=payload.report_id
    )
    lang = language_of(person, services)
    body = (
        text("report.withdrawn", lang, number=task.number)
        if task
        else text("report.withdrawn_unassigned", lang)
    )
    await _answer(update, body)
    await _edit_query_message(update, body, None)


async def _answer(update: Update, body: str) -> None:
    query = update.callback_query
    if query is not None:
        await query.answer(html.unescape(_TAGS.sub("", body))[:200])


async def _edit_query_message(
    update: Update, body: str, markup: InlineKeyboardMarkup | None
) -> None:
    query = update.callback_query
    assert query is not None
    try:
        await query.edit_message_text(body, reply_markup=markup)
    except BadRequest as exc:
        if "not modified" not in exc.message:
            raise
