"""The HTTP listener (HTTP_LISTEN): /healthz and /metrics always, Telegram's webhook in webhook mode.

A webhook update is answered 200 only once the durable intake has stored it, so Telegram keeps
retrying what a failing database could not take; a request without the secret header Telegram
was given is refused (403) before anything is read.
"""

from __future__ import annotations

import hmac
import json
import logging
from typing import Any

from aiohttp import web
from telegram import Update

from bot.context import BotApp
from bot.metrics import Sent, exposition
from domain import health

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_UPDATE_BYTES = 1024 * 1024  # an update is a few KB; anything bigger is not from Telegram


class ListenerUnavailable(Exception):
    """The listener's address is taken or not allowed; the message names HTTP_LISTEN."""


class HttpListener:
    """An aiohttp server bound to one address, living as long as the bot."""

    def __init__(
        self, app: BotApp, host: str, port: int, webhook: tuple[str, str] | None = None
    ) -> None:
        """`webhook` is (path, secret) in webhook mode."""
        self._app, self._host, self._port = app, host, port
        self._webhook = webhook
        self._runner: web.AppRunner | None = None
        self.port = port  # the bound port once started (useful with port 0)

    async def start(self) -> None:
        """Bind and serve."""
        server = web.Application(client_max_size=MAX_UPDATE_BYTES)
        server.router.add_get("/healthz", self._healthz)
        server.router.add_get("/metrics", self._metrics)
        if self._webhook is not None:
            server.router.add_post(self._webhook[0], self._update)
        self._runner = web.AppRunner(server, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._host, self._port)
        try:
            await site.start()
        except OSError as exc:
            await self._runner.cleanup()
            raise ListenerUnavailable(
                f"HTTP_LISTEN {self._host}:{self._port} cannot be used ({exc.strerror or exc}); "
                "choose a free port, or HTTP_LISTEN=off when polling"
            ) from None
        if self._runner.addresses:
            self.port = int(self._runner.addresses[0][1])
        log.info("health and metrics on http://%s:%d/healthz and /metrics", self._host, self.port)

    async def stop(self) -> None:
        """Stop serving (open requests finish first)."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _state(self) -> health.ServiceState | None:
        services = self._app.bot_data
        try:
            return await health.service_state(uow=services.uow(), clock=services.clock)
        except Exception:  # the page says the database is down; the log says why
            log.exception("health check: the database did not answer")
            return None

    async def _healthz(self, _request: web.Request) -> web.Response:
        state = await self._state()
        if state is None:
            return web.json_response({"status": "unhealthy", "database": "down"}, status=503)
        age = state.tick_age
        body: dict[str, Any] = {
            "status": "degraded" if state.tick_stale else "ok",
            "database": "ok",
            "last_tick_age_seconds": None if age is None else round(age.total_seconds(), 1),
            "outbox_waiting": state.backlog.waiting,
        }
        return web.json_response(body)  # a stale tick is not this replica's fault: still 200

    async def _metrics(self, _request: web.Request) -> web.Response:
        services = self._app.bot_data
        stats = services.rhythm.sender.stats
        sent = Sent(stats.messages, stats.failed, stats.rate_limited, stats.unreachable)
        page = exposition(services.metrics, sent, await self._state())
        return web.Response(text=page, content_type="text/plain", charset="utf-8",
                            headers={"X-Content-Type-Options": "nosniff"})  # fmt: skip

    async def _update(self, request: web.Request) -> web.Response:
        assert self._webhook is not None
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self._webhook[1].encode()):
            log.warning("webhook: a request without the right secret was refused")
            return web.Response(status=403, text="forbidden")
        try:
            payload = json.loads(await request.read())
            update = Update.de_json(payload, self._app.bot)
        except (ValueError, TypeError, KeyError):
            return web.Response(status=400, text="not a Telegram update")
        if update is None:
            return web.Response(status=400, text="not a Telegram update")
        try:
            await self._app.update_queue.put(update)  # stored before it is queued
        except Exception:  # Telegram retries a non-2xx answer later: nothing is lost
            log.exception("webhook: update %s could not be stored", update.update_id)
            return web.Response(status=500, text="try again")
        return web.Response(text="ok")
