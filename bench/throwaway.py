"""A throwaway database for a benchmark run: a SQLite file, or a uniquely named PostgreSQL one."""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import text as sql
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine


@asynccontextmanager
async def database(server_url: str | None, folder: Path, prefix: str) -> AsyncIterator[str]:
    """Yield the URL of a new empty database; a PostgreSQL one is dropped afterwards.

    The server URL's own database is only used to issue CREATE and DROP.
    """
    if server_url is None:
        yield f"sqlite+aiosqlite:///{folder / f'{prefix}.sqlite3'}"
        return
    server = make_url(server_url)
    if server.get_backend_name() != "postgresql":
        raise SystemExit(f"--database-url must be PostgreSQL, not {server.get_backend_name()}")
    name = f"rectibot_{prefix}_{os.getpid()}_{secrets.token_hex(4)}"
    admin = create_async_engine(server, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(sql(f'CREATE DATABASE "{name}"'))
        try:
            yield server.set(database=name).render_as_string(hide_password=False)
        finally:
            async with admin.connect() as connection:
                await connection.execute(sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await admin.dispose()
