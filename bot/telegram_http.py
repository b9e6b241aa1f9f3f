"""The HTTP client the bot talks to Telegram with: aiohttp, through PTB's request interface.

PTB's default client (httpx over httpcore and anyio) is pure Python; its cost per call grows with
the calls in flight (the pool checks every idle connection per request). Under a burst, when
dozens of acknowledgements go out at once, that cost was about a third of the bot's CPU.
aiohttp, already installed for the webhook listener, parses HTTP in C. PTB supports replacing
its client (`telegram.request.BaseRequest`); this one keeps what httpx did for PTB: default
timeouts overridable per call, form-encoded parameters, multipart when files go up (file names
in UTF-8), certifi's certificates, the proxy from the environment (HTTPS_PROXY, ALL_PROXY,
NO_PROXY), no redirects, `TimedOut` on a timeout and `NetworkError` on any other failure.
"""

from __future__ import annotations

import asyncio
import re
import ssl
from urllib.parse import urlsplit
from urllib.request import getproxies, proxy_bypass

import aiohttp
import certifi
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

PROXY_SCHEMES = ("http", "https")  # what aiohttp can tunnel through (not socks)
# In a multipart file name, as httpx (and HTML5 forms) write it: a quote and control
# characters percent-encoded, everything else, Chinese included, as UTF-8.
_UNSAFE_IN_NAME = re.compile(r'["\x00-\x1a\x1c-\x1f]')


class ProxyUnusable(ValueError):
    """The environment names a proxy this client cannot use."""


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
        self._proxies: dict[str, str] = {}
        self._proxy_of: dict[tuple[str, str], str | None] = {}  # (scheme, host) -> proxy

    @property
    def read_timeout(self) -> float | None:
        """The default read timeout (PTB adds it to a long poll's own timeout)."""
        return self._read_timeout

    async def initialize(self) -> None:
        """Open the session (again, after a shutdown); read the proxy settings once."""
        if self._session is None or self._session.closed:
            self._proxies = getproxies()  # HTTPS_PROXY, ALL_PROXY, NO_PROXY, …, as httpx read them
            self._proxy_of.clear()
            context = ssl.create_default_context(cafile=certifi.where())
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size, ssl=context),
                headers={"User-Agent": self.USER_AGENT},
                trust_env=False,  # read above, once, not on every call
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
        read = _value(read_timeout, self._read_timeout)
        write = _value(write_timeout, self._media_write_timeout if files else self._write_timeout)
        connect = _value(connect_timeout, self._connect_timeout)
        pool = _value(pool_timeout, self._pool_timeout)
        timeout = aiohttp.ClientTimeout(
            total=None,
            connect=_sum(pool, connect),  # waiting for a free connection, then connecting
            sock_connect=connect,
            sock_read=read,
        )
        try:
            # aiohttp has no write timeout: the whole call is bounded instead, so a stalled
            # upload (a slow proxy) ends after at most every allowance together.
            async with asyncio.timeout(_sum(pool, connect, write, read)):
                async with self._session.request(
                    method,
                    url,
                    data=_body(request_data),
                    timeout=timeout,
                    proxy=self._proxy(url),
                    allow_redirects=False,  # a redirect would turn a POST into a bare GET
                ) as response:
                    return response.status, await response.read()
        except TimeoutError as err:
            raise TimedOut from err
        except aiohttp.ClientError as err:
            raise NetworkError(f"aiohttp.{err.__class__.__name__}: {err}") from err

    def _proxy(self, url: str) -> str | None:
        """The proxy for this URL's scheme and host, as the environment says (cached)."""
        parts = urlsplit(url)
        key = (parts.scheme, parts.hostname or "")
        if key not in self._proxy_of:
            self._proxy_of[key] = _proxy_for(self._proxies, *key)
        return self._proxy_of[key]


def _proxy_for(proxies: dict[str, str], scheme: str, host: str) -> str | None:
    proxy = proxies.get(scheme) or proxies.get("all")
    if not proxy or proxy_bypass(host):  # NO_PROXY
        return None
    if "://" not in proxy:
        proxy = "http://" + proxy  # HTTPS_PROXY=proxy:3128, as httpx takes it
    if urlsplit(proxy).scheme not in PROXY_SCHEMES:
        raise ProxyUnusable(
            f"The proxy {proxy} (from the environment) is not an http:// or https:// proxy; "
            "set HTTPS_PROXY to one, e.g. http://proxy:3128."
        )
    return proxy


def _value(given: ODVInput[float], default: float | None) -> float | None:
    return default if isinstance(given, DefaultValue) else given


def _sum(*parts: float | None) -> float | None:
    """The allowances added up; None (no limit) if any of them is None."""
    return None if any(p is None for p in parts) else sum(p for p in parts if p is not None)


def _body(request_data: RequestData | None) -> aiohttp.FormData | dict[str, str] | None:
    """Form fields with JSON-encoded values, as Telegram takes them; multipart with files."""
    if request_data is None:
        return None
    fields = request_data.json_parameters
    files = request_data.multipart_data
    if not files:
        return fields
    # Names as given (quote_fields=False): aiohttp would percent-encode every non-ASCII
    # character, and Telegram would show "%E6%95%B4…" for 整改台账.xlsx.
    form = aiohttp.FormData(quote_fields=False)
    for name, value in fields.items():
        form.add_field(name, value)
    for name, (filename, content, mime_type) in files.items():
        form.add_field(name, content, filename=_safe_name(filename), content_type=mime_type)
    return form


def _safe_name(filename: str) -> str:
    return _UNSAFE_IN_NAME.sub(lambda m: f"%{ord(m.group()):02X}", filename)
