"""Process-wide locks on PostgreSQL: what one process of many must hold alone.

A session-level advisory lock lives as long as the connection that took it: held for the
process's life, it goes by itself when the process (or its connection) dies, so there is no
lease to renew and nothing to clean up. SQLite needs none: one process per file (bot/single.py).
"""

from __future__ import annotations

import contextlib

from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

POLLER_LOCK = 0x706F6C6C  # "poll": the one process that long-polls Telegram


class ProcessLock:
    """An advisory lock held on its own connection until released."""

    def __init__(self, engine: AsyncEngine, key: int) -> None:
        self._engine, self._key = engine, key
        self._connection: AsyncConnection | None = None

    async def acquire(self) -> bool:
        """Take the lock; False when another process holds it (always True on SQLite)."""
        if self._engine.dialect.name != "postgresql":
            return True
        connection = await self._engine.connect()
        taken = bool(await connection.scalar(select(func.pg_try_advisory_lock(self._key))))
        await connection.commit()  # the session lock outlives the transaction
        if not taken:
            await connection.close()
            return False
        self._connection = connection
        return True

    async def held(self) -> bool:
        """Whether the lock is still ours: its connection may have died (a database restart)."""
        if self._engine.dialect.name != "postgresql":
            return True
        if self._connection is None:
            return False
        try:
            await self._connection.scalar(select(1))
            await self._connection.commit()
        except (DBAPIError, OSError):
            await self._drop()
            return False
        return True

    async def release(self) -> None:
        """Give the lock up (a connection that died took it with it already)."""
        if self._connection is None:
            return
        try:
            # Unlock first: closing only hands the connection back to the pool, lock and all.
            await self._connection.scalar(select(func.pg_advisory_unlock(self._key)))
            await self._connection.commit()
            await self._connection.close()
            self._connection = None
        except (DBAPIError, OSError):
            await self._drop()

    async def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(DBAPIError, OSError):
                await connection.invalidate()  # never back into the pool
                await connection.close()
