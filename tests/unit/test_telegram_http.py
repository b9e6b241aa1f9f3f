"""The aiohttp client for PTB: what it sends, what it answers, how it fails (a local server)."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from aiohttp import BodyPartReader, web
from telegram import InputFile
from telegram.error import NetworkError, TimedOut
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.telegram_http import AiohttpRequest, ProxyUnusable


class Server:
    """A local HTTP server that records each request and answers as told."""

    def __init__(self) -> None:
        self.seen: list[dict[str, Any]] = []
        self.delay = 0.0
        self.url = ""

    async def handle(self, request: web.Request) -> web.StreamResponse:
        await asyncio.sleep(self.delay)
        if request.path.endswith("/moved"):
            raise web.HTTPFound(location="/elsewhere")
        record: dict[str, Any] = {
            "method": request.method,
            "agent": request.headers.get("User-Agent", ""),
            "type": request.content_type,
            "host": request.host,
        }
        if request.content_type == "multipart/form-data":
            async for part in await request.multipart():
                assert isinstance(part, BodyPartReader)  # flat: no nested multipart
                record[part.name or ""] = (
                    part.filename,
                    await part.read(),
                    part.headers.get("Content-Type"),
                )
        else:
            record.update(await request.post())
        self.seen.append(record)
        return web.json_response({"ok": True, "result": True}, status=200)


@pytest_asyncio.fixture
async def server() -> AsyncIterator[Server]:
    found = Server()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", found.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    found.url = f"http://127.0.0.1:{port}/bot123:abc"
    try:
        yield found
    finally:
        await runner.cleanup()


def data(**values: object) -> RequestData:
    return RequestData([RequestParameter.from_input(k, v) for k, v in values.items()])


async def test_parameters_go_as_form_fields_with_json_values(server: Server) -> None:
    request = AiohttpRequest()
    await request.initialize()
    try:
        status, body = await request.do_request(
            f"{server.url}/sendMessage",
            "POST",
            data(chat_id=42, text="已收到：进度 60%", reply_markup={"inline_keyboard": []}),
        )
    finally:
        await request.shutdown()
    assert (status, json.loads(body)) == (200, {"ok": True, "result": True})
    (seen,) = server.seen
    assert seen["type"] == "application/x-www-form-urlencoded"
    assert (seen["chat_id"], seen["text"]) == ("42", "已收到：进度 60%")
    assert json.loads(seen["reply_markup"]) == {"inline_keyboard": []}
    assert seen["agent"].startswith("python-telegram-bot")


@pytest.mark.parametrize(
    ("name", "received"),
    [
        ("整改台账.xlsx", "整改台账.xlsx"),
        ('report "final".docx', "report %22final%22.docx"),  # as httpx sends it
        ("a\\b.pdf", "a\\b.pdf"),
        ("two\nlines.pdf", "two%0Alines.pdf"),
    ],
)
async def test_a_file_goes_up_as_multipart_with_its_name_and_type(
    server: Server, name: str, received: str
) -> None:
    request = AiohttpRequest()
    await request.initialize()
    document = InputFile(b"PK\x03\x04 ledger", filename=name)
    try:
        await request.do_request(
            f"{server.url}/sendDocument", "POST", data(chat_id=7, document=document)
        )
    finally:
        await request.shutdown()
    (seen,) = server.seen
    assert seen["type"] == "multipart/form-data"
    assert seen["chat_id"][1] == b"7"
    filename, content, _ = next(v for k, v in seen.items() if isinstance(v, tuple) and v[0])
    assert (filename, content) == (received, b"PK\x03\x04 ledger")


async def test_a_slow_answer_is_a_timeout_and_the_call_may_allow_longer(server: Server) -> None:
    request = AiohttpRequest(read_timeout=0.1, write_timeout=0.0)
    await request.initialize()
    server.delay = 0.5
    try:
        with pytest.raises(TimedOut):
            await request.do_request(f"{server.url}/getMe", "POST")
        # A long poll passes its own, longer read timeout.
        status, _ = await request.do_request(f"{server.url}/getUpdates", "POST", read_timeout=2.0)
    finally:
        await request.shutdown()
    assert status == 200


async def test_nobody_listening_is_a_network_error() -> None:
    with socket.socket() as probe:  # a free port, closed again: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    request = AiohttpRequest()
    await request.initialize()
    try:
        with pytest.raises(NetworkError, match="aiohttp"):
            await request.do_request(f"http://127.0.0.1:{port}/bot1:a/getMe", "POST")
    finally:
        await request.shutdown()


async def test_it_must_be_initialized_and_can_be_again_after_shutdown(server: Server) -> None:
    request = AiohttpRequest()
    with pytest.raises(RuntimeError, match="not initialized"):
        await request.do_request(f"{server.url}/getMe", "POST")
    await request.initialize()
    await request.shutdown()
    await request.shutdown()  # twice is harmless
    with pytest.raises(RuntimeError, match="not initialized"):
        await request.do_request(f"{server.url}/getMe", "POST")
    await request.initialize()
    try:
        status, _ = await request.do_request(f"{server.url}/getMe", "POST")
    finally:
        await request.shutdown()
    assert status == 200
    assert request.read_timeout == 5.0


async def test_a_proxy_from_the_environment_is_used(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    # From mainland China the server reaches Telegram through HTTPS_PROXY (see the README).
    proxy = server.url.removesuffix("/bot123:abc")
    monkeypatch.setenv("HTTP_PROXY", proxy)
    monkeypatch.setenv("NO_PROXY", "")
    request = AiohttpRequest()
    await request.initialize()
    try:
        status, _ = await request.do_request("http://api.telegram.invalid/bot1:a/getMe", "POST")
    finally:
        await request.shutdown()
    assert status == 200
    assert [seen["host"] for seen in server.seen] == ["api.telegram.invalid"]


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "ALL_PROXY"])
async def test_no_proxy_skips_the_proxy_and_all_proxy_counts(
    server: Server, monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(variable, server.url.removesuffix("/bot123:abc"))
    monkeypatch.setenv("NO_PROXY", "api.telegram.invalid")
    request = AiohttpRequest(connect_timeout=1.0)
    await request.initialize()
    try:
        with pytest.raises(NetworkError):  # bypassed: straight to a host that does not exist
            await request.do_request("http://api.telegram.invalid/bot1:a/getMe", "POST")
        status, _ = await request.do_request("http://other.invalid/bot1:a/getMe", "POST")
    finally:
        await request.shutdown()
    assert status == 200
    assert [seen["host"] for seen in server.seen] == ["other.invalid"]


async def test_a_socks_proxy_is_refused_with_what_to_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "socks5://127.0.0.1:1080")
    monkeypatch.setenv("NO_PROXY", "")
    request = AiohttpRequest()
    await request.initialize()
    try:
        with pytest.raises(ProxyUnusable, match="set HTTPS_PROXY"):
            await request.do_request("https://api.telegram.org/bot1:a/getMe", "POST")
    finally:
        await request.shutdown()


async def test_a_redirect_is_not_followed(server: Server) -> None:
    request = AiohttpRequest()
    await request.initialize()
    try:
        status, _ = await request.do_request(f"{server.url}/moved", "POST", data(chat_id=1))
    finally:
        await request.shutdown()
    assert status == 302  # PTB then reports Telegram's odd answer; nothing is sent as a GET
    assert [seen["method"] for seen in server.seen] == []


async def test_a_stalled_upload_times_out(server: Server) -> None:
    server.delay = 2.0  # the server reads nothing for 2 s: the upload stalls in the buffers
    request = AiohttpRequest(
        read_timeout=0.2, connect_timeout=0.2, pool_timeout=0.1, media_write_timeout=0.2
    )
    await request.initialize()
    big = InputFile(b"x" * (32 * 1024 * 1024), filename="dossier.zip")
    try:
        with pytest.raises(TimedOut):
            await asyncio.wait_for(
                request.do_request(f"{server.url}/sendDocument", "POST", data(document=big)),
                timeout=1.5,  # well before the server would read it
            )
    finally:
        await request.shutdown()
