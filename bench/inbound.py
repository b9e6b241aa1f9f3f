"""Benchmark: N officials each send one progress report at once; the bot records and acknowledges each.

    python bench/inbound.py                    # 500 officials, 3 repeats, SQLite in a temp folder
    python bench/inbound.py -n 200 --repeat 5  # a shorter run, more repeats
    python bench/inbound.py --breakdown        # also the SQL statements per report, by kind
    python bench/inbound.py --profile out.prof # cProfile of rectibot's bursts (inflates its times)
    python bench/inbound.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/postgres
    python bench/inbound.py --fanout           # the burst arrives while a check-in to all goes out

Every official is bound and owns exactly one open task, so a plain "已完成调研，进度60%" becomes a
report on that task in one step (the reports handled at the same moment share one transaction:
bot/together.py). All N messages are pushed to the simulator at once and the real
Application takes them as fast as getUpdates hands them over (100 at a time): rectibot handles
different chats concurrently (bot/ordering.py), the echo bot one update after another, as PTB
does by default. The simulator runs in a child process, so CPU, SQL and commit
figures are the bot side's alone. A report counts as processed once it is stored with its
acknowledgement's message id, i.e. the acknowledgement was sent. The same burst then goes to a
bare PTB echo bot on a fresh simulator, for scale, and to a third side: the same echo bot with
rectibot's update processing (chats at once, each chat in order), which shows what handling
chats concurrently costs by itself. Each side runs --repeat times, interleaved;
the table shows min and median. Latency runs from the push to the simulator recording the reply,
so under a burst it is mostly the wait in the queue.

With --database-url each run creates its own uniquely named database on that PostgreSQL server
and drops it afterwards; the URL's own database is only used to issue CREATE and DROP.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import math
import multiprocessing as mp
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import event, func, select  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402
from telegram import Update  # noqa: E402
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters  # noqa: E402

from bench.throwaway import database  # noqa: E402
from bot.app import Wiring, build_application  # noqa: E402
from bot.clock import ManualClock  # noqa: E402
from bot.harness import BOT_USERNAME, TOKEN, settings_for  # noqa: E402
from bot.ordering import ChatOrderedProcessor  # noqa: E402
from domain.intake import importing  # noqa: E402
from domain.model import Role, SheetPerson, SheetTask, TaskKind, Workbook  # noqa: E402
from scheduler.pacing import Limits  # noqa: E402
from simulator import BotApiSimulator, SimUser  # noqa: E402
from storage.database import make_engine  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.tables import ProgressUpdateRow  # noqa: E402

REPORT = "已完成调研，进度60%"
MARKER = "60%"  # in rectibot's acknowledgement ("进度 60%") and in the echo alike
FIRST_ID = 6_000_000
WARM = 10  # officials whose reports warm both bots up before the clock starts; not counted
SHANGHAI = ZoneInfo("Asia/Shanghai")
WEDNESDAY = datetime(2026, 3, 4, 10, 0, tzinfo=SHANGHAI)
_TABLE = re.compile(r'\b(?:FROM|INTO|UPDATE)\s+"?(\w+)', re.IGNORECASE)
_NESTED = re.compile(r"\([^()]*\)")

# Set by --profile: profiles the rectibot side's bursts (the echo side is never profiled).
PROFILE: cProfile.Profile | None = None
# Set by --fanout: a Friday check-in to every official is queued, and the sender drains it (no
# pacing) while the burst of reports arrives, as when officials answer the check-in at once.
FANOUT = False
FRIDAY_CHECKIN = datetime(2026, 3, 6, 9, 31, tzinfo=SHANGHAI)

AnyApp = Application[Any, Any, Any, Any, Any, Any]
# What the child reports for one burst: first push (monotonic), reply latencies in seconds,
# replies carrying the marker, calls the simulator refused.
Burst = tuple[float, list[float], int, int]


def name_of(i: int) -> str:
    """Return the name of official number `i` (the workbook and the binding agree on it)."""
    return f"官员{i:05d}"


def serve(conn: Connection, users: int, timeout: float) -> None:
    """Child process: run the simulator with `users` private chats and push bursts on command."""

    async def main() -> None:
        sim = BotApiSimulator(token=TOKEN, bot_username=BOT_USERNAME)
        await sim.start()
        people = [sim.user(first_name=name_of(i), user_id=FIRST_ID + i) for i in range(users)]
        conn.send((sim.base_url, sim.base_file_url))
        loop = asyncio.get_running_loop()
        while (command := await loop.run_in_executor(None, conn.recv)) != "stop":
            batch = people[:WARM] if command == "warm" else people[WARM:]
            conn.send(await burst(sim, batch, timeout))
        await sim.stop()

    asyncio.run(main())


async def burst(sim: BotApiSimulator, users: list[SimUser], timeout: float) -> Burst:  # noqa: ASYNC109
    """Push one report from each user at once; wait for the bot's acknowledgement in every chat.

    The acknowledgement is the first message carrying the marker (with --fanout a check-in may
    arrive in the chat before it).
    """
    pushed = []
    for user in users:
        pushed.append(time.monotonic())  # the simulator stamps replies with time.monotonic too
        await user.send(REPORT)
    answered = 0

    def acked(user: SimUser) -> bool:
        return any(MARKER in (m.text or "") for m in user.inbox)

    def all_answered() -> bool:
        nonlocal answered  # chats stay answered, so resume where the last look stopped
        while answered < len(users) and acked(users[answered]):
            answered += 1
        return answered == len(users)

    await sim.state.pulse.wait_for(all_answered, timeout)
    firsts = [
        (next(m for m in user.inbox if MARKER in (m.text or "")), at)
        for user, at in zip(users, pushed, strict=True)
        if acked(user)
    ]
    latencies = [reply.accepted_at - at for reply, at in firsts]
    return pushed[0], latencies, len(firsts), len(sim.errors)


def kind(statement: str) -> str:
    """Name a statement by its verb and its own table (not a subquery's), e.g. "SELECT tasks"."""
    words = statement.split(maxsplit=1)
    while (flat := _NESTED.sub("", statement)) != statement:
        statement = flat
    table = _TABLE.search(statement)
    verb = words[0].upper() if words else "?"
    return f"{verb} {table.group(1)}" if table else verb


class SqlCounter:
    """Count SQL statements (by their text), commits and rollbacks on every engine."""

    def __init__(self) -> None:
        self.statements: Counter[str] = Counter()
        self.commits = 0
        self.rollbacks = 0
        # Class-level: the bot's engine is created inside build_application, out of our reach.
        event.listen(Engine, "before_cursor_execute", self._statement)
        event.listen(Engine, "commit", self._commit)
        event.listen(Engine, "rollback", self._rollback)

    def reset(self) -> None:
        """Start counting from zero."""
        self.statements.clear()
        self.commits = self.rollbacks = 0

    def _statement(
        self,
        conn: Any,
        cursor: Any,
        statement: str,
        parameters: Any,
        context: Any,
        executemany: bool,
    ) -> None:
        # Keyed by the text alone (hashed once, cached compiled SQL): named after the run.
        self.statements[statement] += 1

    def _commit(self, conn: Any) -> None:
        self.commits += 1

    def _rollback(self, conn: Any) -> None:
        self.rollbacks += 1


@dataclass
class Run:
    """One side's figures from one burst."""

    reports: int
    seconds: float
    latencies: list[float]
    cpu: float
    statements: Counter[str] = field(default_factory=Counter)
    commits: int = 0
    rollbacks: int = 0
    refused: int = 0

    @property
    def rate(self) -> float:
        """Return reports fully processed per second."""
        return self.reports / self.seconds

    def percentile(self, q: float) -> float:
        """Return the nearest-rank `q` percentile of the latencies, in milliseconds."""
        ranked = sorted(self.latencies)
        return 1000 * ranked[max(math.ceil(q / 100 * len(ranked)) - 1, 0)]

    def per_report(self, count: float) -> float:
        """Return `count` divided by the reports processed."""
        return count / self.reports


def workbook(n: int) -> Workbook:
    """Return a workbook of `n` officials with exactly one open task each."""
    people, tasks = [], []
    for i in range(n):
        unit = f"单位{i % 50}"
        people.append(SheetPerson(2 + i, name_of(i), unit, frozenset({Role.OFFICIAL})))
        tasks.append(
            SheetTask(
                2 + i,
                f"{i + 1}.1",
                "类别",
                f"问题{i}",
                f"整改措施{i}",
                unit,
                name_of(i),
                None,
                date(2026, 12, 31),
                TaskKind.BOUNDED,
            )
        )
    return Workbook(people=tuple(people), tasks=tuple(tasks))


async def start(app: AnyApp) -> None:
    """Start an Application polling the simulator, as bot.harness.start_world does."""
    await app.initialize()
    if app.post_init is not None:
        await app.post_init(app)
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0.0, timeout=1, allowed_updates=Update.ALL_TYPES)


