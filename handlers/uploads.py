"""Files sent by coordinators: workbooks (preview, Confirm / Cancel) and notices (outline)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from telegram import Document, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update

from bot.context import BotContext
from domain.errors import WorkbookRejected
from domain.intake import filetypes, importing, notices
from domain.intake.importing import ImportPreview, ImportSummary
from domain.model import Person, RowError
from domain.people.commands import may_coordinate
from domain.texts import Html, clean_input, excerpt, split_message, text, unescaped
from domain.work import reporting
from handlers import progress
from handlers.callback_data import ImportCancel, ImportConfirm
from handlers.common import caller, is_private, language_of, reply

MAX_LISTED_ERRORS = 30
MAX_LISTED = 12


def is_spreadsheet(document: Document) -> bool:
    """Tell whether a document looks like a workbook by its name or type."""
    name = (document.file_name or "").lower()
    mime = document.mime_type or ""
    return name.endswith(filetypes.SPREADSHEETS) or "spreadsheet" in mime or "excel" in mime


async def on_document(update: Update, context: BotContext) -> None:
    """A coordinator's workbook is an import; anyone else's file is evidence for a report."""
    person = await caller(update, context)
    message = update.effective_message
    assert message is not None
    assert message.document is not None
    # A file sent as a reply (to a task prompt or an acknowledgement) is always evidence.
    if not may_coordinate(person) or not is_private(update) or message.reply_to_message:
        await progress.on_message(update, context)
        return
    services = context.bot_data
    lang = language_of(person, services)
    document = message.document
    if not is_spreadsheet(document):
        await _on_notice(update, context, person, document)
        return
    data = await _download(update, context, document, lang)
    if data is None:
        return
    file_name = document.file_name or "workbook.xlsx"
    try:
        preview = await importing.stage_import(
            uow=services.uow(),
            clock=services.clock,
            coordinator=person,
            data=data,
            file_name=file_name,
            campaign_name=clean_input(message.caption or "").strip() or None,
            rules=services.rhythm.policy.milestones,
            work=services.rhythm.policy.calendar,
        )
    except WorkbookRejected as rejected:
        await _send_errors(update, rejected.errors, data, file_name, lang)
        return
    parts = split_message(_preview_text(preview, file_name, lang))
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        await message.reply_text(
            part, reply_markup=_preview_keyboard(preview, lang) if last else None
        )


async def _download(
    update: Update, context: BotContext, document: Document, lang: str
) -> bytes | None:
    limit = context.bot_data.settings.max_download_bytes
    if document.file_size is not None and document.file_size > limit:
        size = f"{document.file_size / 1024 / 1024:.1f}"
        await reply(update, text("import.too_big", lang, size=size, limit=limit // 1024 // 1024))
        return None
    telegram_file = await document.get_file()
    return bytes(await telegram_file.download_as_bytearray())


async def _on_notice(
    update: Update, context: BotContext, person: Person, document: Document
) -> None:
    """A coordinator's notice: answer with its outline and the pre-filled import workbook."""
    services = context.bot_data
    lang = language_of(person, services)
    name = document.file_name or "notice"
    # PDFs are also evidence: a coordinator with open tasks of their own is reporting.
    if name.lower().endswith(".pdf") and await reporting.open_tasks_of(
        uow=services.uow(), person=person
    ):
        await progress.on_message(update, context)
        return
    data = await _download(update, context, document, lang)
    if data is None:
        return
    # Parsing a long document is CPU work: keep the event loop free for other chats.
    parsed = await asyncio.to_thread(
        notices.parse_for_import, person=person, data=data, file_name=name
    )
    await reply(update, _outline_text(parsed, lang))
    if not parsed.outline.problems:
        return
    assert update.effective_chat is not None
    stem = name.rsplit(".", 1)[0] or "notice"
    await update.effective_chat.send_document(
        InputFile(parsed.workbook, filename=f"{stem}-整改任务导入表.xlsx"),
        caption=text("notice.workbook", lang),
    )


