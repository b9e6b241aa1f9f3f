"""Webhook delivery as Telegram does it: each update POSTed to the webhook URL, in order.

An update counts as delivered on a 2xx answer and is then dropped; any other answer or no
answer keeps it and it is posted again after a pause (Telegram keeps retrying for a day). The
secret given to setWebhook goes in the X-Telegram-Bot-Api-Secret-Token header. While a webhook
is set, getUpdates is refused with 409, as Telegram refuses it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json

import aiohttp

from simulator.state import SimState

RETRY_PAUSE = 0.2  # seconds between attempts (Telegram's are longer; tests need no waiting)


class WebhookPusher:
    """The background task that posts queued updates to the webhook."""

    def __init__(self, state: SimState) -> None:
        self.state = state
        self.answers: list[int] = []  # HTTP status of every attempt (0: no answer), for tests
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    def start(self) -> None:
        """Begin delivering whenever a webhook is set."""
        self._stopping = False
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        """Stop delivering (an update being posted is kept)."""
        self._stopping = True
        self.state.pulse.fire()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
            while not self._stopping:
                await self.state.pulse.wait_for(
                    lambda: (
                        self._stopping
                        or (self.state.webhook is not None and bool(self.state.updates))
                    ),
                    3600,
                )
                hook = self.state.webhook
                if self._stopping or hook is None or not self.state.updates:
                    continue
                update = self.state.updates[0]
                if await self._post(session, hook, update):
                    if self.state.updates and self.state.updates[0] is update:
                        self.state.updates.pop(0)
                    self.state.pulse.fire()
                else:
                    await asyncio.sleep(RETRY_PAUSE)

    async def _post(
        self, session: aiohttp.ClientSession, hook: dict[str, object], update: object
    ) -> bool:
        headers = {"Content-Type": "application/json"}
        secret = hook.get("secret_token")
        if secret:
            headers["X-Telegram-Bot-Api-Secret-Token"] = str(secret)
        try:
            async with session.post(
                str(hook["url"]), data=json.dumps(update), headers=headers
            ) as answer:
                self.answers.append(answer.status)
                return 200 <= answer.status < 300
        except (aiohttp.ClientError, TimeoutError):
            self.answers.append(0)
            return False
