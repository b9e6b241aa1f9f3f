"""Benchmark: /board and /overdue of a province-sized round, against hand-written SQL.

    python bench/scale.py                          # 100,000 measures, 10,000 people, 400 units
    python bench/scale.py -n 10000 -n 100000       # several sizes: shows the growth
    python bench/scale.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/postgres

For each size a fresh database (a SQLite file, or a uniquely named PostgreSQL database created
and dropped on that server) is filled in bulk with one open round: N measures over N/4
problems, 400 units and 10,000 people, with random statuses, kinds, deadlines and report dates.
Then, --repeat times each, interleaved:

- rectibot: what the command runs (`domain.records.board.boards_for`: SQL GROUP BY counts laid out in
  Python; `domain.records.queries.listing`: a COUNT and one page by LIMIT/OFFSET);
- loading: the way it worked before (every task view loaded, counted or filtered in Python);
- raw SQL: hand-written statements with the same rules, as the reference.

The three answers are checked equal before any figure is printed (the same board; the same
task ids on the page). The table shows min and median seconds and the ratio of rectibot's
median to the raw SQL's.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import delete, insert, or_, select, update  # noqa: E402
from sqlalchemy import text as sql  # noqa: E402

from bench.throwaway import database  # noqa: E402
from bot.clock import ManualClock  # noqa: E402
from domain.lights import (  # noqa: E402
    LightPolicy,
    LightThresholds,
    is_overdue,
    thresholds,
)
from domain.model import Light, Person, Role, TaskKind, TaskStatus  # noqa: E402
from domain.records.board import (  # noqa: E402  # noqa: E402
    Board,
    BoardCell,
    ProblemFigures,
    board_from,
    boards_for,
    build_board,
)
from domain.records.queries import PAGE_SIZE, Kind, listing  # noqa: E402
from domain.rhythm.digest import figures  # noqa: E402
from domain.rhythm.policy import RhythmPolicy, deadline_runs  # noqa: E402
from domain.rhythm.reminders import LAST_TICK, STARTED, Audience, Renderers, tick  # noqa: E402
from domain.rhythm.workdays import WorkCalendar  # noqa: E402
from domain.work.reporting import open_tasks_of  # noqa: E402
from storage.database import make_engine, make_session_factory  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.tables import (  # noqa: E402
    CampaignRow,
    OutboxRow,
    PersonRoleRow,
    PersonRow,
    ProblemRow,
    RhythmRunRow,
    SnapshotRow,
    StateRow,
    TaskRow,
    UnitRow,
)
from storage.uow import SqlUnitOfWork  # noqa: E402

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 18, 15, 0, tzinfo=SHANGHAI)  # a Wednesday
POLICY = LightPolicy(tz=SHANGHAI)
UNITS = 400
PEOPLE = 10_000
CHUNK = 5_000
COORDINATOR = Person(
    id=0,
    name="协调员",
    unit_id=None,
    unit_name=None,
    roles=frozenset({Role.COORDINATOR}),
    telegram_user_id=None,
    telegram_username=None,
    phone=None,
    language=None,
    reachable=True,
    active=True,
)

# The reference: the same counts in one statement written by hand (named parameters).
RAW_BOARD = """
SELECT u.name AS unit, t.status, t.kind,
  CASE
    WHEN t.status = 'closed' THEN 'green'
    WHEN t.due_on IS NOT NULL AND t.due_on < :today THEN 'red'
    WHEN t.status <> 'pending_review' AND t.created_at < :red_before
         AND COALESCE(t.last_update_at, t.created_at) < :red_before THEN 'red'
    WHEN t.due_on IS NOT NULL AND t.due_on <= :yellow_until THEN 'yellow'
    WHEN t.status <> 'pending_review' AND t.created_at < :yellow_before
         AND COALESCE(t.last_update_at, t.created_at) < :yellow_before THEN 'yellow'
    ELSE 'green'
  END AS light,
  CASE WHEN t.status <> 'closed' AND t.due_on IS NOT NULL AND t.due_on < :today
       THEN 1 ELSE 0 END AS overdue,
  COUNT(*) AS n
