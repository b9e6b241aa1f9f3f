"""Unit of work: one session and transaction per update or job."""

from __future__ import annotations

import asyncio
from contextlib import AbstractAsyncContextManager
from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.repositories import (
    SqlAudit,
    SqlCampaigns,
    SqlChatMigrations,
    SqlGrades,
    SqlInvites,
    SqlLookbacks,
    SqlOutbox,
    SqlPeople,
    SqlReports,
    SqlRunLog,
    SqlSnapshots,
    SqlStateStore,
    SqlSupports,
    SqlTasks,
    SqlUpdateInbox,
)
from storage.workflow import SqlBatches, SqlExtensions, SqlPrompts, SqlStaging


class TaskLock:
    """An asyncio lock the holding task may take again (a unit of work opened inside another)."""

    def __init__(self) -> None:
        self._lock = asyncio.Lock()
        self._owner: asyncio.Task[object] | None = None
        self._depth = 0

    async def acquire(self) -> None:
        """Wait for the lock unless this task holds it already."""
        task = asyncio.current_task()
        if self._owner is not task or task is None:
            await self._lock.acquire()
            self._owner = task
        self._depth += 1

    def release(self) -> None:
        """Give one hold back; the lock is free when the outermost one is."""
        self._depth -= 1
        if not self._depth:
            self._owner = None
            self._lock.release()


class SqlUnitOfWork:
    """Open a session on enter; roll back on exit unless the service committed.

    With `serial`, units of work of one process take turns (SQLite: one writer at a time
    anyway; waiting here in FIFO order beats SQLite's busy handler sleeping and polling).
    """

    def __init__(
        self, session_factory: async_sessionmaker[AsyncSession], serial: TaskLock | None = None
    ) -> None:
        self._factory = session_factory
        self._session: AsyncSession | None = None
        self._serial = serial

    async def __aenter__(self) -> SqlUnitOfWork:
        if self._serial is not None:
            await self._serial.acquire()
        try:
            session = self._factory()
        except BaseException:
            if self._serial is not None:
                self._serial.release()
            raise
        self._session = session
        self.people = SqlPeople(session)
        self.invites = SqlInvites(session)
        self.campaigns = SqlCampaigns(session)
        self.lookbacks = SqlLookbacks(session)
        self.grades = SqlGrades(session)
        self.supports = SqlSupports(session)
        self.tasks = SqlTasks(session)
        self.reports = SqlReports(session)
        self.audit = SqlAudit(session)
        self.outbox = SqlOutbox(session)
        self.runs = SqlRunLog(session)
        self.state = SqlStateStore(session)
        self.snapshots = SqlSnapshots(session)
        self.chats = SqlChatMigrations(session)
        self.inbox = SqlUpdateInbox(session)
        self.staging = SqlStaging(session)
        self.prompts = SqlPrompts(session)
        self.extensions = SqlExtensions(session)
        self.batches = SqlBatches(session)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._session is not None
        try:
            await self._session.rollback()
        finally:
            await self._session.close()
            self._session = None
            if self._serial is not None:
                self._serial.release()

    def savepoint(self) -> AbstractAsyncContextManager[object]:
        """A SAVEPOINT: an exception inside rolls back to it, the outer work stays."""
        assert self._session is not None
        return self._session.begin_nested()

    async def commit(self) -> None:
        """Commit the work done so far."""
        assert self._session is not None
        await self._session.commit()

    async def rollback(self) -> None:
        """Discard the work done so far."""
        assert self._session is not None
        await self._session.rollback()
