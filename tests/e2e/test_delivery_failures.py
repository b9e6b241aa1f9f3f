"""The sender against the simulator when things go wrong on our side or Telegram says no."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from types import TracebackType
from typing import Any, Self, cast

import pytest
from sqlalchemy import select

from domain.delivery.outbox import queue_to
from domain.model import Notice, OutgoingFile, SentPart
from domain.ports import UnitOfWork
from scheduler.delivery import OutboxSender, SenderConfig
from scheduler.pacing import Limits, Pacer
from storage.tables import OutboxFileRow, OutboxRow, PersonRow
from tests.e2e.conftest import World, rows
from tests.e2e.test_delivery import checkin_now, new_sender, populate, received

UNPACED = Limits(per_second=0, private_interval=0, group_interval=0)
CHART = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + (640).to_bytes(4) + (480).to_bytes(4)


async def queue_notice(
    world: World, person_id: int, body: str, key: str, file: OutgoingFile | int | None = None
) -> None:
    """Queue a notice to one person as the services do, with a new file or one queued before."""
    async with world.uow() as uow:
        person = await uow.people.get(person_id)
        assert person is not None
        if isinstance(file, OutgoingFile):
            file = await uow.outbox.add_file(file, now=world.clock.now())
        await queue_to(
            uow, person, key=key, kind=Notice.REVIEW, body=body, now=world.clock.now(),
            file_id=file,
        )  # fmt: skip
        await uow.commit()


async def statuses(world: World) -> Counter[str]:
    return Counter(s for (s,) in await rows(world, select(OutboxRow.status)))


async def test_a_message_telegram_refuses_is_failed_at_once_and_the_coordinators_told(
    world: World,
) -> None:
    fanout = await populate(world, 2)
    victim, user = next(iter(fanout.officials.items()))
    # An unescaped "<" in text from a workbook: Telegram cannot parse the HTML, ever.
    await queue_notice(world, victim, "请核实「完成率<50%」的单位", key="refused")
    stats = await new_sender(world).drain()
    assert (stats.failed, stats.retried, stats.unreachable) == (1, 0, 0)
    [(status, error)] = await rows(
        world, select(OutboxRow.status, OutboxRow.error).where(OutboxRow.key == "refused")
    )
    assert status == "failed"
    assert "can't parse entities" in error.lower()

    await new_sender(world).drain()  # the notice to the coordinator
    notices = [m for m in fanout.coordinator.inbox if "被 Telegram 拒收" in m.text]
    assert len(notices) == 1
    assert "can't parse entities" in notices[0].text.lower()
    world.clock.advance(timedelta(hours=1))
    await new_sender(world).drain()
    assert user.inbox == []  # never tried again
    # The message was at fault, not the person: they stay reachable for everything else.
    reachable = await rows(world, select(PersonRow.reachable).where(PersonRow.id == victim))
    assert reachable == [(True,)]


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


async def test_the_running_sender_survives_a_drain_that_failed_and_delivers_when_woken(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    officials = (await populate(world, 3)).officials
    await checkin_now(world)
    database_failed = asyncio.Event()

    def units() -> UnitOfWork:
        if not database_failed.is_set():  # the first drain finds the database down
            database_failed.set()
            return cast(UnitOfWork, DeadUnit())
        return world.uow()

    sender = OutboxSender(bot=world.app.bot, uow=units, clock=world.clock, pacer=Pacer(UNPACED))
    wake = asyncio.Event()
    running = asyncio.create_task(sender.run_forever(wake, idle_seconds=3600))
    try:
        await database_failed.wait()
        wake.set()  # the tick queued something: the sender drains again at once
        await world.sim.wait_until(lambda: sum(received(officials).values()) == 3, timeout=30)
    finally:
        sender.stop(wake)
        await asyncio.wait_for(running, 30)
    assert "outbox drain failed" in caplog.text
    assert sorted(received(officials).values()) == [1, 1, 1]


class BrokenOncePacer(Pacer):
    """A pacer with a bug that shows once (a chat it cannot handle, say)."""

    def __init__(self) -> None:
        super().__init__(UNPACED)
        self.broken = True

    async def acquire(self, chat_id: int) -> None:
        """Raise the first time; pace as usual afterwards."""
        if self.broken:
            self.broken = False
            raise RuntimeError("pacer bug")
        await super().acquire(chat_id)


async def test_an_unexpected_error_on_one_message_retries_it_later_and_spares_the_others(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    officials = (await populate(world, 3)).officials
    await checkin_now(world)
    sender = OutboxSender(
        bot=world.app.bot, uow=world.uow, clock=world.clock, pacer=BrokenOncePacer()
    )
    stats = await sender.drain()
    assert (stats.deliveries, stats.retried) == (2, 1)
    assert sorted(received(officials).values()) == [0, 1, 1]
    waiting = await rows(
        world,
        select(OutboxRow.attempts, OutboxRow.error).where(OutboxRow.status == "pending"),
    )
    assert waiting == [(1, "RuntimeError('pacer bug')")]
    assert "failed unexpectedly" in caplog.text

    world.clock.advance(timedelta(seconds=3))  # past the first backoff (2 seconds)
    await new_sender(world).drain()
    assert sorted(received(officials).values()) == [1, 1, 1]


class _RecordFails:
    """An outbox whose next write of sent parts fails; everything else is the real one."""

    def __init__(self, real: Any, failures: list[int]) -> None:
        self._real, self._failures = real, failures

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    async def record_sent(self, parts: Sequence[SentPart], now: datetime) -> None:
        """Fail while failures are left, then write as usual."""
        if self._failures[0] > 0:
            self._failures[0] -= 1
            raise ConnectionError("connection reset while recording")
        await self._real.record_sent(parts, now)


class _Unit:
    """The real unit of work, with the outbox above."""

    def __init__(self, real: UnitOfWork, failures: list[int]) -> None:
        self._real, self._failures = real, failures

    async def __aenter__(self) -> Self:
        await self._real.__aenter__()
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self._real.__aexit__(*exc)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    @property
    def outbox(self) -> Any:
        return _RecordFails(self._real.outbox, self._failures)


def losing_first_record(units: Callable[[], UnitOfWork]) -> Callable[[], UnitOfWork]:
    """Units of work whose first write of sent parts fails (a dropped connection, say)."""
    failures = [1]
    return lambda: cast(UnitOfWork, _Unit(units(), failures))


async def test_a_lost_write_of_sent_parts_keeps_the_recorder_going_and_may_repeat_only_that(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    officials = (await populate(world, 2)).officials
    await checkin_now(world)
    sender = OutboxSender(
        bot=world.app.bot,
        uow=losing_first_record(world.uow),
        clock=world.clock,
        pacer=Pacer(UNPACED),
        config=SenderConfig(record_batch=1),
    )
    # Were the recorder's loop dead, the drain would wait forever for its writes.
    await asyncio.wait_for(sender.drain(), 30)
    assert "could not record 1 sent parts" in caplog.text
    assert sorted(received(officials).values()) == [1, 1]
    assert await statuses(world) == {"sent": 1, "sending": 1}  # its claim is left standing

    world.clock.advance(SenderConfig().claim_timeout + timedelta(seconds=1))
    await new_sender(world).drain()  # taken over like a dead sender's row
    assert await statuses(world) == {"sent": 2}
    assert sorted(received(officials).values()) == [1, 2]  # only the unrecorded one repeats


async def test_a_chart_and_a_document_go_up_once_then_by_telegrams_file_id(world: World) -> None:
    (first, _), (second, reader) = (await populate(world, 2)).officials.items()
    chart = OutgoingFile(name="图表.png", kind="photo", data=CHART)
    bulletin = OutgoingFile(name="通报.docx", kind="document", data=b"PK\x03\x04docx")
    await queue_notice(world, first, "本周图表", key="chart-1", file=chart)
    await queue_notice(world, first, "本月通报", key="doc-1", file=bulletin)
    await new_sender(world).drain()
    remote = dict(await rows(world, select(OutboxFileRow.kind, OutboxFileRow.remote_id)))
    assert remote["photo"]
    assert remote["document"]

    file_ids = dict(await rows(world, select(OutboxRow.key, OutboxRow.file_id)))
    await queue_notice(world, second, "本周图表", key="chart-2", file=file_ids["chart-1"])
    await queue_notice(world, second, "本月通报", key="doc-2", file=file_ids["doc-1"])
    await new_sender(world).drain()

    photos = world.sim.calls_to("sendPhoto")
    documents = world.sim.calls_to("sendDocument")
    assert [isinstance(call["photo"], str) for call in photos] == [False, True]  # bytes, then id
    assert [isinstance(call["document"], str) for call in documents] == [False, True]
    assert photos[1]["photo"] == remote["photo"]
    assert documents[1]["document"] == remote["document"]
    assert [m.photo for m in reader.inbox if m.photo] == [CHART]
    assert [m.document.data for m in reader.inbox if m.document] == [b"PK\x03\x04docx"]
