"""The poller lock's keeper: re-take a lock whose connection died; stop if another took it."""

from __future__ import annotations

import asyncio

import pytest

from bot import serve


class FakeLock:
    """A poller lock whose answers the test sets."""

    def __init__(self, held: list[bool], acquire: list[bool]) -> None:
        self._held, self._acquire = held, acquire
        self.acquired = 0
        self.all_asked = asyncio.Event()  # every prepared answer to held() was given

    async def acquire(self) -> bool:
        self.acquired += 1
        return self._acquire.pop(0)

    async def held(self) -> bool:
        answer = self._held.pop(0)
        if not self._held:
            self.all_asked.set()
        return answer

    async def release(self) -> None:
        return None


async def test_a_lock_lost_with_its_connection_is_taken_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(serve, "LOCK_CHECK", 0)
    lock = FakeLock(held=[True, False, True], acquire=[True])
    stop, lost = asyncio.Event(), asyncio.Event()
    keeper = asyncio.create_task(serve._keep(lock, stop, lost))
    await asyncio.wait_for(lock.all_asked.wait(), 5)  # held; lost, taken again; held
    stop.set()
    await keeper
    assert lock.acquired == 1
    assert not lost.is_set()


async def test_a_lock_another_process_took_meanwhile_stops_this_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(serve, "LOCK_CHECK", 0)
    lock = FakeLock(held=[False], acquire=[False])
    stop, lost = asyncio.Event(), asyncio.Event()
    await asyncio.wait_for(serve._keep(lock, stop, lost), 5)
    assert lost.is_set()
    assert stop.is_set()
