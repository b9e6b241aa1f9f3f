"""Composition root: settings → storage, services, handlers → the PTB Application."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import cast

from sqlalchemy.engine import make_url
from telegram import BotCommand, BotCommandScopeDefault
from telegram.constants import ParseMode
from telegram.ext import Application as PtbApplication
from telegram.ext import ApplicationBuilder, ContextTypes, Defaults

from bot.clock import SystemClock
from bot.context import BotApp, Services
from bot.files import TelegramFileFetcher
from config.settings import Settings
from domain.commands import commands_for
from domain.lights import LightPolicy
from domain.ports import Clock, UnitOfWork
from domain.texts import text
from storage.database import make_engine, make_session_factory
from storage.uow import SqlUnitOfWork

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Wiring:
    """Overrides for tests and the demo (the simulator's URLs, a manual clock)."""

    base_url: str | None = None
    base_file_url: str | None = None
    clock: Clock | None = None


def build_application(settings: Settings, wiring: Wiring | None = None) -> BotApp:
    """Build the Application with storage, services and handlers wired in."""
    from handlers import register  # the one place that imports handlers

    wiring = wiring or Wiring()
    token = settings.require_token()
    engine = make_engine(settings.effective_database_url)
    factory = make_session_factory(engine)

    def new_uow() -> UnitOfWork:
        return SqlUnitOfWork(factory)

    api = settings.telegram_api_base_url
    builder = (
        ApplicationBuilder()
        .token(token)
        .base_url(wiring.base_url or f"{api}/bot")
        .base_file_url(wiring.base_file_url or f"{api}/file/bot")
        .defaults(Defaults(parse_mode=ParseMode.HTML, tzinfo=settings.tz))
        # bot_data is replaced by the Services object below; PTB insists on a no-arg type.
        .context_types(ContextTypes(bot_data=dict))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    app = cast(BotApp, builder.build())
    limit = None if settings.uses_local_bot_api else settings.max_download_bytes
    app.bot_data = Services(
        settings=settings,
        clock=wiring.clock or SystemClock(),
        uow=new_uow,
        policy=LightPolicy(tz=settings.tz),
        files=TelegramFileFetcher(settings.data_dir / "evidence", limit),
        admin_ids=settings.admin_telegram_ids,
        close=engine.dispose,
    )
    register(app)
    return app


async def _post_init(app: PtbApplication) -> None:  # type: ignore[type-arg]
    """Learn our username and set the menu strangers see, in both languages."""
    services = cast(Services, app.bot_data)
    me = app.bot.username
    log.info("rectibot started as @%s (database %s)", me, _safe_url(services))
    for lang in ("zh", "en"):
        commands = [BotCommand(n, text(f"cmd.{n}", lang)) for n in commands_for(None)]
        await app.bot.set_my_commands(
            commands, scope=BotCommandScopeDefault(), language_code=None if lang == "zh" else lang
        )


async def _post_shutdown(app: PtbApplication) -> None:  # type: ignore[type-arg]
    """Close the database pool."""
    await cast(Services, app.bot_data).close()


def _safe_url(services: Services) -> str:
    return make_url(services.settings.effective_database_url).render_as_string(hide_password=True)
