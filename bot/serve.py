"""Run the bot until SIGINT/SIGTERM: long polling or webhook, with the HTTP listener beside it.

The same steps as PTB's run_polling (initialize, post_init, start, …, post_shutdown) written out,
so that both modes share one life cycle and the listener (health, metrics, webhook) lives in it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from telegram import Update
from telegram.error import Conflict, TelegramError

from bot.context import BotApp, Lock
from bot.intake import DurableQueue
from bot.web import HttpListener
from config.settings import Settings

log = logging.getLogger(__name__)

SECOND_POLLER = (
    "another process is polling Telegram with this bot's token ({how}): stop it, or run "
    "several replicas in webhook mode (TELEGRAM_WEBHOOK_URL)"
)
# Two pollers on one token knock each other's long polls out (409): after this many in a
# row within CONFLICT_WINDOW seconds this process gives up (the other may be a deployment
# on another database, which no lock here can see).
CONFLICTS = 5
CONFLICT_WINDOW = 120.0
LOCK_CHECK = 30.0  # seconds between checks that the poller lock is still this process's


class SecondPoller(Exception):
    """Telegram refused our polling because another process polls with the same token."""


async def serve(app: BotApp, settings: Settings) -> None:
    """Run until a stop signal; raise SecondPoller if another poller holds the token."""
    stop = asyncio.Event()
    conflicts: list[float] = []
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)

    def polling_error(error: TelegramError) -> None:
        if not isinstance(error, Conflict):  # PTB retries these
            log.warning("polling: %s (retrying)", error)
            return
        now = loop.time()
        conflicts[:] = [t for t in conflicts if now - t < CONFLICT_WINDOW] + [now]
        log.warning("polling: %s", error)
        if len(conflicts) >= CONFLICTS:
            stop.set()

    poller = app.bot_data.poller
    polling = not settings.telegram_webhook_url
    if polling and poller is not None and not await poller.acquire():
        raise SecondPoller(SECOND_POLLER.format(how="it holds the database's poller lock"))
    listener = _listener(app, settings)
    lost = asyncio.Event()
    keeper: asyncio.Task[None] | None = None
    await app.initialize()
    try:
        if app.post_init is not None:
            await app.post_init(app)
        if listener is not None:
            await listener.start()
        await app.start()
        if not polling:
            await _set_webhook(app, settings)
        else:
            assert app.updater is not None  # the builder always makes one
            await app.updater.start_polling(
                allowed_updates=Update.ALL_TYPES, error_callback=polling_error
            )
            if poller is not None:
                keeper = asyncio.create_task(_keep(poller, stop, lost))
        await stop.wait()
    finally:
        if keeper is not None:
            keeper.cancel()
        await _stop(app, listener, poller if polling else None)
    if len(conflicts) >= CONFLICTS:
        raise SecondPoller(SECOND_POLLER.format(how="Telegram answered 409 Conflict"))
    if lost.is_set():
        raise SecondPoller(SECOND_POLLER.format(how="it took the poller lock during an outage"))


async def _keep(poller: Lock, stop: asyncio.Event, lost: asyncio.Event) -> None:
    """Take the poller lock again when its connection died; give up if another took it."""
    while not stop.is_set():
        await asyncio.sleep(LOCK_CHECK)
        try:
            if await poller.held() or await poller.acquire():
                continue
        except Exception:  # the database is still away: keep polling, check again later
            log.warning("the poller lock cannot be checked now; trying again")
            continue
        lost.set()
        stop.set()


def _listener(app: BotApp, settings: Settings) -> HttpListener | None:
    listen = settings.listen
    if listen is None:
        return None
    secret = settings.telegram_webhook_secret
    webhook = (
        (settings.webhook_path, secret.get_secret_value())
        if settings.telegram_webhook_url and secret is not None
        else None
    )
    return HttpListener(app, listen[0], listen[1], webhook)


async def _set_webhook(app: BotApp, settings: Settings) -> None:
    secret = settings.telegram_webhook_secret
    assert secret is not None  # settings require it with a webhook URL
    await app.bot.set_webhook(
        settings.telegram_webhook_url,
        secret_token=secret.get_secret_value(),
        allowed_updates=Update.ALL_TYPES,
    )
    log.info("webhook mode: Telegram posts updates to %s", settings.telegram_webhook_url)


async def _stop(app: BotApp, listener: HttpListener | None, poller: Lock | None) -> None:
    if app.updater is not None and app.updater.running:
        await app.updater.stop()
    if listener is not None:  # no new webhook updates once the application stops
        await listener.stop()
    if app.running:
        await app.stop()  # the updates taken are handled to the end
    if poller is not None:
        # Only now: a poller taking over earlier would replay what this one still handles.
        if isinstance(app.update_queue, DurableQueue):
            with contextlib.suppress(Exception):  # unwritten ones are swept up later
                await app.update_queue.flush()
        await poller.release()
    if app.post_stop is not None:
        await app.post_stop(app)
    await app.shutdown()
    if app.post_shutdown is not None:
        await app.post_shutdown(app)
