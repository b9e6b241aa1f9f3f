"""The HTTP client the bot talks to Telegram with: aiohttp, through PTB's request interface.

PTB's default client (httpx over httpcore and anyio) is pure Python; its cost per call grows with
the calls in flight (the pool checks every idle connection per request). Under a burst, when
dozens of acknowledgements go out at once, that cost was about a third of the bot's CPU.
aiohttp, already installed for the webhook listener, parses HTTP in C. PTB supports replacing
its client (`telegram.request.BaseRequest`); this one keeps PTB's contract: default timeouts
overridable per call, form-encoded parameters, multipart when files go up, `TimedOut` on a
timeout and `NetworkError` on any other transport failure.
"""

from __future__ import annotations

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData


class AiohttpRequest(BaseRequest):
    """`telegram.request.BaseRequest` over one aiohttp session."""

    def __init__(
        self,
        connection_pool_size: int = 256,
        *,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._media_write_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        """The default read timeout (PTB adds it to a long poll's own timeout)."""
        return self._read_timeout

    async def initialize(self) -> None:
        """Open the session (again, after a shutdown)."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                headers={"User-Agent": self.USER_AGENT},
                trust_env=True,  # HTTPS_PROXY / HTTP_PROXY / NO_PROXY, as httpx honoured them
            )

    async def shutdown(self) -> None:
        """Close the session and its connections."""
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Make one call; return the status and the body (PTB reads Telegram's answer)."""
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data else None
        timeout = aiohttp.ClientTimeout(
            total=None,
            # Waiting for a free connection, then connecting: PTB's pool and connect timeouts.
            connect=_add(
                _value(pool_timeout, self._pool_timeout),
                _value(connect_timeout, self._connect_timeout),
            ),
            sock_connect=_value(connect_timeout, self._connect_timeout),
            # aiohttp has no write timeout of its own: the wait for the answer covers the upload.
            sock_read=_add(
                _value(read_timeout, self._read_timeout),
                _value(write_timeout, self._media_write_timeout if files else self._write_timeout),
            ),
        )
        try:
            async with self._session.request(
                method, url, data=_body(request_data), timeout=timeout
            ) as response:
                return response.status, await response.read()
        except TimeoutError as err:
            raise TimedOut from err
        except aiohttp.ClientError as err:
            raise NetworkError(f"aiohttp.{err.__class__.__name__}: {err}") from err


def _value(given: ODVInput[float], default: float | None) -> float | None:
    return default if isinstance(given, DefaultValue) else given


def _add(first: float | None, second: float | None) -> float | None:
    return None if first is None or second is None else first + second


def _body(request_data: RequestData | None) -> aiohttp.FormData | dict[str, str] | None:
    """Form fields with JSON-encoded values, as Telegram takes them; multipart with files."""
    if request_data is None:
        return None
    fields = request_data.json_parameters
    files = request_data.multipart_data
    if not files:
        return fields
    # File names as UTF-8 (as httpx and browsers send them), not percent-encoded: Telegram
    # would show "%E6%95%B4…" for 整改台账.xlsx.
    form = aiohttp.FormData(quote_fields=False)
    for name, value in fields.items():
        form.add_field(name, value)
    for name, (filename, content, mime_type) in files.items():
        form.add_field(name, content, filename=filename, content_type=mime_type)
    return form