FROM tasks t JOIN units u ON u.id = t.unit_id
WHERE t.campaign_id = :campaign
GROUP BY 1, 2, 3, 4, 5
"""
# A list shows each task's number, measure, problem, unit, official, deadline, percent and
# latest report: the reference selects the same, not just the ids.
LATEST = """(SELECT r.text FROM progress_updates r WHERE r.task_id = t.id
  AND r.withdrawn_at IS NULL ORDER BY r.last_part_at DESC, r.id DESC LIMIT 1)"""
RAW_OVERDUE_PAGE = f"""
SELECT t.id, t.number, t.measure, q.title, u.name, p.name, t.due_on, t.percent, {LATEST}
FROM tasks t JOIN units u ON u.id = t.unit_id JOIN people p ON p.id = t.owner_id
  JOIN problems q ON q.id = t.problem_id
WHERE t.campaign_id = :campaign AND t.status <> 'closed'
  AND t.due_on IS NOT NULL AND t.due_on < :today
ORDER BY t.due_on, t.campaign_id, t.position, t.id
LIMIT 10 OFFSET :offset
"""
RAW_OPEN_ROUND = "SELECT id FROM campaigns WHERE is_open"  # a command first finds its round
RAW_MYTASKS = f"""
SELECT t.id, t.number, t.measure, q.title, t.due_on, t.status, t.percent, {LATEST}
FROM tasks t JOIN problems q ON q.id = t.problem_id
WHERE t.owner_id = :owner AND t.status <> 'closed'
  AND t.campaign_id IN (SELECT id FROM campaigns WHERE is_open)
ORDER BY t.campaign_id, t.position
"""
RAW_OVERDUE_COUNT = """
SELECT COUNT(*) FROM tasks t
WHERE t.campaign_id = :campaign AND t.status <> 'closed'
  AND t.due_on IS NOT NULL AND t.due_on < :today
"""
RAW_PROBLEMS = """
SELECT COUNT(*), COALESCE(SUM(CASE WHEN open_count = 0 THEN 1 ELSE 0 END), 0)
FROM (SELECT problem_id, SUM(CASE WHEN status <> 'closed' THEN 1 ELSE 0 END) AS open_count
      FROM tasks WHERE campaign_id = :campaign GROUP BY problem_id) AS p
"""


def utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


async def fill(url: str, n: int, rng: random.Random) -> None:
    """Insert one open round of `n` measures in bulk (Core executemany, chunked)."""
    engine = make_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                insert(CampaignRow),
                [
                    {
                        "id": 1,
                        "name": "省级巡视",
                        "source": "inspection",
                        "is_open": True,
                        "created_at": utc(NOW - timedelta(days=120)),
                    }
                ],
            )
            await connection.execute(
                insert(UnitRow), [{"id": u + 1, "name": f"单位{u:03d}"} for u in range(UNITS)]
            )
            people = [
                {
                    "id": p + 1,
                    "name": f"官员{p:05d}",
                    "unit_id": p % UNITS + 1,
                    "telegram_user_id": 10_000_000 + p,  # every official has started the bot
                    "reachable": True,
                    "active": True,
                    "created_at": utc(NOW - timedelta(days=120)),
                }
                for p in range(PEOPLE)
            ]
            for i in range(0, len(people), CHUNK):
                await connection.execute(insert(PersonRow), people[i : i + CHUNK])
            await connection.execute(  # the digest's readers
                insert(PersonRoleRow),
                [{"person_id": p + 1, "role": READERS[p % 2].value} for p in range(READER_COUNT)],
            )
            problems = [
                {
                    "id": q + 1,
                    "campaign_id": 1,
                    "category": f"类别{q % 7}",
                    "title": f"问题{q}",
                    "position": q,
                }
                for q in range(n // 4)
            ]
            for i in range(0, len(problems), CHUNK):
                await connection.execute(insert(ProblemRow), problems[i : i + CHUNK])
            for i in range(0, n, CHUNK):
                await connection.execute(
                    insert(TaskRow), [task(t, rng) for t in range(i, min(i + CHUNK, n))]
                )
        if engine.dialect.name == "postgresql":
            # What autovacuum does within a minute of such a load: without statistics the
            # planner would scan whole tables for a page. (SQLite has no such daemon, and the
            # bot never runs ANALYZE there, so neither does this script.)
            async with engine.begin() as connection:
                await connection.execute(sql("ANALYZE"))
    finally:
        await engine.dispose()


def task(t: int, rng: random.Random) -> dict[str, Any]:
    """One generated measure: owner's unit, random status, kind, deadline and last report."""
    owner = t % PEOPLE
    created = NOW - timedelta(days=rng.randint(20, 120))
    last = rng.choice([None, NOW - timedelta(days=rng.randint(0, 30), hours=rng.randint(0, 23))])
    status = rng.choices(list(TaskStatus), weights=[2, 5, 1, 2])[0]
    return {
        "id": t + 1,
        "campaign_id": 1,
        "problem_id": t // 4 + 1,
        "number": f"{t // 4 + 1}.{t % 4 + 1}",
        "position": t,
        "measure": f"整改措施{t}",
        "unit_id": owner % UNITS + 1,
        "owner_id": owner + 1,
        "kind": rng.choice(list(TaskKind)).value,
        "due_on": rng.choice([None, (NOW + timedelta(days=rng.randint(-60, 90))).date()]),
        "status": status.value,
        "percent": 100 if status == TaskStatus.CLOSED else rng.randint(0, 90),
        "created_at": utc(created),
        "last_update_at": utc(last) if last else None,
    }


