"""register(app): the one ordered list of handlers."""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.context import BotApp, BotContext
from domain.intake import filetypes
from domain.texts import text
from handlers import (
    board,
    callbacks,
    changes,
    desk,
    errors,
    extensions,
    grading,
    language,
    lookback,
    membership,
    milestones,
    progress,
    queries,
    records,
    start,
    tasks,
    uploads,
)
from handlers.common import caller, language_of, reply

PRIVATE = filters.ChatType.PRIVATE
# Workbooks and notices by name: a coordinator's are imports and notices to parse, anyone
# else's (or a reply) are evidence; uploads.on_document decides.
DESK_FILES: filters.BaseFilter = filters.Document.FileExtension(filetypes.DESK_FILES[0][1:])
for _extension in filetypes.DESK_FILES[1:]:
    DESK_FILES = DESK_FILES | filters.Document.FileExtension(_extension[1:])
REPORT_CONTENT = (
    filters.TEXT | filters.PHOTO | filters.Document.ALL | filters.VIDEO | filters.AUDIO
) & ~filters.COMMAND


async def private_only(update: Update, context: BotContext) -> None:
    """Tell a group that this command is for private chats."""
    await reply(update, text("error.group_private", context.bot_data.settings.default_language))


async def unknown_command(update: Update, context: BotContext) -> None:
    """Answer a command the bot does not have."""
    person = await caller(update, context)
    await reply(update, text("error.unknown_command", language_of(person, context.bot_data)))


async def unsupported(update: Update, context: BotContext) -> None:
    """Answer stickers, voice notes and the like: ask for text or files."""
    person = await caller(update, context)
    await reply(update, text("error.unsupported_content", language_of(person, context.bot_data)))


def register(app: BotApp) -> None:
    """Add every handler in order: commands, buttons, edits, reports, then fallbacks."""
    # Group -1 runs first: it opens the update's bookkeeping.
    app.add_handler(TypeHandler(Update, membership.begin), group=-1)
    app.add_handlers(
        [
            # Binding and menus; /start with a code only in private, never in a group.
            CommandHandler("start", start.start, PRIVATE),
            CommandHandler("help", start.help_command),
            CommandHandler("mytasks", tasks.my_tasks),
            CommandHandler("board", board.board),
            CommandHandler("template", desk.template),
            CommandHandler("invite", desk.invite),
            CommandHandler("invites", desk.invites),
            CommandHandler("campaign", queries.campaign),
            CommandHandler("milestone", milestones.milestone),
            CommandHandler("lookback", lookback.lookback),
            CommandHandler("grade", grading.grade),
            CommandHandler("status", queries.status),
            CommandHandler("person", queries.person_tasks),
            CommandHandler("task", queries.task),
            CommandHandler("history", queries.history),
            CommandHandler("overdue", queries.overdue),
            CommandHandler("silent", queries.silent),
            CommandHandler("pending", queries.pending),
            CommandHandler("extend", extensions.extend),
            CommandHandler("reassign", changes.reassign),
            CommandHandler("deactivate", changes.deactivate),
            CommandHandler("remind", changes.remind),
            CommandHandler("export", records.export),
            CommandHandler("report", records.report),
            CommandHandler("dossier", records.dossier),
            CommandHandler("language", language.language, PRIVATE),
            CommandHandler(["start", "language"], private_only, ~PRIVATE),
            ChatMemberHandler(membership.my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER),
            CallbackQueryHandler(callbacks.on_callback),
            # Edits before new messages: an edit is never a second report.
            MessageHandler(
                PRIVATE & filters.UpdateType.EDITED_MESSAGE & (filters.TEXT | filters.CAPTION),
                progress.on_edit,
            ),
            MessageHandler(PRIVATE & filters.UpdateType.MESSAGE & DESK_FILES, uploads.on_document),
            MessageHandler(
                PRIVATE & filters.UpdateType.MESSAGE & REPORT_CONTENT, progress.on_message
            ),
            MessageHandler(PRIVATE & filters.UpdateType.MESSAGE & filters.COMMAND, unknown_command),
            MessageHandler(PRIVATE & filters.UpdateType.MESSAGE, unsupported),
        ]
    )
    # Last: mark the update handled (it runs after an error in an earlier group, too).
    app.add_handler(TypeHandler(Update, membership.done), group=99)
    app.add_error_handler(errors.on_error)
