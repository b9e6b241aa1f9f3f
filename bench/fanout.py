"""Benchmark: a check-in fan-out to N officials through the simulator enforcing Telegram's limits.

    python bench/fanout.py                 # 10,000 check-ins, limits on, then limits off
    python bench/fanout.py -n 2000         # a shorter run

The simulator runs in a child process, so the memory figure is the bot side's alone (the tick,
the outbox, the sender, python-telegram-bot and SQLAlchemy). Prints: achieved rate as a fraction
of the configured rate, 429s received, lost and duplicated messages, peak memory; and with all
limits off, the sender's own ceiling in messages per second.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import resource
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.throwaway import database  # noqa: E402
from bot.clock import ManualClock  # noqa: E402
from domain.intake import importing  # noqa: E402
from domain.lights import LightPolicy  # noqa: E402
from domain.model import Role, SheetPerson, SheetTask, TaskKind, Workbook  # noqa: E402
from domain.rhythm import reminders  # noqa: E402
from domain.rhythm.policy import RhythmPolicy  # noqa: E402
from domain.rhythm.workdays import WorkCalendar  # noqa: E402
from scheduler.delivery import OutboxSender, SenderConfig  # noqa: E402
from scheduler.pacing import Limits, Pacer  # noqa: E402
from storage.database import make_engine, make_session_factory  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.uow import SqlUnitOfWork  # noqa: E402

TOKEN = "123456:BENCH"
FIRST_ID = 5_000_000
SHANGHAI = ZoneInfo("Asia/Shanghai")
FRIDAY = datetime(2026, 3, 6, 9, 30, tzinfo=SHANGHAI)


def serve(conn: Connection, users: int, enforce: bool) -> None:
    """Child process: run the simulator with `users` private chats until told to stop."""
    from simulator import BotApiSimulator
    from simulator.limits import RateLimits

    async def main() -> None:
        sim = BotApiSimulator(token=TOKEN, limits=RateLimits() if enforce else None)
        await sim.start()
        for i in range(users):
            sim.user(first_name=f"官员{i}", user_id=FIRST_ID + i)
        conn.send(sim.base_url)
        await asyncio.get_running_loop().run_in_executor(None, conn.recv)
        accepted = sorted(m.accepted_at for m in sim.sent)
        per_chat = Counter(m.chat_id for m in sim.sent)
        conn.send((len(sim.sent), len(sim.rate_limited), accepted[:1] + accepted[-1:], per_chat))
        await sim.stop()

    asyncio.run(main())


@dataclass
class Result:
    """One run's figures."""

    sent: int
    seconds: float
    rate_limited_by_sim: int
    lost: int
    duplicated: int


def workbook(n: int) -> Workbook:
    people = []
    tasks = []
    for i in range(n):
        name = f"官员{i:05d}"
        people.append(SheetPerson(2 + i, name, f"单位{i % 50}", frozenset({Role.OFFICIAL})))
        tasks.append(
            SheetTask(
                2 + i,
                f"{i + 1}.1",
                "类别",
                f"问题{i}",
                f"整改措施{i}",
                f"单位{i % 50}",
                name,
                None,
                date(2026, 12, 31),
                TaskKind.BOUNDED,
            )
        )
    return Workbook(people=tuple(people), tasks=tuple(tasks))


async def fan_out(
    n: int, base_url: str, limits: Limits, folder: Path, server_url: str | None
) -> float:
    """Queue N check-ins with the real tick and drain them with the real sender."""
    async with database(server_url, folder, "fanout") as url:
        return await _fan_out(n, base_url, limits, url)


async def _fan_out(n: int, base_url: str, limits: Limits, url: str) -> float:
    from telegram import Bot
    from telegram.request import HTTPXRequest

    await upgrade(url)
    engine = make_engine(url)
    factory = make_session_factory(engine)

    def uow() -> SqlUnitOfWork:
        return SqlUnitOfWork(factory)

    clock = ManualClock(FRIDAY - timedelta(hours=1))
    await importing.import_workbook(
        uow=uow(), clock=clock, workbook=workbook(n), campaign_name="扇出"
    )
    async with uow() as work:
        for i, person in enumerate(await work.people.active()):
            await work.people.bind(person.id, FIRST_ID + i, None)
        await work.commit()
    policy = RhythmPolicy(tz=SHANGHAI, calendar=WorkCalendar())
    lights = LightPolicy(tz=SHANGHAI)
    audience, render = reminders.Audience(), reminders.Renderers()
    for moment in (FRIDAY - timedelta(hours=1), FRIDAY):  # start the rhythm, then the check-in
        clock.set(moment)
        result = await reminders.tick(
            uow=uow(), clock=clock, policy=policy, lights=lights, audience=audience, render=render
        )
    assert result.enqueued == n, result
    request = HTTPXRequest(connection_pool_size=8)
    async with Bot(TOKEN, base_url=base_url, request=request) as bot:
        sender = OutboxSender(
            bot=bot, uow=uow, clock=clock, pacer=Pacer(limits), config=SenderConfig(concurrency=8)
        )
        started = time.perf_counter()
        stats = await sender.drain()
        seconds = time.perf_counter() - started
    await engine.dispose()
    print(f"  sender: {stats}")
    return seconds


def run(n: int, enforce: bool, limits: Limits, server_url: str | None) -> Result:
    parent, child = mp.Pipe()
    process = mp.get_context("spawn").Process(target=serve, args=(child, n, enforce))
    process.start()
    base_url = parent.recv()
    with tempfile.TemporaryDirectory() as folder:
        seconds = asyncio.run(fan_out(n, base_url, limits, Path(folder), server_url))
    parent.send("stop")
    sent, limited, span, per_chat = parent.recv()
    process.join()
    ids = range(FIRST_ID, FIRST_ID + n)
    lost = sum(1 for i in ids if per_chat.get(i, 0) == 0)
    duplicated = sum(max(0, per_chat.get(i, 0) - 1) for i in ids)
    active = span[-1] - span[0] if len(span) == 2 else seconds
    return Result(sent, active or seconds, limited, lost, duplicated)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=10_000, help="number of officials")
    parser.add_argument("--rate", type=float, default=25.0, help="configured messages per second")
    parser.add_argument("--database-url", help="a PostgreSQL server for a throwaway database")
    parser.add_argument("--ceiling-only", action="store_true", help="only the run with limits off")
    args = parser.parse_args()

    if not args.ceiling_only:
        print(f"Limits on: {args.n} check-ins at a configured {args.rate:g} msg/s ...")
        on = run(args.n, True, Limits(per_second=args.rate), args.database_url)
        achieved = on.sent / on.seconds
        print(
            f"  achieved {achieved:.2f} msg/s = {achieved / args.rate:.3f} of the configured rate"
        )
        print(
            f"  429s received: {on.rate_limited_by_sim}; lost: {on.lost}; "
            f"duplicated: {on.duplicated}"
        )
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"  peak memory of the bot side: {peak_mb:.0f} MB")

    print(f"Limits off: {args.n} check-ins as fast as the sender goes ...")
    off = run(
        args.n,
        False,
        Limits(per_second=0, private_interval=0, group_interval=0),
        args.database_url,
    )
    print(
        f"  ceiling {off.sent / off.seconds:.0f} msg/s ({off.sent / off.seconds / 30:.1f}x Telegram's 30)"
    )
    print(f"  lost: {off.lost}; duplicated: {off.duplicated}")


if __name__ == "__main__":
    main()