async def raw_board(factory: Any, at: LightThresholds) -> Board:
    """The reference: the hand-written statements, results laid out by the same board_from."""
    async with factory() as session:
        red, yellow = utc(at.red_before), utc(at.yellow_before)
        if session.bind.dialect.name != "postgresql":  # SQLite holds the text SQLAlchemy wrote
            red_text = red.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
            yellow_text = yellow.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
        params: dict[str, object] = {
            "campaign": 1,
            "today": at.today,
            "yellow_until": at.yellow_until,
            "red_before": red if session.bind.dialect.name == "postgresql" else red_text,
            "yellow_before": yellow if session.bind.dialect.name == "postgresql" else yellow_text,
        }
        rows = (await session.execute(sql(RAW_BOARD), params)).all()
        total, rectified = (await session.execute(sql(RAW_PROBLEMS), {"campaign": 1})).one()
    cells = [
        BoardCell(u, TaskStatus(s), TaskKind(k), Light(light), bool(o), int(c))
        for u, s, k, light, o, c in rows
    ]
    return board_from("省级巡视", cells, ProblemFigures(int(total), int(rectified)))


async def raw_overdue(factory: Any, page: int) -> tuple[int, list[int]]:
    """The reference: which round, then count and page of /overdue by hand."""
    async with factory() as session:
        (campaign,) = (await session.execute(sql(RAW_OPEN_ROUND))).one()
        params = {"campaign": campaign, "today": NOW.date(), "offset": page * PAGE_SIZE}
        total = (await session.execute(sql(RAW_OVERDUE_COUNT), params)).scalar_one()
        rows = (await session.execute(sql(RAW_OVERDUE_PAGE), params)).all()
    return int(total), [int(row[0]) for row in rows]


async def measure_overdue(url: str, repeat: int, page: int) -> dict[str, list[float]]:
    """Time /overdue page `page` three ways, interleaved; check they agree first."""
    engine = make_engine(url)
    factory = make_session_factory(engine)
    clock = ManualClock(NOW)

    async def rectibot() -> tuple[int, list[int]]:
        found = await listing(
            uow=SqlUnitOfWork(factory),
            clock=clock,
            person=COORDINATOR,
            policy=POLICY,
            kind=Kind.OVERDUE,
            page=page,
        )
        return found.total, [t.id for t in found.tasks]

    async def loading() -> tuple[int, list[int]]:
        async with SqlUnitOfWork(factory) as uow:
            views = await uow.tasks.views_for_campaign(1)  # in ledger order
        late = [t for t in views if is_overdue(t, NOW.date())]
        late.sort(key=lambda t: t.due_on or NOW.date())  # stable: ties stay in ledger order
        return len(late), [t.id for t in late[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]]

    async def raw() -> tuple[int, list[int]]:
        return await raw_overdue(factory, page)

    try:
        return await timed({"rectibot": rectibot, "loading": loading, "raw SQL": raw}, repeat)
    finally:
        await engine.dispose()