def _outline_text(parsed: notices.ParsedNotice, lang: str) -> str:
    outline = parsed.outline
    if not outline.problems:
        return text("notice.nothing", lang, lines=len(outline.not_understood))
    categories = "\n".join(
        text("import.count_line", lang, name=excerpt(c, 40), count=n) for c, n in parsed.by_category
    )
    first = "\n".join(
        text("notice.item", lang, n=i, title=excerpt(p.title, 60), measures=len(p.measures))
        for i, p in enumerate(outline.problems[:MAX_LISTED], start=1)
    )
    unplaced = "\n".join(
        text("notice.unplaced_line", lang, line=u.line, text=excerpt(u.text, 60))
        for u in outline.not_understood[:5]
    )
    return text(
        "notice.outline",
        lang,
        problems=len(outline.problems),
        measures=parsed.measures,
        categories=Html(categories),
        first=Html(first),
        stats=Html(
            text("notice.stats", lang, sentence=outline.stats_sentence)
            if outline.stats_sentence
            else ""
        ),
        unplaced=Html(
            text("notice.unplaced", lang, count=len(outline.not_understood), lines=Html(unplaced))
            if outline.not_understood
            else ""
        ),
    )


async def confirm(update: Update, context: BotContext, payload: ImportConfirm) -> None:
    """Write the staged workbook and replace the preview with what was done.

    The preview says "importing" first: a big file takes seconds, and a second press on a
    preview still showing its buttons would only be refused.
    """
    person = await caller(update, context)
    services = context.bot_data
    query = update.callback_query
    assert query is not None
    await importing.check_confirmable(
        uow=services.uow(), clock=services.clock, coordinator=person, staged_id=payload.staged_id
    )
    await query.answer()
    await query.edit_message_text(text("import.working", language_of(person, services)))
    try:
        summary = await importing.confirm_import(
            uow=services.uow(),
            clock=services.clock,
            coordinator=person,
            staged_id=payload.staged_id,
        )
    except WorkbookRejected as rejected:  # the people list changed since the preview
        await query.edit_message_text(text("import.not_done", language_of(person, services)))
        await _send_errors(update, rejected.errors, None, "", language_of(person, services))
        return
    except Exception:
        await query.edit_message_text(text("import.not_done", language_of(person, services)))
        raise  # the error handler says why
    await query.edit_message_text(_done_text(summary, language_of(person, services)))


async def cancel(update: Update, context: BotContext, payload: ImportCancel) -> None:
    """Drop the staged workbook."""
    person = await caller(update, context)
    services = context.bot_data
    await importing.cancel_import(
        uow=services.uow(), clock=services.clock, coordinator=person, staged_id=payload.staged_id
    )
    query = update.callback_query
    assert query is not None
    await query.answer()
    await query.edit_message_text(text("import.cancelled", language_of(person, services)))


async def _send_errors(
    update: Update, errors: Sequence[RowError], data: bytes | None, file_name: str, lang: str
) -> None:
    lines = [
        text(
            "import.error_line",
            lang,
            where=Html(_where(e, lang)),
            reason=Html(e.reason.render(lang)),
        )
        for e in errors[:MAX_LISTED_ERRORS]
    ]
    if len(errors) > MAX_LISTED_ERRORS:
        lines.append(text("import.error_more", lang, count=len(errors) - MAX_LISTED_ERRORS))
    body = text("import.rejected", lang, count=len(errors), lines=Html("\n".join(lines)))
    await reply(update, body)
    from domain.intake.workbook_marks import mark_errors  # openpyxl loads with the first upload

    marked = await asyncio.to_thread(mark_errors, data, errors, lang) if data is not None else None
    if marked is not None:
        assert update.effective_chat is not None
        stem = file_name.rsplit(".", 1)[0] or "workbook"
        await update.effective_chat.send_document(
            InputFile(marked, filename=unescaped("import.marked_file", lang, stem=stem)),
            caption=text("import.marked", lang),
        )


def _where(error: RowError, lang: str) -> str:
    """Where in the workbook, in the reader's words (sheet and column keep their own names)."""
    parts = [
        text("import.where_sheet", lang, sheet=error.sheet)
        if error.sheet
        else text("import.where_file", lang)
    ]
    if error.row is not None:
        parts.append(text("import.where_row", lang, row=error.row))
    if error.column:
        parts.append(text("import.where_column", lang, column=error.column))
    return " ".join(parts)


