"""The one error handler: domain refusals become friendly replies, the rest is logged first."""

from __future__ import annotations

import html
import logging
import re

from telegram import Update
from telegram.error import TelegramError

from bot.context import BotContext
from domain.errors import DomainError, NotRegistered
from domain.people import accounts
from domain.texts import CATALOGUE, text

log = logging.getLogger(__name__)
_TAGS = re.compile(r"<[^>]+>")


async def on_error(update: object, context: BotContext) -> None:
    """Answer the user; log anything that is not a domain refusal with its traceback."""
    error = context.error
    if not isinstance(error, DomainError):
        log.error("unhandled error while processing %r", update, exc_info=error)
    if not isinstance(update, Update):
        return
    lang = await _language(update, context)
    if isinstance(error, DomainError):
        body = text(error.key, lang, **_readable(error, lang))
    else:
        body = text("error.generic", lang)
    try:
        await _tell(update, body)
    except TelegramError as exc:
        log.warning("could not send the error reply: %s", exc)


def _readable(error: DomainError, lang: str) -> dict[str, object]:
    params = dict(error.params)
    for name, prefix in (("status", "status"), ("outcome", "outcome")):
        value = params.get(name)
        if isinstance(value, str) and f"{prefix}.{value}" in CATALOGUE:
            params[name] = text(f"{prefix}.{value}", lang)
    return params


async def _language(update: Update, context: BotContext) -> str:
    services = context.bot_data
    user = update.effective_user
    if user is not None:
        try:
            person = await accounts.identify(uow=services.uow(), telegram_user_id=user.id)
        except NotRegistered:
            person = None
        except Exception:  # the database itself may be what failed
            person = None
        if person is not None and person.language:
            return person.language
    return services.settings.default_language


async def _tell(update: Update, body: str) -> None:
    if update.callback_query is not None:
        plain = html.unescape(_TAGS.sub("", body))
        try:
            await update.callback_query.answer(plain[:200], show_alert=True)
            return
        except TelegramError:  # the handler had already answered: say it in the chat instead
            log.info("callback already answered; sending the error as a message")
    if update.effective_chat is not None:
        await update.effective_chat.send_message(body)