async def stop(app: AnyApp) -> None:
    """Stop polling and the Application, then run its post_shutdown."""
    if app.updater is not None and app.updater.running:
        await app.updater.stop()
    if app.running:
        await app.stop()
    await app.shutdown()
    if app.post_shutdown is not None:
        await app.post_shutdown(app)


async def measure(
    conn: Connection, app: AnyApp, n: int, counter: SqlCounter, fanout: bool = False
) -> Run:
    """Warm the bot up, then push the burst and wait until the bot has handled all of it."""
    loop = asyncio.get_running_loop()

    async def order(command: str) -> Burst:
        conn.send(command)
        reply: Burst = await loop.run_in_executor(None, conn.recv)
        return reply

    _, _, warmed, _ = await order("warm")
    assert warmed == WARM, f"only {warmed} of {WARM} warm-up messages were answered"
    await app.update_queue.join()  # PTB's task_done comes after the handlers: the idle point
    sender: asyncio.Task[Any] | None = None
    if fanout:
        queued = await queue_checkin(app)
        print(f"    {queued} check-ins queued; the sender drains them during the burst")
    counter.reset()
    cpu = time.process_time()
    if PROFILE is not None:
        PROFILE.enable()
    if fanout:
        sender = asyncio.create_task(app.bot_data.rhythm.sender.drain())
    first_push, latencies, acknowledged, refused = await order("go")
    await app.update_queue.join()  # rectibot stores the ack's message id after sending it
    if sender is not None:
        stats = await sender
        print(f"    the sender delivered {stats.messages} check-ins meanwhile")
    if PROFILE is not None:
        PROFILE.disable()
    seconds = time.monotonic() - first_push
    cpu = time.process_time() - cpu
    if acknowledged < n:
        print(f"    only {acknowledged} of {n} messages were acknowledged")
    return Run(
        reports=acknowledged,
        seconds=seconds,
        latencies=latencies,
        cpu=cpu,
        statements=counter.statements.copy(),
        commits=counter.commits,
        rollbacks=counter.rollbacks,
        refused=refused,
    )