async def timed(
    ways: dict[str, Callable[[], Awaitable[object]]],
    repeat: int,
    *,
    before: Callable[[], Awaitable[None]] | None = None,
    observe: Callable[[], Awaitable[object]] | None = None,
) -> dict[str, list[float]]:
    """Check every way gives the raw SQL's answer, then time them `repeat` times, interleaved.

    `before` runs untimed ahead of every call (to undo what a tick wrote); `observe`, when
    given, reads the answer afterwards (what a tick wrote) instead of the way's return value.
    """
    if ONLY is not None:
        ways = {ONLY: ways[ONLY]}
    answers = {}
    for name, way in ways.items():
        if before is not None:
            await before()
        returned = await way()
        answers[name] = returned if observe is None else await observe()
    for name, answer in answers.items():
        assert ONLY or answer == answers["raw SQL"], f"{name} disagrees with the raw SQL"
    times: dict[str, list[float]] = {name: [] for name in ways}
    for _ in range(repeat):
        for name, way in ways.items():
            if before is not None:
                await before()
            began = time.perf_counter()
            await way()
            times[name].append(time.perf_counter() - began)
    return times


async def measure(url: str, repeat: int) -> dict[str, list[float]]:
    """Time the three ways to the board, interleaved; check they agree first."""
    engine = make_engine(url)
    factory = make_session_factory(engine)
    clock = ManualClock(NOW)
    at = thresholds(NOW, POLICY)

    async def rectibot() -> Board:
        (found,) = await boards_for(
            uow=SqlUnitOfWork(factory), clock=clock, person=COORDINATOR, policy=POLICY
        )
        return found

    async def loading() -> Board:
        async with SqlUnitOfWork(factory) as uow:
            views = await uow.tasks.views_for_campaign(1)
        return build_board("省级巡视", views, NOW, POLICY)

    async def raw() -> Board:
        return await raw_board(factory, at)

    try:
        return await timed({"rectibot": rectibot, "loading": loading, "raw SQL": raw}, repeat)
    finally:
        await engine.dispose()


READERS = (Role.LEADER, Role.COORDINATOR)
READER_COUNT = 20
MONDAY = datetime(2026, 11, 23, 9, 1, tzinfo=SHANGHAI)  # the weekly digest is due at 09:00
FRIDAY = datetime(2026, 11, 20, 9, 31, tzinfo=SHANGHAI)  # the week's check-in is due at 09:30
SUNDAY = datetime(2026, 11, 22, 2, 0, tzinfo=SHANGHAI)  # nothing is due
RHYTHM = RhythmPolicy(tz=SHANGHAI, calendar=WorkCalendar())


async def rewind(factory: Any, moment: datetime) -> None:
    """Forget what earlier ticks wrote; the previous tick ran two minutes before `moment`."""
    async with factory() as session:
        for table in (OutboxRow, RhythmRunRow, SnapshotRow):
            await session.execute(delete(table))
        await session.commit()
    async with SqlUnitOfWork(factory) as uow:
        await uow.state.set_state(LAST_TICK, (moment - timedelta(minutes=2)).isoformat())
        await uow.state.set_state(STARTED, (moment - timedelta(minutes=2)).isoformat())
        await uow.commit()


async def checkins_written(factory: Any) -> list[tuple[int, list[int]]]:
    """Who got a check-in and for which tasks, from the outbox."""
    async with factory() as session:
        rows = await session.execute(
            select(OutboxRow.person_id, OutboxRow.task_ids)
            .where(OutboxRow.kind == "checkin")
            .order_by(OutboxRow.person_id)
        )
        return [(int(person), list(ids)) for person, ids in rows]


async def raw_checkin(factory: Any) -> None:
    """The reference: select the quiet tasks with what a line needs, insert one row per owner."""
    monday = datetime.combine(FRIDAY.date() - timedelta(days=4), datetime.min.time(), SHANGHAI)
    due = FRIDAY.replace(minute=30)
    period = f"{FRIDAY.isocalendar().year}-W{FRIDAY.isocalendar().week:02d}"
    async with factory() as session:
        rows = await session.execute(
            select(
                TaskRow.id,
                TaskRow.owner_id,
                PersonRow.telegram_user_id,
                TaskRow.number,
                TaskRow.measure,
                TaskRow.due_on,
                TaskRow.percent,
                ProblemRow.title,
            )
            .join(PersonRow, PersonRow.id == TaskRow.owner_id)
            .join(ProblemRow, ProblemRow.id == TaskRow.problem_id)
            .where(
                TaskRow.campaign_id.in_(select(CampaignRow.id).where(CampaignRow.is_open)),
                TaskRow.status.in_(["open", "in_progress"]),
                or_(TaskRow.last_update_at.is_(None), TaskRow.last_update_at < monday),
                TaskRow.created_at < due,
            )
            .order_by(TaskRow.campaign_id, TaskRow.position)
        )
        lists: dict[tuple[int, int], list[Any]] = defaultdict(list)
        for row in rows:
            lists[row.owner_id, row.telegram_user_id].append(row)
        await session.execute(
            insert(OutboxRow),
            [
                {
                    "key": f"checkin|{period}|p{owner}",
                    "kind": "checkin",
                    "period": period,
                    "person_id": owner,
                    "chat_id": chat,
                    "parts": [
                        "\n".join(
                            f"{r.number} {r.title[:30]} {r.measure[:24]} {r.due_on} {r.percent}%"
                            for r in tasks
                        )
                    ],
                    "task_ids": [r.id for r in tasks],
                    "status": "pending",
                    "parts_sent": 0,
                    "attempts": 0,
                    "not_before": FRIDAY,
                    "created_at": FRIDAY,
                }
                for (owner, chat), tasks in lists.items()
            ],
        )
        await session.commit()


