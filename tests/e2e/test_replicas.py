"""Two webhook replicas on one PostgreSQL database behind a load balancer, one killed mid-fan-out.

Real processes (`python -m bot run`), a round-robin balancer in front of their webhooks, and a
check-in to 2,000 officials queued in the shared outbox: both replicas drain it; one is killed
with SIGKILL half-way; the other takes over the rows the dead one had claimed once they are
older than OUTBOX_CLAIM_TIMEOUT_SECONDS. Nothing is lost, and only the sends the dead replica
had in flight (or sent but not yet written down) may arrive twice.
"""

from __future__ import annotations

import asyncio
import itertools
import signal
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from sqlalchemy import select

from bot.clock import ManualClock
from domain.intake import importing
from domain.lights import LightPolicy
from domain.rhythm import reminders
from domain.rhythm.reminders import Audience, Renderers
from scheduler.delivery import SenderConfig
from simulator import BotApiSimulator
from storage.database import make_engine, make_session_factory
from storage.tables import OutboxRow
from storage.uow import SqlUnitOfWork
from tests.conftest import SHANGHAI
from tests.e2e.conftest import ADMIN_ID, BOT_USERNAME, TOKEN
from tests.e2e.test_delivery import FRIDAY_CHECKIN, fanout_workbook
from tests.e2e.test_run_command import bot_env
from tests.e2e.test_service import free_port, until_listening
from tests.integration.test_rhythm_tick import POLICY

OFFICIALS = 2000
SECRET = "replica-secret"


async def queue_checkin(database_url: str, sim: BotApiSimulator) -> dict[int, int]:
    """Import the officials, give each an account, queue Friday's check-in; person -> chat."""
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    clock = ManualClock(FRIDAY_CHECKIN - timedelta(days=3))
    chats: dict[int, int] = {}
    try:
        await importing.import_workbook(
            uow=SqlUnitOfWork(factory), clock=clock, workbook=fanout_workbook(OFFICIALS),
            campaign_name="扇出",
        )  # fmt: skip
        async with SqlUnitOfWork(factory) as uow:
            for person in await uow.people.active():
                user = sim.user(first_name=person.name)
                await uow.people.bind(person.id, user.id, None)
                chats[person.id] = user.id
            await uow.commit()
        for moment in (FRIDAY_CHECKIN - timedelta(hours=1), FRIDAY_CHECKIN):
            clock.set(moment)
            await reminders.tick(
                uow=SqlUnitOfWork(factory), clock=clock, policy=POLICY,
                lights=LightPolicy(tz=SHANGHAI), audience=Audience(), render=Renderers(),
            )  # fmt: skip
        async with SqlUnitOfWork(factory) as uow:
            queued = (await uow.outbox.backlog(clock.now())).waiting
        assert queued == OFFICIALS
    finally:
        await engine.dispose()
    return chats


@asynccontextmanager
async def balancer(ports: list[int]) -> AsyncIterator[str]:
    """A round-robin load balancer: a dead replica's turn goes to the next one."""
    turns = itertools.cycle(ports)

    async def forward(request: web.Request) -> web.Response:
        body = await request.read()
        async with aiohttp.ClientSession() as session:
            for _ in ports:
                port = next(turns)
                try:
                    async with session.post(
                        f"http://127.0.0.1:{port}{request.path}", data=body,
                        headers={k: v for k, v in request.headers.items() if k.lower().startswith("x-telegram")},
                    ) as answer:  # fmt: skip
                        return web.Response(status=answer.status, body=await answer.read())
                except aiohttp.ClientError:
                    continue
        return web.Response(status=502)

    server = web.Application()
    server.router.add_post("/{path:.*}", forward)
    runner = web.AppRunner(server, access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield f"http://127.0.0.1:{port}/telegram"
    finally:
        await runner.cleanup()


async def test_two_replicas_share_the_fanout_and_one_killed_loses_nothing(
    database_url: str, tmp_path: Path
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("replicas share a PostgreSQL database; SQLite is one process per file")
    async with BotApiSimulator(token=TOKEN, bot_username=BOT_USERNAME, local_api=True) as sim:
        chats = await queue_checkin(database_url, sim)
        ports = [free_port(), free_port()]
        async with balancer(ports) as hook:
            base = {
                **bot_env(sim, database_url, tmp_path),
                "TELEGRAM_WEBHOOK_URL": hook,
                "TELEGRAM_WEBHOOK_SECRET": SECRET,
                "SEND_RATE_PER_SECOND": "30",
                "PRIVATE_CHAT_INTERVAL_SECONDS": "0",
                "OUTBOX_CLAIM_TIMEOUT_SECONDS": "10",
            }
            replicas = []
            for port in ports:
                replicas.append(
                    await asyncio.create_subprocess_exec(
                        sys.executable,
                        "-m",
                        "bot",
                        "run",
                        cwd=tmp_path,
                        env={**base, "HTTP_LISTEN": f"127.0.0.1:{port}"},
                        stdout=asyncio.subprocess.DEVNULL,
                        stderr=asyncio.subprocess.DEVNULL,
                    )
                )
            started = time.monotonic()
            try:
                for port in ports:
                    await until_listening(port)
                await sim.wait_until(lambda: len(sim.sent) >= OFFICIALS // 4, timeout=120)
                replicas[0].kill()  # SIGKILL, mid-fan-out
                await replicas[0].wait()
                sent_at_kill = len(sim.sent)
                # The balancer sends the admin's update to the live replica.
                admin = sim.user(first_name="Admin", user_id=ADMIN_ID)
                await admin.command("help")
                assert "/board" in (await admin.next_message(timeout=30)).text
                officials = set(chats.values())
                await sim.wait_until(
                    lambda: officials <= {m.chat_id for m in sim.sent}, timeout=180
                )
                elapsed = time.monotonic() - started
            finally:
                for process in replicas:
                    if process.returncode is None:
                        process.send_signal(signal.SIGINT)
                        await asyncio.wait_for(process.wait(), 30)
        assert replicas[1].returncode == 0
    counts = Counter(m.chat_id for m in sim.sent if m.chat_id in officials)
    assert set(counts) == officials  # everyone got the check-in
    twice = sum(n - 1 for n in counts.values())
    assert twice <= SenderConfig().concurrency + SenderConfig().record_batch, twice
    engine = make_engine(database_url)
    try:
        async with SqlUnitOfWork(make_session_factory(engine)) as uow:
            checkins = select(OutboxRow.status).where(OutboxRow.kind == "checkin")
            statuses = Counter((await uow.reports.session.scalars(checkins)).all())
    finally:
        await engine.dispose()
    # (Other rows may still wait: the replicas' own ticks ran at today's real time.)
    assert statuses == {"sent": OFFICIALS}
    print(
        f"2 replicas, {OFFICIALS} check-ins: one killed after {sent_at_kill} sends; "
        f"{twice} sent twice; all delivered in {elapsed:.1f} s"
    )