async def queue_checkin(app: AnyApp) -> int:
    """Tick at Friday's check-in (after a first tick that starts the rhythm); return how many."""
    from domain.rhythm import reminders
    from domain.rhythm.reminders import Audience, Renderers

    services = app.bot_data
    clock = services.clock
    assert isinstance(clock, ManualClock)
    queued = 0
    for moment in (FRIDAY_CHECKIN - timedelta(hours=1), FRIDAY_CHECKIN):
        clock.set(moment)
        result = await reminders.tick(
            uow=services.uow(), clock=clock, policy=services.rhythm.policy,
            lights=services.policy, audience=Audience(), render=Renderers(),
        )  # fmt: skip
        queued += result.enqueued
    return queued  # the clock stays at Friday 09:31: the reports answer the check-in


async def stored_reports(url: str) -> int:
    """Count reports placed on a task whose acknowledgement was sent and remembered."""
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            query = (
                select(func.count())
                .select_from(ProgressUpdateRow)
                .where(
                    ProgressUpdateRow.task_id.is_not(None),
                    ProgressUpdateRow.ack_message_id.is_not(None),
                )
            )
            return int((await connection.execute(query)).scalar_one())
    finally:
        await engine.dispose()


async def rectibot_side(
    conn: Connection, urls: tuple[str, str], n: int, server_url: str | None, counter: SqlCounter
) -> Run:
    """Load N + WARM bound officials, start the real Application and measure one burst."""
    with tempfile.TemporaryDirectory() as folder:
        async with database(server_url, Path(folder), "bench") as url:
            await upgrade(url)
            clock = ManualClock(WEDNESDAY)
            app = build_application(
                settings_for(url, Path(folder) / "data"),
                Wiring(
                    base_url=urls[0],
                    base_file_url=urls[1],
                    clock=clock,
                    scheduler=False,
                    limits=Limits(per_second=0, private_interval=0, group_interval=0),
                ),
            )
            uow = app.bot_data.uow
            await importing.import_workbook(
                uow=uow(), clock=clock, workbook=workbook(WARM + n), campaign_name="入站"
            )
            ids = {name_of(i): FIRST_ID + i for i in range(WARM + n)}
            async with uow() as work:
                for person in await work.people.active():
                    await work.people.bind(person.id, ids[person.name], None)
                await work.commit()
            await start(app)
            try:
                run = await measure(conn, app, n, counter, fanout=FANOUT)
            finally:
                await stop(app)
            stored = await stored_reports(url) - WARM
    if stored != run.reports:
        print(f"    {stored} reports stored with their ack, {run.reports} acks seen")
        run.reports = min(stored, run.reports)
    return run


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Reply with the message's text."""
    message = update.effective_message
    assert message is not None
    assert message.text is not None
    await message.reply_text(message.text)


