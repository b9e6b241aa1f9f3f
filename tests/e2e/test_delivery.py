"""The outbox sender against the simulator: crashes, 429, 5xx, timeouts, 403 and migrations."""

from __future__ import annotations

import asyncio
import os
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest_asyncio
from sqlalchemy import select

from bot.clock import ManualClock
from domain.intake import importing
from domain.model import Role, SheetPerson, SheetTask, TaskKind, Workbook
from scheduler.delivery import OutboxSender, SenderConfig
from scheduler.pacing import Limits, Pacer
from simulator import BotApiSimulator, SimUser
from storage.database import make_engine, make_session_factory
from storage.tables import OutboxRow, PersonRow
from storage.uow import SqlUnitOfWork
from tests.conftest import SHANGHAI
from tests.e2e.conftest import BOT_USERNAME, TOKEN, World, rows, start_world, stop_world

ROOT = Path(__file__).resolve().parents[2]
FRIDAY_CHECKIN = datetime(2026, 3, 6, 9, 30, tzinfo=SHANGHAI)


def fanout_workbook(officials: int) -> Workbook:
    people = [SheetPerson(2, "协调员", "巡察办", frozenset({Role.COORDINATOR}))]
    tasks = []
    for i in range(officials):
        name = f"官员{i:04d}"
        people.append(SheetPerson(3 + i, name, f"单位{i % 12}", frozenset({Role.OFFICIAL})))
        tasks.append(
            SheetTask(
                3 + i,
                f"{i + 1}.1",
                "类别",
                f"问题{i}",
                f"措施{i}",
                f"单位{i % 12}",
                name,
                None,
                date(2026, 12, 31),
                TaskKind.BOUNDED,
            )
        )
    return Workbook(people=tuple(people), tasks=tuple(tasks))


@dataclass
class Fanout:
    """The simulated accounts of a populated campaign."""

    officials: dict[int, SimUser]
    coordinator: SimUser


async def populate(world: World, officials: int) -> Fanout:
    """Import officials with one task each and a coordinator; give each a simulated account."""
    world.clock.set(FRIDAY_CHECKIN - timedelta(days=3))  # the tasks exist before the check-in
    await importing.import_workbook(
        uow=world.uow(),
        clock=world.clock,
        workbook=fanout_workbook(officials),
        campaign_name="扇出",
    )
    users: dict[int, SimUser] = {}
    coordinator: SimUser | None = None
    async with world.uow() as uow:
        for person in await uow.people.active():
            user = world.sim.user(first_name=person.name)
            await uow.people.bind(person.id, user.id, None)
            if Role.COORDINATOR in person.roles:
                coordinator = user
            else:
                users[person.id] = user
        await uow.commit()
    assert coordinator is not None
    return Fanout(users, coordinator)


async def checkin_now(world: World) -> int:
    """Tick at Friday's check-in (after an initial tick that starts the rhythm)."""
    world.clock.set(FRIDAY_CHECKIN - timedelta(hours=1))
    await world.tick()
    world.clock.set(FRIDAY_CHECKIN)
    return (await world.tick()).enqueued


def new_sender(world: World, **config: float) -> OutboxSender:
    return OutboxSender(
        bot=world.app.bot,
        uow=world.uow,
        clock=world.clock,
        pacer=Pacer(Limits(per_second=0, private_interval=0, group_interval=0)),
        config=SenderConfig(**config),  # type: ignore[arg-type]
    )


def received(users: dict[int, SimUser]) -> Counter[int]:
    return Counter({pid: len(u.inbox) for pid, u in users.items()})


@pytest_asyncio.fixture
async def world(database_url: str, tmp_path: Path, clock: ManualClock):  # type: ignore[no-untyped-def]
    started = await start_world(database_url, tmp_path / "data", clock)
    try:
        yield started
    finally:
        await stop_world(started)


