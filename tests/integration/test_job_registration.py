"""The production wiring puts the rhythm's jobs on PTB's JobQueue, firing when they should."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest_asyncio
from telegram.ext import Job

from bot.app import build_application
from bot.context import BotApp
from bot.harness import settings_for
from scheduler import jobs
from tests.conftest import SHANGHAI

MONDAY = datetime(2026, 3, 2, 0, 0, tzinfo=SHANGHAI)  # an ordinary week, no holidays


async def production_app(tmp_path: Path, **settings: object) -> BotApp:
    """Build the Application exactly as `rectibot run` does (no overrides, scheduler on)."""
    return build_application(
        settings_for(f"sqlite+aiosqlite:///{tmp_path / 'rectibot.sqlite3'}", tmp_path, **settings)
    )


@pytest_asyncio.fixture
async def make_app(tmp_path: Path) -> AsyncIterator[Callable[..., Awaitable[BotApp]]]:
    """Yield a builder of production Applications; close their database pools afterwards."""
    built: list[BotApp] = []

    async def make(**settings: object) -> BotApp:
        app = await production_app(tmp_path, **settings)
        built.append(app)
        return app

    yield make
    for app in built:
        await app.bot_data.close()


def jobs_of(app: BotApp) -> dict[str, Job[Any]]:
    """The JobQueue's jobs by name."""
    assert app.job_queue is not None
    return {job.name or "": job for job in app.job_queue.jobs()}


def fire_times(job: Job[Any], since: datetime, until: datetime) -> list[datetime]:
    """When APScheduler would run the job in [since, until), in Shanghai time."""
    trigger = job.job.trigger
    times: list[datetime] = []
    previous = None
    moment = since
    while (fire := trigger.get_next_fire_time(previous, moment)) is not None and fire < until:
        times.append(fire.astimezone(SHANGHAI))
        previous, moment = fire, fire + timedelta(seconds=1)
    return times


def daily_ticks(app: BotApp) -> dict[str, list[datetime]]:
    """The daily tick jobs and their fire times over one week."""
    return {
        name: fire_times(job, MONDAY, MONDAY + timedelta(days=7))
        for name, job in jobs_of(app).items()
        if name.startswith("tick@")
    }


def every_day_at(hour: int, minute: int) -> list[datetime]:
    """The moments of the week starting MONDAY at this time of day."""
    return [MONDAY + timedelta(days=d, hours=hour, minutes=minute) for d in range(7)]


async def test_every_configured_time_wakes_the_tick_every_day_of_the_week(
    make_app: Callable[..., Awaitable[BotApp]],
) -> None:
    app = await make_app(
        checkin_at="fri 09:31",
        nudge_at="fri 16:02",
        unit_head_notice_at="mon 09:33",
        digest_at="mon 09:04",
        escalation_at="fri 17:05",
        bulletin_time="15:06",
        quarterly_time="15:37",
        deadline_warning_time="09:08",  # the deadline warnings and the sign-off check
        working_hours="08:39-18:00",
    )
    # A run moved off a day off keeps its time of day, so each time fires on every day.
    expected = {
        f"tick@{hour:02d}:{minute:02d}": every_day_at(hour, minute)
        for hour, minute in [
            (8, 39), (9, 4), (9, 8), (9, 31), (9, 33), (15, 6), (15, 37), (16, 2), (17, 5)
        ]
    }  # fmt: skip
    assert daily_ticks(app) == expected


async def test_runs_due_at_the_same_time_share_one_daily_tick(
    make_app: Callable[..., Awaitable[BotApp]],
) -> None:
    app = await make_app()  # the defaults: check-in and unit heads at 09:30, ...
    assert sorted(daily_ticks(app)) == [
        "tick@08:30",  # the working window opens
        "tick@09:00",  # digest, deadline warnings, sign-off check
        "tick@09:30",  # check-in, unit heads
        "tick@16:00",  # nudge, monthly bulletin
        "tick@16:30",  # quarterly summary
        "tick@17:00",  # escalation
    ]


async def test_a_tick_a_second_after_start_then_every_minute_and_an_orphan_sweep_each_minute(
    make_app: Callable[..., Awaitable[BotApp]],
) -> None:
    before = datetime.now(SHANGHAI)
    app = await make_app()
    built = datetime.now(SHANGHAI) - before
    by_name = jobs_of(app)
    assert by_name["tick"].callback is jobs.tick
    assert by_name["orphans"].callback is jobs.adopt_orphans
    assert all(by_name[name].callback is jobs.tick for name in by_name if name.startswith("tick@"))
    ticks = fire_times(by_name["tick"], before, before + timedelta(minutes=5))
    sweeps = fire_times(by_name["orphans"], before, before + timedelta(minutes=5))
    # The first tick catches up at once after a restart; the sweep waits for the start's replay.
    assert timedelta(seconds=1) <= ticks[0] - before <= timedelta(seconds=1) + built
    assert timedelta(minutes=1) <= sweeps[0] - before <= timedelta(minutes=1) + built
    assert [b - a for a, b in pairwise(ticks)] == [timedelta(minutes=1)] * 4
    assert [b - a for a, b in pairwise(sweeps)] == [timedelta(minutes=1)] * 3


async def test_no_job_is_dropped_for_being_late_nor_run_twice_at_once(
    make_app: Callable[..., Awaitable[BotApp]],
) -> None:
    app = await make_app()
    for name, job in jobs_of(app).items():
        # PTB's JobQueue would drop a job more than a second late; the tick is idempotent.
        assert job.job.misfire_grace_time is None, name
        assert job.job.coalesce is True, name
        assert job.job.max_instances == 1, name