async def echo_side(
    conn: Connection, urls: tuple[str, str], n: int, server_url: str | None, counter: SqlCounter
) -> Run:
    """Start a bare PTB echo bot (one update after another) and measure one burst."""
    return await bare_echo(conn, urls, n, counter, ApplicationBuilder())


async def concurrent_echo_side(
    conn: Connection, urls: tuple[str, str], n: int, server_url: str | None, counter: SqlCounter
) -> Run:
    """The bare echo bot with rectibot's update processing (chats at once, each in order)."""
    builder = ApplicationBuilder().concurrent_updates(ChatOrderedProcessor())
    return await bare_echo(conn, urls, n, counter, builder)


async def bare_echo(
    conn: Connection, urls: tuple[str, str], n: int, counter: SqlCounter, builder: Any
) -> Run:
    """Build the echo bot on `builder` and measure one burst."""
    app = builder.token(TOKEN).base_url(urls[0]).base_file_url(urls[1]).build()
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    await start(app)
    try:
        return await measure(conn, app, n, counter)
    finally:
        await stop(app)


Side = Callable[
    [Connection, tuple[str, str], int, str | None, SqlCounter], Coroutine[Any, Any, Run]
]


def run(side: Side, n: int, server_url: str | None, counter: SqlCounter, timeout: float) -> Run:
    """Run one side against a fresh simulator in a child process."""
    parent, child = mp.Pipe()
    process = mp.get_context("spawn").Process(target=serve, args=(child, WARM + n, timeout))
    process.start()
    try:
        urls = parent.recv()
        return asyncio.run(side(parent, urls, n, server_url, counter))
    finally:
        parent.send("stop")
        process.join(timeout)
        if process.is_alive():
            process.terminate()


def describe(label: str, result: Run) -> str:
    """Summarize one run in one line."""
    line = (
        f"  {label}: {result.rate:7.1f} reports/s ({result.reports} in {result.seconds:.2f} s), "
        f"ack p50 {result.percentile(50):.0f} ms p95 {result.percentile(95):.0f} ms, "
        f"{result.per_report(result.statements.total()):.1f} statements, "
        f"{result.per_report(result.commits):.1f} commits, "
        f"{1000 * result.per_report(result.cpu):.2f} ms CPU per report"
    )
    return line + (f", {result.refused} calls refused" if result.refused else "")


FIGURES: list[tuple[str, Callable[[Run], float], str]] = [
    ("processed per second", lambda r: r.rate, "{:.1f}"),
    ("ack latency p50 (ms)", lambda r: r.percentile(50), "{:.0f}"),
    ("ack latency p95 (ms)", lambda r: r.percentile(95), "{:.0f}"),
    ("SQL statements per report", lambda r: r.per_report(r.statements.total()), "{:.2f}"),
    ("commits per report", lambda r: r.per_report(r.commits), "{:.2f}"),
    ("bot CPU ms per report", lambda r: 1000 * r.per_report(r.cpu), "{:.2f}"),
]