async def test_a_sender_killed_mid_fanout_and_restarted_reaches_everyone_once(
    world: World, database_url: str, tmp_path: Path
) -> None:
    officials = (await populate(world, 500)).officials
    assert await checkin_now(world) == 500

    # `rectibot send` in its own process, killed with SIGKILL in the middle of the fan-out.
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": world.sim.base_url.removesuffix("/bot"),
        "HTTP_LISTEN": "127.0.0.1:0",  # any free port: runs and replicas side by side
        "DATABASE_URL": database_url,
        "DATA_DIR": str(tmp_path / "data"),
        "SEND_RATE_PER_SECOND": "30",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "send",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    await world.sim.wait_until(lambda: len(world.sim.sent) >= 200, timeout=60)
    process.kill()
    await process.wait()
    await asyncio.sleep(0.5)  # requests the dead process had on the wire land or fail
    sent_before = len(world.sim.sent)

    # A new sender takes over the rows the dead one had claimed (older than 5 minutes).
    world.clock.set(datetime.now(UTC) + timedelta(minutes=6))
    await new_sender(world).drain()
    counts = received(officials)
    assert set(counts) == set(officials)
    assert min(counts.values()) == 1  # everyone got the check-in
    repeated = sum(n - 1 for n in counts.values())
    # Only what the dead sender had sent but not yet written down may repeat: the sends in
    # flight plus at most one recording batch (SenderConfig.record_batch).
    assert repeated <= SenderConfig().concurrency + SenderConfig().record_batch, repeated
    print(f"killed after {sent_before} sends; {repeated} check-ins were sent twice")
    statuses = await rows(world, select(OutboxRow.status))
    assert Counter(s for (s,) in statuses) == {"sent": 500}


async def test_429_pauses_sending_and_loses_nothing(world: World) -> None:
    users = (await populate(world, 30)).officials
    await checkin_now(world)
    world.sim.faults.add(method="sendMessage", error_code=429, retry_after=1, times=3)
    stats = await new_sender(world).drain()
    assert stats.rate_limited == 3
    counts = received(users)
    assert sum(counts.values()) == 30
    assert max(counts.values()) == 1


async def test_server_errors_are_retried_with_backoff(world: World) -> None:
    users = (await populate(world, 10)).officials
    await checkin_now(world)
    world.sim.faults.add(method="sendMessage", error_code=502, description="Bad Gateway", times=4)
    first = await new_sender(world).drain()
    assert first.retried == 4
    assert sum(received(users).values()) == 6
    world.clock.advance(timedelta(seconds=3))  # the first backoff is 2 seconds
    second = await new_sender(world).drain()
    assert second.messages == 4
    assert sorted(received(users).values()) == [1] * 10


async def test_a_timeout_is_retried_and_may_repeat_only_that_message(world: World) -> None:
    users = (await populate(world, 5)).officials
    await checkin_now(world)
    world.sim.faults.add(method="sendMessage", delay=1.0, times=1)
    stats = await new_sender(world, timeout=0.3).drain()
    assert stats.retried == 1
    world.clock.advance(timedelta(seconds=3))
    await new_sender(world, timeout=0.3).drain()
    await asyncio.sleep(1.0)  # let the slow call finish on the simulator side
    counts = received(users)
    assert sum(1 for n in counts.values() if n >= 1) == 5
    assert sum(counts.values()) <= 6  # the timed-out message may have arrived too


async def test_a_user_who_blocked_the_bot_is_marked_and_the_coordinator_told_once(
    world: World,
) -> None:
    fanout = await populate(world, 5)
    users = fanout.officials
    await checkin_now(world)
    blocked_id = next(iter(users))
    users[blocked_id].block_bot()
    await world.settle()  # the bot handled the block
    stats = await new_sender(world).drain()
    await new_sender(world).drain()
    notices = [m for m in fanout.coordinator.inbox if "无法送达" in m.text]
    assert len(notices) == 1
    assert users[blocked_id].inbox == []
    reachable = await rows(world, select(PersonRow.reachable).where(PersonRow.id == blocked_id))
    assert reachable == [(False,)]
    assert stats.messages >= 4

    users[blocked_id].unblock_bot()
    await users[blocked_id].command("start")
    await users[blocked_id].next_message()
    reachable = await rows(world, select(PersonRow.reachable).where(PersonRow.id == blocked_id))
    assert reachable == [(True,)]


async def test_a_blocked_user_found_only_when_sending_is_reported_too(world: World) -> None:
    fanout = await populate(world, 3)
    users = fanout.officials
    await checkin_now(world)
    victim = next(iter(users))
    world.sim.faults.add(
        method="sendMessage",
        chat_id=users[victim].id,
        error_code=403,
        description="Forbidden: user is deactivated",
        times=0,
    )
    stats = await new_sender(world).drain()
    assert stats.unreachable == 1
    await new_sender(world).drain()  # the notice to the coordinator
    assert any("无法送达" in m.text for m in fanout.coordinator.inbox)


