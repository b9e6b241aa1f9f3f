"""The weekly report in one go: the card for a multi-measure message and the "no change" tap."""

from __future__ import annotations

import html
import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

from bot.context import BotContext
from domain.errors import NotFound
from domain.model import BatchItem, Person, Refusal, ReportBatch
from domain.texts import excerpt, split_message, text
from domain.work import reporting, weekly_reports
from domain.work.reporting import IncomingMessage
from domain.work.weekly_reports import DROP_VALUE, NO_CHANGE_VALUE, REST_LABEL, Confirmed
from handlers.callback_data import (
    BatchCancel,
    BatchConfirm,
    BatchFix,
    BatchPick,
    BatchSet,
    BatchSignoff,
    NoChangeWeek,
)
from handlers.common import caller, language_of
from handlers.review import review_buttons

_TAGS = re.compile(r"<[^>]+>")
COMPACT_AFTER = 15  # items on a card before quotes are left out


async def try_card(
    message: Message, context: BotContext, person: Person, incoming: IncomingMessage
) -> bool:
    """Answer a message about several measures (or an album's further file) with its card."""
    services = context.bot_data
    lang = language_of(person, services)
    if incoming.media_group_id and incoming.attachment is not None:
        batch = await weekly_reports.add_album_file(
            uow=services.uow(),
            clock=services.clock,
            person=person,
            media_group_id=incoming.media_group_id,
            attachment=incoming.attachment,
        )
        if batch is not None:
            await _refresh(context, batch, lang)
            return True
    staged = await weekly_reports.stage_message(
        uow=services.uow(), clock=services.clock, person=person, message=incoming
    )
    if staged is None:
        return False
    await _send_card(message, context, staged, lang)
    return True


async def try_edit(
    message: Message, context: BotContext, person: Person, incoming: IncomingMessage
) -> bool:
    """Refresh (or restage) the card of an edited multi-measure message."""
    services = context.bot_data
    lang = language_of(person, services)
    batch = await weekly_reports.restage_edit(
        uow=services.uow(), clock=services.clock, person=person, message=incoming
    )
    if batch is None:
        return False
    if batch.card_message_id is not None and batch.status == weekly_reports.PENDING:
        await _refresh(context, batch, lang)
    else:
        await _send_card(message, context, batch, lang)
    return True


async def no_change_week(update: Update, context: BotContext, payload: NoChangeWeek) -> None:
    """Stage "no change this week" for every measure of the check-in, and show the card."""
    services = context.bot_data
    person = await caller(update, context)
    lang = language_of(person, services)
    query = update.callback_query
    assert query is not None
    assert isinstance(query.message, Message)
    batch = await weekly_reports.stage_no_change(
        uow=services.uow(),
        clock=services.clock,
        tz=services.settings.tz,
        person=person,
        chat_id=query.message.chat.id,
        message_id=query.message.message_id,
        text=text("checkin.no_change_text", lang),
    )
    await query.answer()
    await _send_card(query.message, context, batch, lang)


async def confirm(update: Update, context: BotContext, payload: BatchConfirm) -> None:
    """Write the card's items and turn the card into the receipt."""
    services = context.bot_data
    person = await caller(update, context)
    done = await weekly_reports.confirm(
        uow=services.uow(), clock=services.clock, person=person, batch_id=payload.batch_id
    )
    lang = language_of(person, services)
    body, markup = receipt(done, lang)
    await _answer(update, body)
    await _edit(update, body, markup)


async def signoff_done(update: Update, context: BotContext, payload: BatchSignoff) -> None:
    """Ask sign-off for every measure the confirmed card reported done, in one go."""
    services = context.bot_data
    person = await caller(update, context)
    task_ids = await weekly_reports.done_tasks(
        uow=services.uow(), person=person, batch_id=payload.batch_id
    )
    requests = await reporting.request_signoffs(
        uow=services.uow(),
        clock=services.clock,
        person=person,
        task_ids=task_ids,
        buttons=review_buttons,
        default_lang=services.settings.default_language,
    )
    services.rhythm.wake.set()  # the coordinators' notices are in the outbox
    lang = language_of(person, services)
    body = text("batch.signoff_requested", lang, numbers="、".join(r.task.number for r in requests))
    await _answer(update, body)
    await _edit(update, body, None)


async def cancel(update: Update, context: BotContext, payload: BatchCancel) -> None:
    """Drop the card; nothing is written."""
    services = context.bot_data
    person = await caller(update, context)
    await weekly_reports.cancel(
        uow=services.uow(), clock=services.clock, person=person, batch_id=payload.batch_id
    )
    body = text("batch.cancelled", language_of(person, services))
    await _answer(update, body)
    await _edit(update, body, None)