def _listed(values: Sequence[str], lang: str) -> str:
    shown = "、".join(values[:MAX_LISTED])
    if len(values) > MAX_LISTED:
        shown += text("import.more", lang, count=len(values))
    return shown


def _counts(pairs: Sequence[tuple[str, int]], lang: str) -> str:
    lines = [text("import.count_line", lang, name=n, count=c) for n, c in pairs[:MAX_LISTED]]
    if len(pairs) > MAX_LISTED:
        lines.append("  " + text("import.more", lang, count=len(pairs)))
    return "\n".join(lines)


def _preview_text(preview: ImportPreview, file_name: str, lang: str) -> str:
    changed = (
        text("import.changed_list", lang, numbers=_listed(preview.changed, lang))
        if preview.changed
        else ""
    )
    removed = (
        text(
            "import.removed",
            lang,
            count=len(preview.removed),
            numbers=_listed(preview.removed, lang),
        )
        if preview.removed
        else ""
    )
    if preview.people_changed:
        removed += text(
            "import.people_changed",
            lang,
            count=len(preview.people_changed),
            changes=Html(
                "\n".join(f"  {c.render(lang)}" for c in preview.people_changed[:MAX_LISTED])
            ),
        )
    if preview.new_units:
        removed += text(
            "import.new_units",
            lang,
            count=len(preview.new_units),
            units=_listed(preview.new_units, lang),
        )
    removed += _round_lines(preview, lang)
    kinds = [(text(f"kind.{k.value}", lang), n) for k, n in preview.by_kind]
    return text(
        "import.preview",
        lang,
        file=file_name,
        campaign=preview.campaign,
        new_campaign=text("import.new_campaign", lang) if preview.campaign_new else "",
        tasks=preview.tasks,
        problems=preview.problems,
        new=preview.new,
        changed=len(preview.changed),
        unchanged=preview.unchanged,
        people=preview.people_new,
        changed_list=Html(changed),
        removed=Html(removed),
        units=Html(_counts(preview.by_unit, lang)),
        kinds=Html(_counts(kinds, lang)),
        leads=Html(_counts(preview.by_lead, lang)),
    )


def _round_lines(preview: ImportPreview, lang: str) -> str:
    """The 轮次 sheet's values, and 立行立改 measures due beyond their month."""
    lines = ""
    info = preview.round
    if info is not None:
        items = [
            text(f"import.round_{name}", lang, value=shown)
            for name, shown in (
                ("source", text(f"source.{info.source.value}", lang) if info.source else None),
                ("feedback", info.feedback_on),
                ("plan", info.plan_due),
                ("report", info.report_due),
            )
            if shown is not None
        ]
        if items:
            lines += text("import.round", lang, items=Html("；".join(items)))
    if preview.immediate_late and preview.immediate_by is not None:
        lines += text(
            "import.immediate_late",
            lang,
            count=len(preview.immediate_late),
            due=preview.immediate_by.isoformat(),
            numbers=_listed(preview.immediate_late, lang),
        )
    return lines


def _preview_keyboard(preview: ImportPreview, lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    text("import.confirm", lang),
                    callback_data=ImportConfirm(preview.staged_id).encode(),
                ),
                InlineKeyboardButton(
                    text("import.cancel", lang),
                    callback_data=ImportCancel(preview.staged_id).encode(),
                ),
            ]
        ]
    )


def _done_text(summary: ImportSummary, lang: str) -> str:
    removed = (
        text(
            "import.removed",
            lang,
            count=len(summary.removed),
            numbers=_listed(summary.removed, lang),
        )
        if summary.removed
        else ""
    )
    return text(
        "import.done",
        lang,
        campaign=summary.campaign,
        new_campaign=text("import.new_campaign", lang) if summary.campaign_created else "",
        added=summary.tasks_added,
        updated=summary.tasks_updated,
        people=summary.people_added,
        problems=summary.problems,
        removed=Html(removed),
    )