async def rectibot_tick(
    factory: Any, moment: datetime, policy: RhythmPolicy | None = None
) -> list[tuple[str, str]]:
    """The bot's own tick at `moment`, without attachments; the runs it did."""
    result = await tick(
        uow=SqlUnitOfWork(factory),
        clock=ManualClock(moment),
        policy=policy or RHYTHM,
        lights=POLICY,
        audience=Audience(),
        render=Renderers(),
    )
    return [(r.kind.value, r.period) for r in result.done + result.missed]


async def measure_tick(
    url: str,
    repeat: int,
    moment: datetime,
    raw: Callable[[Any], Awaitable[None]],
    written: Callable[[Any], Awaitable[object]],
    policy: RhythmPolicy | None = None,
) -> dict[str, list[float]]:
    """Time the tick at `moment` against `raw`; both must write what `written` reads."""
    engine = make_engine(url)
    factory = make_session_factory(engine)

    async def rectibot() -> object:
        return await rectibot_tick(factory, moment, policy)

    try:
        return await timed(
            {"rectibot": rectibot, "raw SQL": partial(raw, factory)},
            repeat,
            before=partial(rewind, factory, moment),
            observe=partial(written, factory),
        )
    finally:
        await engine.dispose()


async def measure_checkin(url: str, repeat: int) -> dict[str, list[float]]:
    """Friday's check-in tick against the raw select and bulk insert; same rows written."""
    return await measure_tick(url, repeat, FRIDAY, raw_checkin, checkins_written)


async def measure_idle_tick(url: str, repeat: int) -> dict[str, list[float]]:
    """Time a tick with nothing due against the raw question "which deadlines are near?"."""
    engine = make_engine(url)
    factory = make_session_factory(engine)

    async def rectibot() -> object:
        return await rectibot_tick(factory, SUNDAY)

    async def raw() -> object:
        # A tick must note that it ran (the next one starts from there), then ask what is near.
        start = SUNDAY - timedelta(minutes=2)
        async with factory() as session:
            await session.scalar(select(StateRow.value).where(StateRow.name == LAST_TICK))
            await session.execute(
                update(StateRow).where(StateRow.name == LAST_TICK).values(value=SUNDAY.isoformat())
            )
            days = await session.scalars(
                select(TaskRow.due_on)
                .where(
                    TaskRow.campaign_id.in_(select(CampaignRow.id).where(CampaignRow.is_open)),
                    TaskRow.due_on.between(
                        start.date() - timedelta(days=31), SUNDAY.date() + timedelta(days=31)
                    ),
                )
                .distinct()
            )
            runs = deadline_runs({d for d in days if d is not None}, start, SUNDAY, RHYTHM)
            await session.commit()
            return [(r.kind.value, r.period) for r in runs]

    try:
        return await timed(
            {"rectibot": rectibot, "raw SQL": raw}, repeat, before=partial(rewind, factory, SUNDAY)
        )
    finally:
        await engine.dispose()


# The digest alone at Monday 09:00: the day's deadline warnings and sign-off check moved away.
DIGEST_ONLY = replace(RHYTHM, deadline_at=dtime(10, 0), signoff_check_at=dtime(10, 0))
RAW_RED = """
SELECT t.id FROM tasks t
WHERE t.campaign_id = :campaign AND t.status <> 'closed' AND (
  (t.due_on IS NOT NULL AND t.due_on < :today)
  OR (t.status <> 'pending_review' AND t.created_at < :red_before
      AND COALESCE(t.last_update_at, t.created_at) < :red_before))
ORDER BY t.due_on IS NULL, t.due_on, t.number {collate}, t.position, t.id
LIMIT 30
"""


