"""The HTTP face of the simulator and the :class:`BotApiSimulator` entry point."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from types import TracebackType
from typing import Any

from aiohttp import web

from simulator.faults import FaultRule, Faults
from simulator.limits import RateLimiter, RateLimits
from simulator.methods import ApiError, BotApiMethods, Handler, Params, UploadedFile
from simulator.state import JSON, ChatRecord, SentMessage, SimState
from simulator.users import SimChat, SimUser
from simulator.webhook import WebhookPusher

_MAX_UPLOAD = 64 * 1024 * 1024  # above Telegram's 50 MB bot upload limit


async def read_params(request: web.Request) -> Params:
    """Merge query string and a JSON, urlencoded or multipart body into :class:`Params`."""
    params = Params(dict(request.query))
    if request.content_type == "application/json":
        body = await request.json() if request.can_read_body else {}
        if not isinstance(body, dict):
            raise ApiError(400, "Bad Request: request body must be a JSON object")
        params.values.update(body)
    elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for key, value in (await request.post()).items():
            if isinstance(value, web.FileField):
                data = value.file.read()
                params.files[key] = UploadedFile(value.filename, value.content_type, data)
            else:
                params.values[key] = value.decode() if isinstance(value, bytes) else value
    return params


def _answer(status: int, body: JSON) -> web.Response:
    return web.json_response(body, status=status)


class BotApiSimulator:
    """A local Telegram Bot API server with simulated users, for tests and demos.

    With ``limits`` the server enforces Telegram's flood limits (see
    :mod:`simulator.limits`): a sending call over a limit is answered 429 with
    ``retry_after``, is not delivered, and is listed in :attr:`rate_limited`.
    """

    def __init__(
        self,
        token: str = "123456:TEST-TOKEN",
        bot_username: str = "rectibot_test_bot",
        download_limit: int = 20 * 1024 * 1024,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        limits: RateLimits | None = None,
        local_api: bool = False,
    ) -> None:
        """``local_api`` acts as a self-hosted Bot API server (http:// webhooks allowed)."""
        self.state = SimState(token, bot_username, download_limit)
        self.state.local_api = local_api
        self.webhook = WebhookPusher(self.state)
        self.faults = Faults()
        self._methods = BotApiMethods(self.state)
        self._host, self._port = host, port
        self._runner: web.AppRunner | None = None
        self._limiter = RateLimiter(limits) if limits is not None else None

    # -- lifecycle -----------------------------------------------------------------------

    async def start(self) -> None:
        """Serve on ``host`` (a free port unless one was given)."""
        app = web.Application(client_max_size=_MAX_UPLOAD)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        # Long polls are released on stop, so shutdown never has to wait long.
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        self._methods.stopping = False
        await web.TCPSite(self._runner, self._host, self._port).start()
        self._port = int(self._runner.addresses[0][1])
        self.webhook.start()

    async def stop(self) -> None:
        """Release pending long polls and shut the server down."""
        self._methods.stopping = True
        self.state.pulse.fire()
        await self.webhook.stop()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def watch_bot(self, idle: Callable[[], Awaitable[object]]) -> None:
        """Let waits on the bot know when it has handled everything (``await idle()``)."""
        self.state.bot_idle = idle

    async def wait_bot_idle(self, within: float) -> bool:
        """Wait until the watched bot took and handled every update; False after ``within`` s."""
        return await self.state.wait_settled(within)

    async def __aenter__(self) -> BotApiSimulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """Return the URL to pass to PTB's ``base_url`` (PTB appends the token)."""
        return f"http://{self._host}:{self._port}/bot"

    @property
    def base_file_url(self) -> str:
        """Return the URL to pass to PTB's ``base_file_url`` (PTB appends the token)."""
        return f"http://{self._host}:{self._port}/file/bot"

    # -- world building ------------------------------------------------------------------

    def user(
        self,
        first_name: str = "Test",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
        *,
        user_id: int | None = None,
    ) -> SimUser:
        """Create a user who has started the bot (its private chat id is the user id)."""
        user_id = user_id if user_id is not None else self.state.new_user_id()
        user: JSON = {"id": user_id, "is_bot": False, "first_name": first_name}
        optional = {"last_name": last_name, "username": username, "language_code": language_code}
        user.update({key: value for key, value in optional.items() if value is not None})
        self.state.users[user_id] = user
        self.state.chats[user_id] = ChatRecord(
            user_id, "private", username=username, first_name=first_name, last_name=last_name
        )
        return SimUser(self.state, user_id)

    def group(
        self,
        title: str = "Test group",
        members: Iterable[SimUser] = (),
        *,
        supergroup: bool = False,
        added_by: SimUser | None = None,
    ) -> SimChat:
        """Create a group (or supergroup) the bot is a member of.

        With ``added_by`` the bot gets the my_chat_member update Telegram sends when that
        user adds it (left -> member).
        """
        chat_id = self.state.new_group_id(supergroup)
        kind = "supergroup" if supergroup else "group"
        self.state.chats[chat_id] = ChatRecord(chat_id, kind, title=title)
        chat = SimChat(self.state, chat_id)
        for member in members:
            chat.add_member(member)
        if added_by is not None:
            bot = self.state.bot_user
            self.state.push_update(
                "my_chat_member",
                {
                    "chat": self.state.chats[chat_id].to_json(),
                    "from": added_by.json,
                    "date": self.state.now(),
                    "old_chat_member": {"status": "left", "user": bot},
                    "new_chat_member": {"status": "member", "user": bot},
                },
            )
        return chat

    # -- observations --------------------------------------------------------------------

    @property
    def limits(self) -> RateLimits | None:
        """Return the enforced rate limits (None: unlimited)."""
        return self._limiter.limits if self._limiter is not None else None

    @limits.setter
    def limits(self, limits: RateLimits | None) -> None:
        """Switch rate limits on, off or to new values, starting with full buckets."""
        self._limiter = RateLimiter(limits) if limits is not None else None

    @property
    def rate_limited(self) -> list[tuple[str, int | None, int]]:
        """Return (method, chat_id, retry_after) for every call refused by the rate limits.

        Injected 429 faults are not listed here (they are in ``faults.fired``).
        """
        return self.state.rate_limited

    @property
    def bot_user(self) -> JSON:
        """Return the bot's own User object (what getMe answers)."""
        return self.state.bot_user

    @property
    def sent(self) -> list[SentMessage]:
        """Return every message the bot sent, in all chats."""
        return self.state.sent

    @property
    def calls(self) -> list[tuple[str, JSON]]:
        """Return (method, params) for every API call received; uploads appear as files."""
        return self.state.calls

    @property
    def errors(self) -> list[tuple[str, JSON, str]]:
        """Return (method, params, description) for every call answered with an error."""
        return self.state.errors

    @property
    def commands(self) -> dict[tuple[Any, ...], list[tuple[str, str]]]:
        """Return commands by scope key, e.g. ("default",), ("chat", id), ("default", "zh")."""
        return self.state.commands

    @property
    def pending_updates(self) -> list[JSON]:
        """Return updates the bot has not confirmed yet."""
        return self.state.updates

    def calls_to(self, method: str) -> list[JSON]:
        """Return the params of every call to ``method``."""
        return [params for name, params in self.state.calls if name == method]

    async def wait_until(
        self,
        predicate: Callable[[], bool],
        timeout: float = 5.0,  # noqa: ASYNC109 - a deadline argument reads better in tests
    ) -> None:
        """Wait until ``predicate()`` holds after some simulator change; raise TimeoutError."""
        if not await self.state.pulse.wait_for(predicate, timeout):
            raise TimeoutError(f"condition still false after {timeout}s")

    # -- HTTP ----------------------------------------------------------------------------

    async def _handle_api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.state.token:
            return _answer(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
        requested = request.match_info["method"]
        method = self._methods.canonical(requested) or requested
        try:
            params = await read_params(request)
        except ApiError as err:
            return _answer(err.code, err.payload())
        except ValueError:
            return _answer(400, ApiError(400, "Bad Request: can't parse request").payload())
        self.state.calls.append((method, {**params.values, **params.files}))
        self.state.pulse.fire()
        handler = self._methods.handlers.get(method)
        if handler is None:
            status, body = self._refuse(method, params, ApiError(404, "Not Found"))
        elif (rule := self.faults.take(method, params.values)) is None:
            status, body = await self._respond(method, params, handler)
        elif rule.delay > 0:
            # Shielded: a client that times out closes its connection, but the real API
            # would still deliver the message, so the call must run to the end and record
            # it (a client that then retries has sent it twice, which tests can count).
            slow = self._respond_late(rule, method, params, handler)
            status, body = await asyncio.shield(slow)
        else:
            error = ApiError(rule.error_code, rule.description, rule.payload().get("parameters"))
            status, body = self._refuse(method, params, error)
        return _answer(status, body)

    async def _respond_late(
        self, rule: FaultRule, method: str, params: Params, handler: Handler
    ) -> tuple[int, JSON]:
        await self.state.pulse.wait_for(lambda: self._methods.stopping, rule.delay)
        return await self._respond(method, params, handler)

    async def _respond(self, method: str, params: Params, handler: Handler) -> tuple[int, JSON]:
        """Run ``handler`` within the rate limits; return the HTTP status and body."""
        limiter = self._limiter if self._limiter and self._limiter.counts(method) else None
        chat_id = self._limited_chat(params) if limiter else None
        try:
            if limiter is not None:
                self._acquire(limiter, method, chat_id)
            try:
                result = await handler(params)
            except BaseException:
                if limiter is not None:
                    limiter.release(chat_id)
                raise
        except (KeyError, TypeError, AttributeError, ValueError) as err:
            # Malformed nested objects (e.g. a keyboard that is not a list of rows) end up
            # here; Telegram would refuse them too, so answer 400 rather than crash.
            error = ApiError(400, f"Bad Request: malformed request: {err!r}")
        except ApiError as err:
            error = err
        else:
            return 200, {"ok": True, "result": result}
        return self._refuse(method, params, error)

    def _acquire(self, limiter: RateLimiter, method: str, chat_id: int | None) -> None:
        """Spend a send token or raise the 429 Telegram would answer."""
        retry_after = limiter.acquire(chat_id, self.state.clock())
        if retry_after is not None:
            self.state.rate_limited.append((method, chat_id, retry_after))
            raise ApiError(
                429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
            )

    def _limited_chat(self, params: Params) -> int | None:
        """Return the chat a call is counted against (None: only the overall limit)."""
        raw = params.values.get("chat_id")
        if isinstance(raw, str) and raw.startswith("@"):
            chat = self.state.chat_by_username(raw[1:])
            return chat.id if chat is not None else None
        if raw is None:
            return None
        try:
            return int(raw)
        except (TypeError, ValueError):
            return None

    def _refuse(self, method: str, params: Params, error: ApiError) -> tuple[int, JSON]:
        """Log an error answer and return its status and body."""
        self.state.errors.append((method, params.values, error.description))
        self.state.pulse.fire()
        return error.code, error.payload()

    async def _handle_file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.state.token:
            return _answer(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
        record = self.state.file_by_path(request.match_info["path"])
        if record is None or record.file_size > self.state.download_limit:
            return _answer(404, {"ok": False, "error_code": 404, "description": "Not Found"})
        content_type = record.mime_type or "application/octet-stream"
        return web.Response(body=record.content(), content_type=content_type)
