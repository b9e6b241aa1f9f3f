"""`rectibot doctor`: check settings, database, token, webhook and holiday calendar; report briefly.

Every line is ✓ (fine), ! (works, but look) or ✗ (the bot cannot run this way), with the fix in
the same sentence. Nothing is changed: the schema is read, not upgraded; the webhook is read,
not removed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from telegram import Bot
from telegram.error import TelegramError

from bot.app import grade_rule, milestone_rules, work_calendar
from bot.failures import telegram_failure
from bot.telegram_http import AiohttpRequest
from config.settings import ConfigError, Settings
from domain.model import CampaignSource
from domain.rhythm.milestones import Limit, Milestone
from storage.database import describe_failure
from storage.migrate import current_revision, head_revision

OK, LOOK, BAD = "✓", "!", "✗"


@dataclass(frozen=True, slots=True)
class Finding:
    """One line of the report."""

    mark: str
    subject: str
    detail: str

    def __str__(self) -> str:
        return f"{self.mark} {self.subject}: {self.detail}"


def examine(settings: Settings) -> list[Finding]:
    """Run every check; the report in order."""
    return [
        _settings(settings),
        _admins(settings),
        _calendar(settings),
        _round_rules(settings),
        _database(settings),
        *asyncio.run(_telegram(settings)),
    ]


def _settings(settings: Settings) -> Finding:
    mode = "webhook" if settings.telegram_webhook_url else "long polling"
    return Finding(
        OK,
        "settings",
        f"read; time zone {settings.timezone}, language {settings.default_language}, "
        f"Bot API {settings.telegram_api_base_url}, {mode}",
    )


def _admins(settings: Settings) -> Finding:
    if not settings.admin_telegram_ids:
        return Finding(
            LOOK,
            "administrators",
            "ADMIN_TELEGRAM_IDS is empty, so nobody can import or invite from the chat; "
            "send /start to the bot to learn your number and put it there",
        )
    return Finding(
        OK, "administrators", f"{len(settings.admin_telegram_ids)} in ADMIN_TELEGRAM_IDS"
    )


def _calendar(settings: Settings, now: datetime | None = None) -> Finding:
    try:
        calendar = work_calendar(settings)
    except ConfigError as exc:
        return Finding(BAD, "holiday calendar", str(exc))
    year = (now or datetime.now(settings.tz)).year
    missing = calendar.years_without_data([year, year + 1])
    if not missing:
        return Finding(OK, "holiday calendar", f"official notices for {year} and {year + 1}")
    listed = " and ".join(str(y) for y in missing)
    return Finding(
        LOOK,
        "holiday calendar",
        f"no official holiday notice for {listed} yet, so its holidays are estimated from the "
        "law and swapped working days are unknown; when the State Council publishes it, put "
        "it in HOLIDAY_OVERRIDES_FILE (see the README)",
    )


def _round_rules(settings: Settings) -> Finding:
    """The plan's and report's time limits and the grading rule, as the bot will apply them."""
    try:
        milestones = milestone_rules(settings)
        grades = grade_rule(settings)
    except ConfigError as exc:
        return Finding(BAD, "round rules", str(exc))
    inspection = milestones.by_source[CampaignSource.INSPECTION]
    audit = milestones.by_source[CampaignSource.AUDIT]
    return Finding(
        OK,
        "round rules",
        f"plan/report {_limits(inspection)} after an inspection's feedback, {_limits(audit)} "
        f"after an audit; grade A when {', '.join(map(str, grades.a)) or 'always'}, "
        f"B when {', '.join(map(str, grades.b)) or 'always'}",
    )


def _limits(limits: Mapping[Milestone, Limit]) -> str:
    return f"{limits[Milestone.PLAN]}/{limits[Milestone.REPORT]}"


def _database(settings: Settings) -> Finding:
    url = settings.effective_database_url
    parsed = make_url(url)
    where = parsed.render_as_string(hide_password=True)
    if parsed.get_backend_name() == "sqlite" and not Path(parsed.database or "").exists():
        return Finding(
            LOOK, "database", f"{parsed.database} does not exist yet; the bot creates it"
        )
    try:
        current = asyncio.run(current_revision(url))
    except (OSError, DBAPIError) as exc:
        return Finding(BAD, "database", describe_failure(exc, url) or f"{where}: {exc}")
    head = head_revision()
    if current == head:
        return Finding(OK, "database", f"{where} answers; schema {current} (current)")
    state = "empty" if current is None else f"at schema {current}, the code needs {head}"
    return Finding(
        LOOK,
        "database",
        f"{where} answers but is {state}; `rectibot db upgrade` (or the bot's start) upgrades it",
    )


async def _telegram(settings: Settings) -> list[Finding]:
    if settings.telegram_bot_token is None:
        return [
            Finding(BAD, "token", "TELEGRAM_BOT_TOKEN is not set: put it in .env (from @BotFather)")
        ]
    try:
        token = settings.require_token()
    except ConfigError as exc:
        return [Finding(BAD, "token", str(exc))]
    api = settings.telegram_api_base_url
    try:
        # The bot's own client, so the check takes the route (and proxy) the bot will take.
        request = AiohttpRequest()
        async with Bot(
            token, base_url=f"{api}/bot", base_file_url=f"{api}/file/bot", request=request
        ) as bot:
            found = [Finding(OK, "token", f"accepted: the bot is @{bot.username}")]
            info = await bot.get_webhook_info()
    except TelegramError as exc:
        return [Finding(BAD, "token", telegram_failure(exc, api) or str(exc))]
    return [
        *found,
        _webhook(
            settings.telegram_webhook_url,
            info.url,
            info.pending_update_count,
            info.last_error_message,
        ),
    ]


def _webhook(wanted: str, url: str, pending: int, last_error: str | None) -> Finding:
    error = f"; Telegram's last error: {last_error}" if last_error else ""
    if wanted:  # webhook mode
        if url == wanted:
            mark = LOOK if last_error else OK
            return Finding(mark, "webhook", f"{url}, {pending} update(s) waiting{error}")
        now = f"set to {url}" if url else "not set yet"
        return Finding(LOOK, "webhook", f"{now}; the bot sets {wanted} when it starts")
    if not url:
        return Finding(OK, "webhook", f"none (long polling); {pending} update(s) waiting")
    return Finding(
        LOOK,
        "webhook",
        f"set to {url} while this bot polls{error}; starting the bot removes it (a service "
        "still using this token that way would stop receiving updates)",
    )