async def raw_digest(factory: Any) -> None:
    """The reference: the board, the red list's head and who was silent, one row per reader."""
    at = thresholds(MONDAY, POLICY)
    board = await raw_board(factory, at)
    start = datetime.combine(MONDAY.date() - timedelta(days=7), datetime.min.time(), SHANGHAI)
    checkin = start + timedelta(days=4, hours=9, minutes=30)
    period = f"{MONDAY.isocalendar().year}-W{MONDAY.isocalendar().week:02d}"
    async with factory() as session:
        postgres = session.bind.dialect.name == "postgresql"
        red_before = utc(at.red_before)
        red = await session.execute(
            sql(RAW_RED.format(collate='COLLATE "C"' if postgres else "")),
            {
                "campaign": 1,
                "today": at.today,
                "red_before": red_before
                if postgres
                else red_before.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds"),
            },
        )
        silent = await session.execute(
            select(PersonRow.name, UnitRow.name, TaskRow.number)
            .join(PersonRow, PersonRow.id == TaskRow.owner_id)
            .join(UnitRow, UnitRow.id == TaskRow.unit_id)
            .where(
                TaskRow.campaign_id == 1,
                TaskRow.status.in_(["open", "in_progress"]),
                TaskRow.created_at < checkin,
                or_(
                    TaskRow.last_update_at.is_(None),
                    TaskRow.last_update_at < start,
                    TaskRow.last_update_at >= start + timedelta(days=7, hours=12),
                ),
            )
            .order_by(UnitRow.name, PersonRow.name)
        )
        lines = [f"{unit} {name} {number}" for name, unit, number in silent]
        shown = lines[:500]  # the bot names 50 officials (about 7 measures each) in a digest
        body = "\n".join([str(board.lights), *(str(i) for (i,) in red), *shown, str(len(lines))])
        readers = await session.scalars(
            select(PersonRoleRow.person_id).where(
                PersonRoleRow.role.in_([r.value for r in READERS])
            )
        )
        await session.execute(
            insert(OutboxRow),
            [
                {
                    "key": f"digest|{period}#1|p{reader}",
                    "kind": "digest",
                    "period": f"{period}#1",
                    "person_id": reader,
                    "chat_id": 10_000_000 + reader - 1,
                    "parts": [body[i : i + 4000] for i in range(0, len(body), 4000)],
                    "task_ids": [],
                    "status": "pending",
                    "parts_sent": 0,
                    "attempts": 0,
                    "not_before": MONDAY,
                    "created_at": MONDAY,
                }
                for reader in readers
            ],
        )
        session.add(
            SnapshotRow(
                campaign_id=1, period="W" + period, figures=figures(board), created_at=MONDAY
            )
        )
        await session.commit()


async def digest_written(factory: Any) -> tuple[object, list[int]]:
    """The board figures kept with the digest, and who got it."""
    async with factory() as session:
        kept = await session.scalar(select(SnapshotRow.figures))
        readers = await session.scalars(
            select(OutboxRow.person_id)
            .where(OutboxRow.kind == "digest")
            .order_by(OutboxRow.person_id)
        )
        return kept, [int(r) for r in readers if r is not None]


async def measure_digest(url: str, repeat: int) -> dict[str, list[float]]:
    """Monday's digest run against the raw statements; same figures, same readers."""
    return await measure_tick(url, repeat, MONDAY, raw_digest, digest_written, DIGEST_ONLY)