async def fix(update: Update, context: BotContext, payload: BatchFix) -> None:
    """Show the items to pick one (or, with back, the card again)."""
    services = context.bot_data
    person = await caller(update, context)
    batch = await weekly_reports.pending_batch(
        uow=services.uow(), person=person, batch_id=payload.batch_id
    )
    lang = language_of(person, services)
    await _answer(update, "")
    if payload.back:
        await _edit(update, card_text(batch, lang), card_keyboard(batch, lang))
        return
    rows = [
        [InlineKeyboardButton(_item_label(i, item), callback_data=BatchPick(batch.id, i).encode())]
        for i, item in enumerate(batch.items)
        if item.task_id is not None and item.refused in (None, Refusal.DROPPED)
    ][:40]
    rows.append([_back(batch, lang)])
    body = card_text(batch, lang) + "\n\n" + text("batch.pick_item", lang)
    await _edit(update, body, InlineKeyboardMarkup(rows))


async def pick(update: Update, context: BotContext, payload: BatchPick) -> None:
    """Show the values one item can take."""
    services = context.bot_data
    person = await caller(update, context)
    batch = await weekly_reports.pending_batch(
        uow=services.uow(), person=person, batch_id=payload.batch_id
    )
    if payload.index >= len(batch.items):
        raise NotFound()
    lang = language_of(person, services)
    item = batch.items[payload.index]
    values = [
        InlineKeyboardButton(f"{v}%", callback_data=BatchSet(batch.id, payload.index, v).encode())
        for v in range(0, 101, 10)
    ]
    rows = [values[i : i + 4] for i in range(0, len(values), 4)]
    rows.append(
        [
            InlineKeyboardButton(
                text("batch.set_no_change", lang),
                callback_data=BatchSet(batch.id, payload.index, NO_CHANGE_VALUE).encode(),
            ),
            InlineKeyboardButton(
                text("batch.set_drop", lang),
                callback_data=BatchSet(batch.id, payload.index, DROP_VALUE).encode(),
            ),
        ]
    )
    rows.append([_back(batch, lang)])
    await _answer(update, "")
    body = card_text(batch, lang) + "\n\n" + text("batch.pick_value", lang, number=item.number)
    await _edit(update, body, InlineKeyboardMarkup(rows))


async def set_value(update: Update, context: BotContext, payload: BatchSet) -> None:
    """Change one item and show the card again."""
    services = context.bot_data
    person = await caller(update, context)
    batch = await weekly_reports.set_item(
        uow=services.uow(),
        person=person,
        batch_id=payload.batch_id,
        index=payload.index,
        value=payload.value,
    )
    lang = language_of(person, services)
    await _answer(update, "")
    await _edit(update, card_text(batch, lang), card_keyboard(batch, lang))


# -- rendering --------------------------------------------------------------------------------


def card_text(batch: ReportBatch, lang: str) -> str:
    """The card: what will be stored for each measure, and what will not and why."""
    valid = [i for i in batch.items if i.refused is None and i.task_id is not None]
    refused = [i for i in batch.items if i.refused is not None]
    # A "no change" tap: the quote would only repeat the header.
    tap = bool(valid) and not refused and all(i.no_change and i.label == i.number for i in valid)
    header = "batch.no_change_header" if tap else "batch.header"
    lines = [text(header, lang, count=len(valid))]
    if batch.replaces_id is not None:
        lines.append(text("batch.replaces", lang, count=len(valid)))
    rest = [i for i in valid if i.label == REST_LABEL] if not tap else []
    named = [i for i in valid if i not in rest]
    # A long card (a liaison's whole unit) drops the quotes so it fits one message.
    compact = tap or len(named) > COMPACT_AFTER
    for index, item in enumerate(named, start=1):
        key = "batch.item_no_change_only" if compact else "batch.item"
        lines.append(
            text(
                key,
                lang,
                index=index,
                number=item.number,
                title=item.title,
                text=excerpt(item.text, 60),
                what=_what(item, lang),
            )
        )
    if rest:  # 其余…: one line for all of them, a phone screen is short
        lines.append(
            text(
                "batch.rest",
                lang,
                count=len(rest),
                numbers="、".join(i.number or "" for i in rest),
                what=_what(rest[0], lang)
                if not rest[0].no_change
                else text("batch.rest_no_change", lang),
            )
        )
    if refused:
        lines.append(text("batch.refused_header", lang))
        lines += [
            text(
                "batch.refused",
                lang,
                label=item.number or item.label,
                reason=text(f"batch.reason.{item.refused}", lang),
            )
            for item in refused
        ]
    if batch.attachments:
        lines.append(text("batch.evidence", lang, count=len(batch.attachments)))
    if not valid:
        lines.append(text("batch.nothing", lang))
    return "\n".join(lines)


