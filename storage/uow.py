"""Unit of work: one session and transaction per update or job."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.repositories import (
    SqlAudit,
    SqlCampaigns,
    SqlInvites,
    SqlOutbox,
    SqlPeople,
    SqlReports,
    SqlRhythm,
    SqlTasks,
)
from storage.workflow import SqlBatches, SqlExtensions, SqlPrompts, SqlStaging


class SqlUnitOfWork:
    """Open a session on enter; roll back on exit unless the service committed."""

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._factory = session_factory
        self._session: AsyncSession | None = None

    async def __aenter__(self) -> SqlUnitOfWork:
        session = self._factory()
        self._session = session
        self.people = SqlPeople(session)
        self.invites = SqlInvites(session)
        self.campaigns = SqlCampaigns(session)
        self.tasks = SqlTasks(session)
        self.reports = SqlReports(session)
        self.audit = SqlAudit(session)
        self.outbox = SqlOutbox(session)
        self.rhythm = SqlRhythm(session)
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
