"""/export (the ledger), /report [final] (the rectification report), /dossier N|UNIT (zips)."""

from __future__ import annotations

import asyncio

from telegram import InputFile, Update
from telegram.constants import ChatAction

from bot.context import BotContext
from domain.model import Person, ReportKind
from domain.records import exports
from domain.texts import text
from handlers.callback_data import DossierUnit
from handlers.common import choose, desk_caller, language_of, reply


async def export(update: Update, context: BotContext) -> None:
    """Send the ledger of the current campaign."""
    person = await desk_caller(update, context)
    services = context.bot_data
    lang = language_of(person, services)
    assert update.effective_chat is not None
    await update.effective_chat.send_chat_action(ChatAction.UPLOAD_DOCUMENT)
    name, data = await exports.ledger(
        uow=services.uow(), clock=services.clock, person=person, policy=services.policy, lang=lang
    )
    await update.effective_chat.send_document(
        InputFile(data, filename=name), caption=text("export.caption", lang)
    )


REPORT_WORDS = {
    "": ReportKind.PROGRESS,
    "progress": ReportKind.PROGRESS,
    "进展": ReportKind.PROGRESS,
    "final": ReportKind.FINAL,
    "最终": ReportKind.FINAL,
    "总结": ReportKind.FINAL,
}


async def report(update: Update, context: BotContext) -> None:
    """Send the round's rectification report (.docx): /report [final]."""
    person = await desk_caller(update, context)
    services = context.bot_data
    lang = language_of(person, services)
    kind = REPORT_WORDS.get(" ".join(context.args or []).strip().lower())
    if kind is None:
        await reply(update, text("report.usage", lang))
        return
    assert update.effective_chat is not None
    await update.effective_chat.send_chat_action(ChatAction.UPLOAD_DOCUMENT)
    name, data = await exports.rectification_report(
        uow=services.uow(), clock=services.clock, person=person, tz=services.settings.tz, kind=kind
    )
    title = name.rsplit("_", 1)[0]
    await update.effective_chat.send_document(
        InputFile(data, filename=name), caption=text("report.caption", lang, title=title)
    )


async def dossier(update: Update, context: BotContext) -> None:
    """Send the dossier of a task or a unit, in parts under the upload limit."""
    person = await desk_caller(update, context)
    lang = language_of(person, context.bot_data)
    words = " ".join(context.args or []).strip()
    if not words:
        await reply(update, text("dossier.usage", lang))
        return
    await _send_dossier(update, context, person, words=words)


async def dossier_unit(update: Update, context: BotContext, payload: DossierUnit) -> None:
    """The unit picked among several matches."""
    person = await desk_caller(update, context)
    if update.callback_query is not None:
        await update.callback_query.answer()
    await _send_dossier(update, context, person, unit_id=payload.unit_id)


async def _send_dossier(
    update: Update,
    context: BotContext,
    person: Person,
    *,
    words: str = "",
    unit_id: int | None = None,
) -> None:
    services = context.bot_data
    lang = language_of(person, services)
    chat = update.effective_chat
    assert chat is not None
    await chat.send_chat_action(ChatAction.UPLOAD_DOCUMENT)
    planned = await exports.dossier(
        uow=services.uow(),
        clock=services.clock,
        person=person,
        words=words,
        unit_id=unit_id,
        lang=lang,
        tz=services.settings.tz,
        part_limit=services.settings.dossier_part_bytes,
    )
    if isinstance(planned, list):
        options = [(name, DossierUnit(ident).encode()) for ident, name in planned]
        await choose(update, text("dossier.pick", lang, name=words), options)
        return
    total = len(planned)
    for index in range(total):
        # One part in memory at a time; reading evidence from disk stays off the event loop.
        part = await asyncio.to_thread(planned.part, index)
        await chat.send_document(
            InputFile(part.data, filename=part.name),
            caption=text("dossier.caption", lang, part=index + 1, parts=total),
        )
