"""Shared fixtures: a real database per test, on SQLite and (where present) PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import pytest_asyncio

from bot.clock import ManualClock
from domain.ports import UnitOfWork
from storage.database import make_engine, make_session_factory
from storage.migrate import upgrade
from storage.uow import SqlUnitOfWork

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Shipped with the project as demo data (a copy of shared/corpus/putuo_tasks.xlsx).
PUTUO_XLSX = Path(__file__).resolve().parents[1] / "bot" / "data" / "putuo_tasks.xlsx"
PG_URL = os.environ.get(
    "RECTIBOT_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
_pg_state: dict[str, str | None] = {}


def _postgres_problem() -> str | None:
    """Return why PostgreSQL cannot be used, or None when it can (checked once)."""
    if "problem" in _pg_state:
        return _pg_state["problem"]
    parts = urlsplit(PG_URL.replace("+asyncpg", ""))
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 5432), 2):
            pass
        problem = None
    except OSError as exc:
        problem = f"PostgreSQL not reachable at {parts.hostname}:{parts.port} ({exc})"
    _pg_state["problem"] = problem
    return problem


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say loudly when the PostgreSQL half of the suite did not run."""
    problem = _pg_state.get("problem")
    if problem:
        terminalreporter.write_sep("!", f"PostgreSQL tests SKIPPED: {problem}", yellow=True)


def _admin_dsn(database: str | None = None) -> str:
    """The plain asyncpg DSN of PG_URL, on ``database`` when given."""
    parts = urlsplit(PG_URL.replace("postgresql+asyncpg", "postgresql"))
    return parts._replace(path=f"/{database}" if database else parts.path).geturl()


async def _create_database(name: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(_admin_dsn())
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def _drop_database(name: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(_admin_dsn())
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


async def _empty_schema(name: str) -> None:
    """Empty the schema of a database this run created (never one it did not)."""
    import asyncpg

    conn = await asyncpg.connect(_admin_dsn(name))
    try:
        await conn.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;")
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str | None]:
    """Create this run's own uniquely named PostgreSQL database; drop it at the end.

    Yields its name, or None when PostgreSQL is not reachable. Two runs at once each have
    their own database, so neither resets the other's.
    """
    if _postgres_problem():
        yield None
        return
    name = f"rectibot_test_{os.getpid()}_{secrets.token_hex(4)}"
    asyncio.run(_create_database(name))
    try:
        yield name
    finally:
        asyncio.run(_drop_database(name))


@pytest_asyncio.fixture(params=["sqlite", "postgres"])
async def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, postgres_database: str | None
) -> AsyncIterator[str]:
    """Yield the URL of an empty, migrated database of each kind."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'rectibot.sqlite3'}"
    else:
        problem = _postgres_problem()
        if problem or postgres_database is None:
            if os.environ.get("CI") == "true":
                pytest.fail(f"CI=true and {problem}")
            pytest.skip(problem or "PostgreSQL unavailable")
        await _empty_schema(postgres_database)
        url = urlsplit(PG_URL)._replace(path=f"/{postgres_database}").geturl()
    await upgrade(url)
    yield url


@pytest_asyncio.fixture
async def uow_factory(database_url: str) -> AsyncIterator[Callable[[], UnitOfWork]]:
    """Yield a factory of units of work on the test database."""
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    yield lambda: SqlUnitOfWork(factory)
    await engine.dispose()


@pytest.fixture
def clock() -> ManualClock:
    """A clock standing on Monday 2026-11-30, 10:00 Shanghai time."""
    return ManualClock(datetime(2026, 11, 30, 10, 0, tzinfo=SHANGHAI))


@pytest.fixture
def putuo_bytes() -> bytes:
    """The Putuo example workbook (41 problems, 152 measures)."""
    return PUTUO_XLSX.read_bytes()
