"""The JobQueue's callbacks on the real Application: the rhythm's tick and the orphan sweep."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from telegram.ext import CallbackContext

from bot.context import BotContext
from domain.delivery import inbox
from scheduler import jobs
from simulator import SimUser
from storage.tables import OutboxRow, ProgressUpdateRow, RhythmRunRow
from tests.e2e.conftest import World, rows
from tests.e2e.test_delivery import FRIDAY_CHECKIN, populate

ORPHAN_ID = 5_000_000  # far from the simulator's own update ids


def job_context(world: World) -> BotContext:
    """The context PTB hands a job callback of this Application."""
    return CallbackContext(world.app)


async def checkins(world: World) -> list[tuple[int]]:
    return await rows(
        world, select(OutboxRow.chat_id).where(OutboxRow.kind == "checkin").order_by("chat_id")
    )


async def test_the_tick_at_the_check_in_queues_it_records_the_run_and_wakes_the_sender(
    world: World,
) -> None:
    officials = (await populate(world, 3)).officials
    services = world.app.bot_data
    world.clock.set(FRIDAY_CHECKIN - timedelta(hours=1))
    await jobs.tick(job_context(world))  # the first tick only notes the start
    assert not services.rhythm.wake.is_set()  # nothing queued: the sender sleeps on

    world.clock.set(FRIDAY_CHECKIN)
    await jobs.tick(job_context(world))
    assert services.rhythm.wake.is_set()
    assert await checkins(world) == sorted((user.id,) for user in officials.values())
    runs = await rows(world, select(RhythmRunRow.kind, RhythmRunRow.status))
    assert ("checkin", "done") in runs
    assert services.metrics.ticks.count == 2


async def test_a_second_tick_at_the_same_moment_queues_nothing_and_leaves_the_sender_asleep(
    world: World,
) -> None:
    await populate(world, 3)
    services = world.app.bot_data
    world.clock.set(FRIDAY_CHECKIN - timedelta(hours=1))
    await jobs.tick(job_context(world))
    world.clock.set(FRIDAY_CHECKIN)
    await jobs.tick(job_context(world))
    queued = await checkins(world)
    services.rhythm.wake.clear()  # the sender woke and drained

    await jobs.tick(job_context(world))
    assert not services.rhythm.wake.is_set()
    assert await checkins(world) == queued
    assert services.metrics.ticks.count == 3  # it did tick (and found everything done)


async def test_a_tick_after_a_long_stop_logs_the_check_in_it_missed_and_wakes_the_sender(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    fanout = await populate(world, 2)
    services = world.app.bot_data
    world.clock.set(FRIDAY_CHECKIN - timedelta(hours=1))
    await jobs.tick(job_context(world))
    world.clock.set(FRIDAY_CHECKIN + timedelta(hours=25))  # down past the 24 hours of catch-up
    with caplog.at_level(logging.WARNING, logger="scheduler.jobs"):
        await jobs.tick(job_context(world))
    assert ("checkin", "missed") in await rows(
        world, select(RhythmRunRow.kind, RhythmRunRow.status)
    )
    assert any(
        r.levelno == logging.WARNING and r.getMessage().startswith("rhythm: checkin ")
        and "missed (due 2026-03-06 09:30:00+08:00)" in r.getMessage()
        for r in caplog.records
    )  # fmt: skip
    assert await checkins(world) == []  # too late to ask
    assert services.rhythm.wake.is_set()  # the coordinators' notice of the missed run waits
    notices = await rows(world, select(OutboxRow.chat_id).where(OutboxRow.kind != "checkin"))
    assert (fanout.coordinator.id,) in notices


async def test_while_another_process_ticks_on_postgresql_the_job_counts_it_and_does_nothing(
    world: World, database_url: str
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite runs one process per file (bot/single.py): no tick to share")
    await populate(world, 3)
    services = world.app.bot_data
    world.clock.set(FRIDAY_CHECKIN - timedelta(hours=1))
    await jobs.tick(job_context(world))
    world.clock.set(FRIDAY_CHECKIN)
    async with world.uow() as other:  # another replica, in the middle of its tick
        assert await other.runs.claim_tick()
        await jobs.tick(job_context(world))
        await other.commit()
    assert services.metrics.ticks_elsewhere == 1
    assert services.metrics.ticks.count == 1  # only the first tick was this process's
    assert not services.rhythm.wake.is_set()
    assert await checkins(world) == []

    await jobs.tick(job_context(world))  # the other replica finished: this one ticks again
    assert services.metrics.ticks_elsewhere == 1
    assert len(await checkins(world)) == 3


async def store_orphan(world: World, user: SimUser, text: str) -> None:
    """Store a message as a process killed before handling it would have left it."""
    message = world.sim.state.new_message(user.chat, user.json, {"text": text})
    await inbox.store_update(
        uow=world.uow(),
        clock=world.clock,
        update_id=ORPHAN_ID,
        payload={"update_id": ORPHAN_ID, "message": message},
    )


async def reports(world: World) -> list[tuple[str]]:
    return await rows(world, select(ProgressUpdateRow.text))


async def test_the_sweep_handles_a_report_a_stopped_process_stored_once_it_is_old_enough(
    world: World,
) -> None:
    official = next(iter((await populate(world, 1)).officials.values()))
    await store_orphan(world, official, "已完成调研，进度60%")

    world.clock.advance(inbox.ORPHAN_AGE / 2)  # its process may still be handling it
    await jobs.adopt_orphans(job_context(world))
    assert await reports(world) == []
    assert official.inbox == []

    world.clock.advance(inbox.ORPHAN_AGE / 2 + timedelta(seconds=1))
    await jobs.adopt_orphans(job_context(world))
    assert await reports(world) == [("已完成调研，进度60%",)]
    assert len(official.inbox) == 1  # the acknowledgement the dead process never sent
    assert await inbox.pending(uow=world.uow()) == []


async def test_an_orphan_is_handled_by_one_sweep_only(world: World) -> None:
    official = next(iter((await populate(world, 1)).officials.values()))
    await store_orphan(world, official, "进度80%")
    world.clock.advance(inbox.ORPHAN_AGE + timedelta(seconds=1))
    await jobs.adopt_orphans(job_context(world))
    await world.settle()
    answered = len(official.inbox)

    world.clock.advance(inbox.ORPHAN_AGE + timedelta(seconds=1))
    await jobs.adopt_orphans(job_context(world))
    await world.settle()
    assert len(official.inbox) == answered == 1
    count = await rows(world, select(func.count()).select_from(ProgressUpdateRow))
    assert count == [(1,)]
