"""The durable intake closes handled updates by group commit, and never loses a closing."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from types import TracebackType
from typing import Any

import pytest
from telegram import Bot, Update

from bot.clock import ManualClock
from bot.intake import DurableQueue
from domain.delivery import inbox
from domain.ports import UnitOfWork

Factory = Callable[[], UnitOfWork]


def update(update_id: int) -> Update:
    return Update(update_id)


async def handle(queue: DurableQueue) -> int:
    """Take the next update and run it through the intake's begin/finish, as membership does."""
    item = await queue.get()
    assert isinstance(item, Update)
    queue.begin()
    await queue.finish(item.update_id)
    queue.task_done()
    return item.update_id


async def pending_ids(uow_factory: Factory) -> list[int]:
    return [p["update_id"] for p in await inbox.pending(uow=uow_factory())]


async def test_closings_that_arrive_while_one_is_written_go_together_in_the_next_round(
    uow_factory: Factory, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    writes: list[list[int]] = []
    first_write_started, first_write_may_end = asyncio.Event(), asyncio.Event()
    real_close = inbox.close

    async def slow_close(**kwargs: Any) -> None:
        writes.append([c.update_id for c in kwargs["closings"]])
        if len(writes) == 1:
            first_write_started.set()
            await first_write_may_end.wait()  # a slow disk, say
        await real_close(**kwargs)

    monkeypatch.setattr(inbox, "close", slow_close)
    queue = DurableQueue(uow_factory, clock)
    await queue.store_batch([update(1), update(2), update(3)])
    for i in (1, 2, 3):
        await queue.put(update(i))
    writer = asyncio.create_task(handle(queue))  # 1 finishes first: it writes
    await first_write_started.wait()
    assert await handle(queue) == 2  # 2 and 3 finish while 1's closing is being written:
    assert await handle(queue) == 3  # they return at once and leave theirs to the writer
    first_write_may_end.set()
    assert await writer == 1
    assert writes == [[1], [2, 3]]  # one more transaction for both
    assert await pending_ids(uow_factory) == []


async def test_a_quiet_update_is_closed_at_once(uow_factory: Factory, clock: ManualClock) -> None:
    queue = DurableQueue(uow_factory, clock)
    await queue.put(update(5))
    await handle(queue)
    assert await pending_ids(uow_factory) == []
    assert await inbox.already_done(uow=uow_factory(), update_id=5)


async def test_a_second_delivery_of_a_handled_update_is_dropped_before_its_closing_is_written(
    uow_factory: Factory, clock: ManualClock
) -> None:
    queue = DurableQueue(uow_factory, clock)
    await queue.store_batch([update(10), update(11)])
    await queue.put(update(10))
    await queue.put(update(11))
    await handle(queue)  # 10 handled, its closing waits for 11
    await queue.put(update(10))  # Telegram delivers 10 again
    assert await handle(queue) == 11
    assert queue.empty()  # 10 was not queued a second time
    assert await pending_ids(uow_factory) == []


class DeadUnit:
    """A unit of work whose database does not answer."""

    async def __aenter__(self) -> Any:
        raise ConnectionError("database down")

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None


async def test_closings_a_dead_database_refused_are_written_by_the_next_poll(
    uow_factory: Factory, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    down = False

    def units() -> UnitOfWork:
        return DeadUnit() if down else uow_factory()  # type: ignore[return-value]

    queue = DurableQueue(units, clock)
    await queue.store_batch([update(20)])
    await queue.put(update(20))
    down = True
    assert await handle(queue) == 20  # handled; the user is not told its closing failed
    assert "could not close 1 handled update(s)" in caplog.text
    down = False
    assert await pending_ids(uow_factory) == [20]
    await queue.store_batch([])  # the next poll (even an empty one) writes it
    assert await pending_ids(uow_factory) == []


async def test_an_update_a_stopped_replica_left_is_taken_once_by_whoever_sweeps_first(
    uow_factory: Factory, clock: ManualClock
) -> None:
    await inbox.store_updates(
        uow=uow_factory(), clock=clock, updates=[(30, {"update_id": 30}), (31, {"update_id": 31})]
    )
    await inbox.close(uow=uow_factory(), clock=clock, closings=[inbox.Closing(31)])
    clock.advance(inbox.ORPHAN_AGE / 2)
    await inbox.store_update(
        uow=uow_factory(), clock=clock, update_id=32, payload={"update_id": 32}
    )
    clock.advance(inbox.ORPHAN_AGE / 2 + timedelta(seconds=1))
    # 30 is old and open: orphaned; 31 was handled; 32 is recent (its process may be on it).
    taken = await inbox.take_orphans(uow=uow_factory(), clock=clock, age=inbox.ORPHAN_AGE)
    assert taken == [{"update_id": 30}]
    again = await inbox.take_orphans(uow=uow_factory(), clock=clock, age=inbox.ORPHAN_AGE)
    assert again == []  # a second sweeper (another replica) finds it taken


async def test_a_sweep_does_not_queue_again_what_this_process_is_still_handling(
    uow_factory: Factory, clock: ManualClock
) -> None:
    queue = DurableQueue(uow_factory, clock)
    await queue.store_batch([update(40)])
    await queue.put(update(40))  # queued here; a long handler, say
    clock.advance(inbox.ORPHAN_AGE + timedelta(seconds=1))
    assert await queue.replay(Bot("1:x"), inbox.ORPHAN_AGE) == 0
    assert queue.qsize() == 1