def card_keyboard(batch: ReportBatch, lang: str) -> InlineKeyboardMarkup:
    """Confirm all, fix one, cancel (confirm only when something can be stored)."""
    valid = any(i.refused is None and i.task_id is not None for i in batch.items)
    row = [
        InlineKeyboardButton(text("batch.fix", lang), callback_data=BatchFix(batch.id, 0).encode()),
        InlineKeyboardButton(
            text("batch.cancel", lang), callback_data=BatchCancel(batch.id).encode()
        ),
    ]
    confirm_row = [
        InlineKeyboardButton(
            text("batch.confirm", lang), callback_data=BatchConfirm(batch.id).encode()
        )
    ]
    return InlineKeyboardMarkup([confirm_row, row] if valid else [row])


def receipt(done: Confirmed, lang: str) -> tuple[str, InlineKeyboardMarkup | None]:
    """What the card says once confirmed, with sign-off buttons for measures reported done."""
    numbers = "、".join(t.number for t in done.stored)
    lines = [text("batch.stored", lang, count=len(done.stored), numbers=numbers)]
    if done.skipped:
        labels = "、".join(i.number or i.label for i in done.skipped)
        lines.append(text("batch.stored_skipped", lang, labels=labels))
    finished = [t for t in done.stored if t.percent == 100]
    if not finished:
        return "\n".join(lines), None
    numbers = "、".join(t.number for t in finished)
    lines.append(text("batch.done_hint", lang, numbers=numbers))
    button = InlineKeyboardButton(
        text("batch.signoff_all", lang, count=len(finished)),
        callback_data=BatchSignoff(done.batch.id).encode(),
    )
    return "\n".join(lines), InlineKeyboardMarkup([[button]])


def no_change_button(lang: str) -> tuple[str, str]:
    """The check-in's one-tap "no change this week" button (label, callback data)."""
    return text("checkin.no_change_button", lang), NoChangeWeek().encode()


def _what(item: BatchItem, lang: str) -> str:
    if item.no_change:
        return text("batch.what_no_change", lang, percent=_current(item))
    if item.done:
        return text("batch.what_done", lang)
    if item.percent is not None:
        return text("batch.what_percent", lang, percent=item.percent)
    return text("batch.what_text_only", lang, percent=_current(item))


def _current(item: BatchItem) -> str:
    return "—" if item.current_percent is None else str(item.current_percent)


def _item_label(index: int, item: BatchItem) -> str:
    return f"{index + 1}. {item.number} {item.title}"[:60]


def _back(batch: ReportBatch, lang: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        text("batch.back", lang), callback_data=BatchFix(batch.id, 1).encode()
    )


async def _send_card(message: Message, context: BotContext, batch: ReportBatch, lang: str) -> None:
    parts = split_message(card_text(batch, lang))
    for part in parts[:-1]:
        await message.reply_text(part)
    sent = await message.reply_text(parts[-1], reply_markup=card_keyboard(batch, lang))
    await weekly_reports.remember_card(
        uow=context.bot_data.uow(), batch_id=batch.id, message_id=sent.message_id
    )


async def _refresh(context: BotContext, batch: ReportBatch, lang: str) -> None:
    if batch.card_message_id is None or batch.status != weekly_reports.PENDING:
        return
    try:
        await context.bot.edit_message_text(
            split_message(card_text(batch, lang))[-1],
            chat_id=batch.chat_id,
            message_id=batch.card_message_id,
            reply_markup=card_keyboard(batch, lang),
        )
    except BadRequest as exc:
        if "not modified" not in exc.message:
            raise


async def _answer(update: Update, body: str) -> None:
    query = update.callback_query
    if query is not None:
        await query.answer(html.unescape(_TAGS.sub("", body))[:200] or None)


async def _edit(update: Update, body: str, markup: InlineKeyboardMarkup | None) -> None:
    query = update.callback_query
    assert query is not None
    try:
        await query.edit_message_text(split_message(body)[-1], reply_markup=markup)
    except BadRequest as exc:
        if "not modified" not in exc.message:
            raise