def table(sides: list[tuple[str, list[Run]]]) -> list[str]:
    """Lay out min and median of every figure for every side."""
    lines = [
        f"{'':28}" + "".join(f"{label:>20}" for label, _ in sides),
        f"{'':28}" + f"{'min':>10}{'median':>10}" * len(sides),
    ]
    for title, figure, fmt in FIGURES:
        row = f"{title:28}"
        for _, runs in sides:
            values = [figure(r) for r in runs]
            row += f"{fmt.format(min(values)):>10}{fmt.format(statistics.median(values)):>10}"
        lines.append(row)
    return lines


def ratio(label: str, top: list[Run], bottom: list[Run]) -> str:
    """The ratio of two sides' rates, of their medians and of their minimums."""
    high, low = [r.rate for r in top], [r.rate for r in bottom]
    return (
        f"ratio {label} processed per second: "
        f"{statistics.median(high) / statistics.median(low):.3f} (medians), "
        f"{min(high) / min(low):.3f} (mins)"
    )


def breakdown(runs: list[Run]) -> list[str]:
    """List SQL statements per report by kind, summed over the runs."""
    total: Counter[str] = Counter()
    for r in runs:
        for statement, count in r.statements.items():
            total[kind(statement)] += count
    reports = sum(r.reports for r in runs)
    lines = [f"  {count / reports:6.2f}  {kind}" for kind, count in total.most_common()]
    rollbacks = sum(r.rollbacks for r in runs) / reports
    commits = sum(r.commits for r in runs) / reports
    return [*lines, f"  commits {commits:.2f}, rollbacks {rollbacks:.2f} per report"]


def main() -> None:
    """Run both sides `--repeat` times, interleaved, and print the figures."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-n", type=int, default=500, help="number of officials (one report each)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each side")
    parser.add_argument(
        "--database-url", help="a PostgreSQL server to create a throwaway database on"
    )
    parser.add_argument("--breakdown", action="store_true", help="SQL statements by kind")
    parser.add_argument("--profile", type=Path, help="write cProfile stats of rectibot's bursts")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds to wait per burst")
    parser.add_argument(
        "--fanout", action="store_true", help="a check-in to every official goes out meanwhile"
    )
    args = parser.parse_args()

    where = "PostgreSQL" if args.database_url else "SQLite (temp file)"
    print(f"{args.n} reports at once, {args.repeat} runs of each side, database {where}")
    began = time.monotonic()
    counter = SqlCounter()
    rectibot: list[Run] = []
    bare: list[Run] = []
    concurrent: list[Run] = []
    global PROFILE, FANOUT
    FANOUT = args.fanout
    for i in range(1, args.repeat + 1):
        PROFILE = cProfile.Profile() if args.profile else None
        rectibot.append(run(rectibot_side, args.n, args.database_url, counter, args.timeout))
        if PROFILE is not None:
            PROFILE.dump_stats(args.profile)
        PROFILE = None
        print(describe(f"rectibot {i}/{args.repeat}", rectibot[-1]))
        bare.append(run(echo_side, args.n, None, counter, args.timeout))
        print(describe(f"echo bot {i}/{args.repeat}", bare[-1]))
        concurrent.append(run(concurrent_echo_side, args.n, None, counter, args.timeout))
        print(describe(f"concurrent echo {i}/{args.repeat}", concurrent[-1]))
    print()
    print(
        "\n".join(
            table([("rectibot", rectibot), ("echo bot", bare), ("concurrent echo", concurrent)])
        )
    )
    print(ratio("rectibot/echo", rectibot, bare))
    print(ratio("rectibot/concurrent echo", rectibot, concurrent))
    print(ratio("concurrent echo/echo", concurrent, bare))
    if args.breakdown:
        print("rectibot SQL statements per report, by kind:")
        print("\n".join(breakdown(rectibot)))
    print(f"wall time {time.monotonic() - began:.0f} s")


if __name__ == "__main__":
    main()