async def measure_mytasks(url: str, repeat: int) -> dict[str, list[float]]:
    """Time /mytasks's data for one official against the raw select of their open tasks."""
    engine = make_engine(url)
    factory = make_session_factory(engine)
    async with SqlUnitOfWork(factory) as uow:
        official = await uow.people.get(PEOPLE // 2)
    assert official is not None

    async def rectibot() -> list[int]:
        return [t.id for t in await open_tasks_of(uow=SqlUnitOfWork(factory), person=official)]

    async def raw() -> list[int]:
        async with factory() as session:
            rows = await session.execute(sql(RAW_MYTASKS), {"owner": official.id})
            return [int(row[0]) for row in rows]

    try:
        return await timed({"rectibot": rectibot, "raw SQL": raw}, repeat)
    finally:
        await engine.dispose()


ONLY: str | None = None  # run only this way (the memory child: "rectibot")
Figures = dict[str, dict[str, list[float]]]  # what -> way -> seconds of each run


Measurement = Callable[[str, int], Awaitable[dict[str, list[float]]]]
MEASUREMENTS: dict[str, Measurement] = {
    "/board": measure,
    "/overdue page 0": partial(measure_overdue, page=0),
    "/overdue page 20": partial(measure_overdue, page=20),
    "/mytasks": measure_mytasks,
    "digest": measure_digest,
    "check-in tick": measure_checkin,
    "idle tick": measure_idle_tick,
}


async def one_size(n: int, server_url: str | None, repeat: int, what: list[str]) -> Figures:
    with tempfile.TemporaryDirectory() as folder:
        async with database(server_url, Path(folder), "scale") as url:
            await upgrade(url)
            began = time.perf_counter()
            await fill(url, n, random.Random(n))
            print(f"  {n:,} measures filled in {time.perf_counter() - began:.1f} s", flush=True)
            figures = {name: await MEASUREMENTS[name](url, repeat) for name in what}
            # The bot's memory, apart from this process (which also filled and loaded all).
            child = await asyncio.create_subprocess_exec(
                sys.executable, __file__, "--rss-of", url, stdout=asyncio.subprocess.PIPE
            )
            peak, _ = await child.communicate()
            assert child.returncode == 0, "the memory run failed"
            print(
                f"  peak RSS of a bot process doing rectibot's side of each: {peak.decode().strip()}"
            )
            return figures


async def bot_side(url: str) -> None:
    """Run rectibot's side of every measurement once, in a process that loaded the bot."""
    import bot.app  # noqa: F401  (what the running bot imports)

    global ONLY
    ONLY = "rectibot"  # neither the former load-everything path nor the raw SQL
    for name, way in MEASUREMENTS.items():
        await way(url, 0)
        print(f"{name}: {peak_rss_mb():.0f} MB", file=sys.stderr)


def peak_rss_mb() -> float:
    """This process's peak resident set size so far, in MB.

    VmHWM, not getrusage's ru_maxrss: Linux keeps the latter across exec, so a child started
    by this big parent would report the parent's peak.
    """
    status = Path("/proc/self/status").read_text()
    return (
        int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM")))
        / 1024
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-n", type=int, action="append", help="measures (repeatable)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each way")
    parser.add_argument("--database-url", help="a PostgreSQL server for throwaway databases")
    parser.add_argument(
        "--what", action="append", choices=list(MEASUREMENTS), help="only these (repeatable)"
    )
    parser.add_argument("--rss-of", help=argparse.SUPPRESS)  # the child measuring memory
    args = parser.parse_args()
    if args.rss_of:
        asyncio.run(bot_side(args.rss_of))
        print(f"{peak_rss_mb():.0f} MB")
        return
    what = args.what or list(MEASUREMENTS)
    sizes = args.n or [100_000]
    where = "PostgreSQL" if args.database_url else "SQLite (temp file)"
    print(f"One round, {UNITS} units, {PEOPLE:,} people, {where}, {args.repeat} runs")
    medians: dict[tuple[int, str], dict[str, float]] = {}
    for n in sizes:
        for label, times in asyncio.run(one_size(n, args.database_url, args.repeat, what)).items():
            print(f"  {label}")
            medians[n, label] = {name: statistics.median(ts) for name, ts in times.items()}
            for name, ts in times.items():
                print(f"    {name:9} min {min(ts):7.3f} s  median {statistics.median(ts):7.3f} s")
            m = medians[n, label]
            loading = (
                f"  (loading every task: {m['loading'] / m['raw SQL']:.1f})"
                if "loading" in m
                else ""
            )
            print(
                f"    ratio rectibot / raw SQL (medians): {m['rectibot'] / m['raw SQL']:.2f}{loading}"
            )
    if len(sizes) > 1:
        small, big = sizes[0], sizes[-1]
        for name in what:
            grow = medians[big, name]["rectibot"] / medians[small, name]["rectibot"]
            raw = medians[big, name]["raw SQL"] / medians[small, name]["raw SQL"]
            print(f"growth {small:,} → {big:,}, {name}: rectibot ×{grow:.1f}, raw SQL ×{raw:.1f}")


if __name__ == "__main__":
    main()
