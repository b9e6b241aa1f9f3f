"""ProcessLock: one process of several holds it; it goes with its connection, and comes back."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.database import make_engine
from storage.leases import ProcessLock

KEY = 0x7465737420  # this file's own key: no production lock shares it


@pytest_asyncio.fixture
async def engines(database_url: str) -> AsyncIterator[tuple[AsyncEngine, AsyncEngine]]:
    """Two engines on the test database, as two processes would have."""
    first, second = make_engine(database_url), make_engine(database_url)
    yield first, second
    await first.dispose()
    await second.dispose()


# SQLite runs one process per file (bot/single.py): only PostgreSQL has anything to share.
# The database_url fixture fails (rather than skips) when CI=true and PostgreSQL is missing.
on_postgresql = pytest.mark.parametrize("database_url", ["postgres"], indirect=True)


async def backend_pid(lock: ProcessLock) -> int:
    connection = lock._connection
    assert connection is not None
    return int(await connection.scalar(select(func.pg_backend_pid())) or 0)


async def terminate(engine: AsyncEngine, pid: int) -> None:
    async with engine.connect() as connection:
        assert await connection.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})


async def test_on_sqlite_the_lock_is_always_taken_and_held(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'rectibot.sqlite3'}")
    try:
        first, second = ProcessLock(engine, KEY), ProcessLock(engine, KEY)
        assert await first.acquire()
        assert await second.acquire()
        assert await first.held()
        await first.release()
        assert await first.held()
    finally:
        await engine.dispose()


@pytest.mark.postgres
@on_postgresql
async def test_a_second_process_waits_until_the_first_releases_the_lock(
    engines: tuple[AsyncEngine, AsyncEngine],
) -> None:
    first, second = ProcessLock(engines[0], KEY), ProcessLock(engines[1], KEY)
    assert not await first.held()  # not taken yet

    assert await first.acquire()
    assert not await second.acquire()
    assert await first.held()
    assert not await second.held()

    await first.release()  # unlocked, not only handed back to its pool with the lock
    await first.release()  # twice is harmless
    assert not await first.held()
    assert await second.acquire()
    assert not await first.acquire()
    await second.release()


@pytest.mark.postgres
@on_postgresql
async def test_a_lock_whose_connection_was_killed_is_no_longer_held_and_another_takes_it(
    engines: tuple[AsyncEngine, AsyncEngine],
) -> None:
    first, second = ProcessLock(engines[0], KEY), ProcessLock(engines[1], KEY)
    assert await first.acquire()
    await terminate(engines[1], await backend_pid(first))  # a database restart, say

    assert not await first.held()
    assert first._connection is None  # dropped, never handed back to the pool
    assert await second.acquire()
    await second.release()


@pytest.mark.postgres
@on_postgresql
async def test_releasing_a_lock_after_its_connection_died_does_not_raise(
    engines: tuple[AsyncEngine, AsyncEngine],
) -> None:
    first, second = ProcessLock(engines[0], KEY), ProcessLock(engines[1], KEY)
    assert await first.acquire()
    await terminate(engines[1], await backend_pid(first))

    await first.release()

    assert first._connection is None
    assert not await first.held()
    assert await second.acquire()
    await second.release()