async def test_a_group_that_became_a_supergroup_is_followed(
    database_url: str, tmp_path: Path, clock: ManualClock
) -> None:
    sim = BotApiSimulator(token=TOKEN, bot_username=BOT_USERNAME)
    group = sim.group("领导小组")
    world = await start_world(
        database_url, tmp_path / "data", clock, sim=sim, digest_group_chat_ids=(group.id,)
    )
    try:
        await populate(world, 3)
        new_id = group.migrate_to_supergroup()
        world.clock.set(datetime(2026, 3, 9, 8, 0, tzinfo=SHANGHAI))
        await world.tick()
        world.clock.set(datetime(2026, 3, 9, 9, 0, tzinfo=SHANGHAI))  # Monday digest
        await world.tick()
        stats = await new_sender(world).drain()
        assert stats.migrated == 1
        digests = [m for m in group.inbox if "周报" in m.text]
        assert len(digests) == 1
        assert digests[0].chat_id == new_id
        assert "官员" not in digests[0].text  # groups get units and figures, never people
    finally:
        await stop_world(world)


async def test_two_senders_on_one_database_never_send_a_message_twice(
    world: World, database_url: str
) -> None:
    users = (await populate(world, 100)).officials
    await checkin_now(world)
    engine = make_engine(database_url)  # a second process's own connections
    try:
        other = OutboxSender(
            bot=world.app.bot,
            uow=lambda: SqlUnitOfWork(make_session_factory(engine)),
            clock=world.clock,
            pacer=Pacer(Limits(per_second=0, private_interval=0, group_interval=0)),
            config=SenderConfig(batch=10),
        )
        mine = new_sender(world, batch=10)
        # A claim that lost a write race may fail (SQLite: busy snapshot); it never duplicates.
        await asyncio.gather(mine.drain(), other.drain(), return_exceptions=True)
        await mine.drain()
    finally:
        await engine.dispose()
    counts = received(users)
    assert sorted(set(counts.values())) == [1]
    assert len(counts) == 100


async def test_a_long_outage_delays_check_ins_and_loses_none(world: World) -> None:
    fanout = await populate(world, 20)
    await checkin_now(world)
    world.sim.faults.add(method="sendMessage", error_code=502, description="Bad Gateway", times=0)
    for _ in range(12):  # two hours of outage, far past the old 8 attempts
        await new_sender(world).drain()
        world.clock.advance(timedelta(minutes=11))
    assert sum(received(fanout.officials).values()) == 0
    statuses = await rows(world, select(OutboxRow.status))
    assert "failed" not in {s for (s,) in statuses}
    world.sim.faults.clear()
    await new_sender(world).drain()
    assert sorted(received(fanout.officials).values()) == [1] * 20


async def test_a_message_stale_for_its_kind_is_given_up_and_the_coordinator_told(
    world: World,
) -> None:
    fanout = await populate(world, 3)
    await checkin_now(world)
    officials = set(fanout.officials.values())
    rule = world.sim.faults.add(method="sendMessage", error_code=502, times=0)
    await new_sender(world).drain()
    world.clock.advance(timedelta(days=3, minutes=1))  # a check-in is worth three days
    await new_sender(world).drain()
    world.sim.faults.rules.remove(rule)
    world.clock.advance(timedelta(minutes=1))  # the notices failed once too, in the outage
    await new_sender(world).drain()
    assert all(user.inbox == [] for user in officials)  # too late for last week's check-in
    notices = [m for m in fanout.coordinator.inbox if "已过时效" in m.text]
    assert len(notices) == 3  # one per check-in given up, never silent


async def test_chat_not_found_marks_the_person_unreachable_and_tells_the_coordinator(
    world: World,
) -> None:
    fanout = await populate(world, 3)
    victim = next(iter(fanout.officials))
    async with world.uow() as uow:  # an account Telegram no longer knows
        await uow.people.unbind(fanout.officials[victim].id)
        await uow.people.bind(victim, 999_999_999, None)
        await uow.commit()
    await checkin_now(world)
    stats = await new_sender(world).drain()
    assert stats.unreachable == 1
    await new_sender(world).drain()
    assert any("无法送达" in m.text for m in fanout.coordinator.inbox)
