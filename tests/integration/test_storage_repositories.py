"""Repository corners and the unit of work's own promises, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from domain.model import Notice, Outgoing, Role
from storage.database import make_engine, make_session_factory
from storage.tables import OutboxRow, ProcessedUpdateRow
from storage.uow import SqlUnitOfWork, TaskLock

T0 = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)


@pytest_asyncio.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(database_url)
    yield engine
    await engine.dispose()


@pytest_asyncio.fixture
async def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return make_session_factory(engine)


def statements_on(engine: AsyncEngine) -> list[str]:
    """Collect the SQL the engine sends from now on."""
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", note)
    return seen


async def add_person(uow: SqlUnitOfWork, name: str, telegram_user_id: int | None) -> int:
    person = await uow.people.add(
        name=name, unit_id=None, roles=[Role.OFFICIAL], phone=None, telegram_username=None,
        now=T0,
    )  # fmt: skip
    if telegram_user_id is not None:
        await uow.people.bind(person.id, telegram_user_id, None)
    return person.id


async def test_a_session_that_cannot_be_opened_does_not_keep_the_turn(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    serial = TaskLock()

    def broken() -> AsyncSession:
        raise RuntimeError("no session today")

    failing = SqlUnitOfWork(broken, serial)  # type: ignore[arg-type]
    with pytest.raises(RuntimeError, match="no session today"):
        async with failing:
            raise AssertionError("entered without a session")

    async def next_in_line() -> None:
        async with SqlUnitOfWork(sessions, serial) as uow:
            assert await uow.people.active() == []

    await asyncio.wait_for(next_in_line(), timeout=5)  # the lock was given back


async def test_rolling_back_discards_the_work_so_far_and_the_unit_goes_on(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with SqlUnitOfWork(sessions) as uow:
        await add_person(uow, "王建国", None)
        await uow.rollback()
        await add_person(uow, "李晓燕", None)
        await uow.commit()
    async with SqlUnitOfWork(sessions) as uow:
        assert [p.name for p in await uow.people.active()] == ["李晓燕"]


async def test_the_unreachable_count_is_of_active_people_with_a_telegram_account(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with SqlUnitOfWork(sessions) as uow:
        blocked = await add_person(uow, "王建国", 101)
        retired = await add_person(uow, "李晓燕", 102)
        never_bound = await add_person(uow, "高飞", None)
        await add_person(uow, "孙振邦", 104)  # reachable
        assert await uow.people.unreachable_count() == 0
        for person_id in (blocked, retired, never_bound):
            assert await uow.people.set_reachable(person_id, False, T0)
        assert await uow.people.unreachable_count() == 2  # 高飞 has no account to block the bot
        await uow.people.retire(retired)
        assert await uow.people.unreachable_count() == 1
        assert await uow.people.set_reachable(blocked, True, T0)
        assert await uow.people.unreachable_count() == 0


async def test_the_backlog_counts_waiting_and_failed_messages_and_the_oldest_due_now(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    def message(key: str) -> Outgoing:
        return Outgoing(key=key, kind=Notice.REMIND, period="2026-W49", chat_id=1, parts=["…"])

    async with SqlUnitOfWork(sessions) as uow:
        for minutes, key in ((0, "first"), (1, "second"), (10, "later")):
            assert await uow.outbox.add(
                message(key), now=T0 + timedelta(minutes=minutes), file_id=None
            )
        first = await uow.outbox.session.scalar(
            select(OutboxRow.id).where(OutboxRow.key == "first")
        )
        assert first is not None
        await uow.outbox.failed(first, "Forbidden: bot was blocked by the user")
        await uow.commit()

    async with SqlUnitOfWork(sessions) as uow:
        backlog = await uow.outbox.backlog(T0 + timedelta(minutes=5))
    assert (backlog.waiting, backlog.failed) == (2, 1)
    assert backlog.oldest_due_at == T0 + timedelta(minutes=1)  # "later" may not go yet

    async with SqlUnitOfWork(sessions) as uow:
        at_t0 = await uow.outbox.backlog(T0)
    assert at_t0.oldest_due_at is None  # only "first" was due then, and it failed


async def test_a_chat_is_followed_through_its_migrations_and_a_loop_ends(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with SqlUnitOfWork(sessions) as uow:
        await uow.chats.record_migration(-1001, -1002, T0)  # group to supergroup
        await uow.chats.record_migration(-1002, -1003, T0)  # and again
        await uow.chats.record_migration(-2001, -2002, T0)
        await uow.chats.record_migration(-2002, -2001, T0)  # a loop never recorded by Telegram
        assert await uow.chats.chat_for(-1001) == -1003
        assert await uow.chats.chat_for(-1002) == -1003
        assert await uow.chats.chat_for(-1003) == -1003
        assert await uow.chats.chat_for(-9) == -9
        assert await uow.chats.chat_for(-2001) == -2002


async def test_forgetting_old_updates_keeps_the_unhandled_and_the_recent(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with SqlUnitOfWork(sessions) as uow:
        await uow.inbox.store_updates([(1, {"update_id": 1}), (2, {"update_id": 2})], T0)
        await uow.inbox.mark_updates_done([1], T0)
        recent = T0 + timedelta(days=8)
        assert await uow.inbox.store_update(3, {"update_id": 3}, recent)
        await uow.inbox.mark_updates_done([3], recent)

        await uow.inbox.forget_updates_before(recent - timedelta(days=7))

        ids = await uow.inbox.session.scalars(
            select(ProcessedUpdateRow.update_id).order_by(ProcessedUpdateRow.update_id)
        )
        assert list(ids) == [2, 3]  # 1 was handled long ago; 2 still waits to be handled
        assert await uow.inbox.pending_updates() == [{"update_id": 2}]


async def test_empty_lists_cost_no_round_trip(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    calls: list[Callable[[SqlUnitOfWork], Any]] = [
        lambda uow: uow.campaigns.milestones([]),
        lambda uow: uow.supports.names_for([]),
        lambda uow: uow.inbox.mark_updates_done([], T0),
        lambda uow: uow.inbox.store_updates([], T0),
        lambda uow: uow.reports.set_acks([]),
    ]
    async with SqlUnitOfWork(sessions) as uow:
        await uow.people.active()  # the connection is open: only what follows is counted
        seen = statements_on(engine)
        answers = [await call(uow) for call in calls]
    assert answers == [[], {}, None, set(), None]
    assert [s for s in seen if "ROLLBACK" not in s.upper()] == []
