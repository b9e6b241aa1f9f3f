"""The bot as a service: webhook mode, /healthz and /metrics, in real processes."""

from __future__ import annotations

import asyncio
import json
import signal
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp
import asyncpg

from bot.harness import World
from simulator import BotApiSimulator
from tests.e2e.conftest import ADMIN_ID, BOT_USERNAME, TOKEN
from tests.e2e.test_run_command import bot_env, start_run

SECRET = "s3cret-Token_for-the-webhook"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def until_listening(port: int, within: float = 30.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    async with aiohttp.ClientSession() as session:
        while True:
            try:
                async with session.get(f"http://127.0.0.1:{port}/healthz") as answer:
                    if answer.status in (200, 503):
                        return
            except aiohttp.ClientError:
                pass
            if loop.time() > deadline:
                raise TimeoutError(f"nothing listens on {port}")
            await asyncio.sleep(0.1)


async def get(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session, session.get(url) as answer:
        return answer.status, await answer.text()


async def post(url: str, body: object, headers: dict[str, str]) -> int:
    async with aiohttp.ClientSession() as session:
        data = json.dumps(body)
        async with session.post(url, data=data, headers=headers) as answer:
            return answer.status


async def stop(process: asyncio.subprocess.Process) -> str:
    process.send_signal(signal.SIGINT)
    output, _ = await asyncio.wait_for(process.communicate(), 30)
    return output.decode()


async def test_webhook_mode_answers_what_telegram_posts_and_refuses_posts_without_the_secret(
    database_url: str, tmp_path: Path
) -> None:
    port = free_port()
    hook = f"http://127.0.0.1:{port}/telegram/hook"
    async with BotApiSimulator(token=TOKEN, bot_username=BOT_USERNAME, local_api=True) as sim:
        env = {
            **bot_env(sim, database_url, tmp_path),
            "TELEGRAM_WEBHOOK_URL": hook,
            "TELEGRAM_WEBHOOK_SECRET": SECRET,
            "HTTP_LISTEN": f"127.0.0.1:{port}",
        }
        process = await start_run(env, tmp_path)
        try:
            await sim.wait_until(lambda: sim.state.webhook is not None, timeout=30)
            assert sim.state.webhook == {"url": hook, "secret_token": SECRET}
            admin = sim.user(first_name="Admin", user_id=ADMIN_ID)
            await admin.command("help")  # Telegram (the simulator) posts it to the webhook
            assert "/board" in (await admin.next_message(timeout=30)).text
            assert 200 in sim.webhook.answers

            forged = {"update_id": 999, "message": {"message_id": 1, "date": 0,
                      "chat": {"id": ADMIN_ID, "type": "private"}, "text": "/help"}}  # fmt: skip
            assert await post(hook, forged, {}) == 403
            assert await post(hook, forged, {"X-Telegram-Bot-Api-Secret-Token": "guess"}) == 403
            good = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
            assert await post(hook, {"not": "an update"}, good) == 400

            status, body = await get(f"http://127.0.0.1:{port}/healthz")
            assert status == 200
            health = json.loads(body)
            assert health["database"] == "ok"
            assert health["status"] in ("ok", "degraded")
            status, page = await get(f"http://127.0.0.1:{port}/metrics")
            assert status == 200
            assert "rectibot_up 1" in page
            assert "# TYPE rectibot_updates_handled_seconds histogram" in page
            handled = next(
                line for line in page.splitlines()
                if line.startswith("rectibot_updates_handled_seconds_count")
            )  # fmt: skip
            assert int(handled.split()[1]) >= 1
        finally:
            output = await stop(process)
    assert process.returncode == 0, output
    assert f"webhook mode: Telegram posts updates to {hook}" in output
    assert "a request without the right secret was refused" in output


async def test_health_and_metrics_answer_while_polling_and_say_when_the_database_is_down(
    database_url: str, tmp_path: Path
) -> None:
    port = free_port()
    async with BotApiSimulator(token=TOKEN, bot_username=BOT_USERNAME) as sim:
        env = {**bot_env(sim, database_url, tmp_path), "HTTP_LISTEN": f"127.0.0.1:{port}"}
        process = await start_run(env, tmp_path)
        try:
            await until_listening(port)
            status, body = await get(f"http://127.0.0.1:{port}/healthz")
            assert status == 200, body
            assert json.loads(body)["database"] == "ok"
            status, page = await get(f"http://127.0.0.1:{port}/metrics")
            assert status == 200
            for family in ("rectibot_outbox_waiting", "rectibot_messages_sent_total",
                           "rectibot_people_unreachable", "rectibot_tick_seconds_count"):  # fmt: skip
                assert f"\n{family} " in page, family
            if database_url.startswith(
                "postgresql"
            ):  # take the database away under the running bot
                async with database_away(database_url):
                    down = await get(f"http://127.0.0.1:{port}/healthz")
                    metrics_down = await get(f"http://127.0.0.1:{port}/metrics")
                assert down[0] == 503, down
                assert json.loads(down[1])["database"] == "down"
                assert metrics_down[0] == 200
                assert "rectibot_up 0" in metrics_down[1]
                back = await get(f"http://127.0.0.1:{port}/healthz")
                assert back[0] == 200, back  # and it recovers by itself
        finally:
            output = await stop(process)
    assert process.returncode == 0, output


@asynccontextmanager
async def database_away(database_url: str) -> AsyncIterator[None]:
    """Rename the database (after cutting its connections), then give it back."""
    name = urlsplit(database_url).path.lstrip("/")
    admin = await asyncpg.connect(
        urlsplit(database_url)._replace(scheme="postgresql", path="/postgres").geturl()
    )
    try:
        await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        await admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", name
        )
        try:
            yield
        finally:
            await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
    finally:
        await admin.close()


async def test_a_group_the_bot_is_added_to_learns_its_chat_id_for_the_digest_setting(
    world: World,
) -> None:
    admin = world.sim.user(first_name="Admin", user_id=ADMIN_ID)
    group = world.sim.group("整改工作群", members=[admin], added_by=admin)
    [said] = await group.messages_until_idle()  # one message, then the bot is idle
    assert f"本群编号：{group.id}" in said.text
    assert "DIGEST_GROUP_CHAT_IDS" in said.text
