"""Engine and session factory construction (nothing is created at import time)."""

from __future__ import annotations

import socket
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)


def make_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """Create an async engine; SQLite gets foreign keys, a busy timeout and one connection.

    SQLite lets one writer in at a time. With a pool, concurrent handlers' transactions meet at
    the file lock and wait there (the busy handler polls); measured with bench/inbound.py, that
    doubled the CPU per report and halved the rate. One connection makes them queue in order in
    the process instead; work that takes long (imports, exports) runs outside transactions.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            from pathlib import Path

            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            kwargs.setdefault("pool_size", 1)  # (an in-memory database has one already)
            kwargs.setdefault("max_overflow", 0)
        kwargs.setdefault("connect_args", {"timeout": 30})
        engine = create_async_engine(url, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_async_engine(url, **kwargs)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # WAL with NORMAL sync: commits survive a crash of the process, fsync happens at checkpoints.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Create the session factory; objects stay readable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)


def describe_failure(exc: BaseException, url: str) -> str | None:
    """One sentence naming DATABASE_URL and the fix, for a database that cannot be used.

    None when `exc` is not about reaching or opening the database (a bug, say).
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_failure(exc, parsed.database or "")
    where = f"{parsed.host or 'localhost'}:{parsed.port or 5432}"
    if isinstance(exc, ConnectionRefusedError):
        return f"DATABASE_URL: nothing answers at {where} (connection refused); is PostgreSQL running there?"
    if isinstance(exc, socket.gaierror):
        return f"DATABASE_URL: the host {parsed.host!r} is unknown; check the host name."
    if isinstance(exc, TimeoutError):
        return f"DATABASE_URL: {where} did not answer in time; check the host, port and firewall."
    if isinstance(exc, OSError):
        return f"DATABASE_URL: cannot connect to {where}: {exc.strerror or exc}."
    if isinstance(exc, DBAPIError):
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        if "does not exist" in reason and "database" in reason:
            return (
                f"DATABASE_URL: the database {parsed.database!r} does not exist on {where}; "
                f"create it (createdb -h {parsed.host} -U {parsed.username} {parsed.database}) "
                "or fix the name."
            )
        if "role" in reason or "password" in reason or "authentication" in reason:
            return f"DATABASE_URL: PostgreSQL at {where} refused the login ({reason}); fix the user or password."
        return f"DATABASE_URL: PostgreSQL at {where} refused: {reason}."
    return None


def _sqlite_failure(exc: BaseException, path: str) -> str | None:
    if isinstance(exc, OSError):
        return f"DATABASE_URL: cannot create the SQLite file {path}: {exc.strerror or exc}; choose a writable folder."
    if isinstance(exc, DBAPIError):
        reason = str(exc.orig).strip() if exc.orig else str(exc)
        if "locked" in reason:
            return (
                f"DATABASE_URL: the SQLite file {path} is locked by another process; stop it first."
            )
        return f"DATABASE_URL: cannot use the SQLite file {path} ({reason}); is it a rectibot database?"
    return None
