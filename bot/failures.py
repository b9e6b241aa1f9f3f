"""What an operator reads when the bot cannot start: one sentence naming the setting and the fix."""

from __future__ import annotations

from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, TimedOut

from config.settings import DEFAULT_API_BASE_URL

CHINA = (
    "Telegram is not reachable from mainland China without a proxy (HTTPS_PROXY) or a self-hosted "
    "Bot API server abroad (TELEGRAM_API_BASE_URL); see the README's production section"
)


def telegram_failure(exc: BaseException, api_base_url: str) -> str | None:
    """Explain a failed call to the Bot API at start; None when it is not about reaching it."""
    if isinstance(exc, InvalidToken):
        other = (
            ""
            if api_base_url == DEFAULT_API_BASE_URL
            else f", or {api_base_url} is not a Bot API server (TELEGRAM_API_BASE_URL)"
        )
        return (
            f"TELEGRAM_BOT_TOKEN was refused by the Bot API at {api_base_url}{other}; "
            "copy the token again from @BotFather (the whole 123456:ABC… string)."
        )
    if isinstance(exc, TimedOut):
        return f"The Bot API at {api_base_url} did not answer in time. {CHINA}."
    if isinstance(exc, NetworkError) and not isinstance(exc, BadRequest | Forbidden):
        return f"Cannot reach the Bot API at {api_base_url} ({exc.message}). {CHINA}."
    return None
