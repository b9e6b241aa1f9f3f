"""The group commit of plain reports: rounds, failures, shutdown (no database: a fake receive)."""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import Sequence
from datetime import UTC, datetime

import pytest

from bot.together import MAX_ROUND, ReportGroup
from domain.model import Person, Report, TaskStatus
from domain.work.reporting import IncomingMessage, ReportOutcome
from domain.work.together import Arrival, Received, is_plain

AT = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)


def arrival(n: int) -> Arrival:
    return Arrival(n, IncomingMessage(n, 1, f"进度{n % 100}%"))


def received(a: Arrival) -> Received:
    n = a.telegram_user_id
    person = Person(n, f"官员{n}", None, None, frozenset(), n, None, None, None, True, True)
    report = Report(
        a.telegram_user_id, None, person.id, a.message.text, None, False, a.message.chat_id,
        a.message.message_id, None, AT, AT, None, None, TaskStatus.OPEN,
    )  # fmt: skip
    return Received(person, ReportOutcome(report, None))


class Receiver:
    """Records each round; answers every arrival, or raises, or waits to be let go."""

    def __init__(self) -> None:
        self.rounds: list[list[int]] = []
        self.gate: asyncio.Event | None = None
        self.fail = False
        self.entered = asyncio.Event()  # a round has started

    async def __call__(self, arrivals: Sequence[Arrival]) -> list[Received | None]:
        self.rounds.append([a.telegram_user_id for a in arrivals])
        self.entered.set()
        if self.gate is not None:
            await self.gate.wait()
        if self.fail:
            raise RuntimeError("database is locked")
        return [received(a) if a.telegram_user_id % 2 else None for a in arrivals]


async def test_reports_submitted_at_the_same_moment_share_one_round() -> None:
    receive = Receiver()
    group = ReportGroup(receive)
    results = await asyncio.gather(*(group.submit(arrival(n)) for n in range(1, 6)))
    assert receive.rounds == [[1, 2, 3, 4, 5]]
    # Each submitter gets its own answer: stored, or None for the usual path.
    assert [r.person.id if r else None for r in results] == [1, None, 3, None, 5]


async def test_reports_arriving_while_a_round_is_written_go_in_the_next_one() -> None:
    receive = Receiver()
    receive.gate = asyncio.Event()
    group = ReportGroup(receive)
    first = asyncio.create_task(group.submit(arrival(1)))
    await receive.entered.wait()
    later = [asyncio.create_task(group.submit(arrival(n))) for n in (3, 5)]
    await asyncio.sleep(0)
    assert receive.rounds == [[1]]  # the writer is still on the first round
    receive.gate.set()
    assert (await first) is not None
    assert all(r is not None for r in await asyncio.gather(*later))
    assert receive.rounds == [[1], [3, 5]]
    # Quiet again: the next report starts a writer of its own.
    assert await group.submit(arrival(7)) is not None
    assert receive.rounds[-1] == [7]


async def test_a_failed_round_sends_every_report_of_it_the_usual_way(
    caplog: pytest.LogCaptureFixture,
) -> None:
    receive = Receiver()
    receive.fail = True
    group = ReportGroup(receive)
    with caplog.at_level(logging.ERROR, logger="bot.together"):
        results = await asyncio.gather(*(group.submit(arrival(n)) for n in (1, 3)))
    assert results == [None, None]
    assert "2 report(s) taken together failed" in caplog.text
    receive.fail = False  # the group is not stuck after a failure
    assert await group.submit(arrival(9)) is not None


async def test_a_round_holds_at_most_max_round_reports() -> None:
    receive = Receiver()
    group = ReportGroup(receive)
    results = await asyncio.gather(*(group.submit(arrival(n)) for n in range(MAX_ROUND + 5)))
    assert [len(r) for r in receive.rounds] == [MAX_ROUND, 5]
    assert sum(r is not None for r in results) == (MAX_ROUND + 5) // 2


async def test_a_handler_cancelled_before_its_round_leaves_nothing_to_store() -> None:
    receive = Receiver()
    receive.gate = asyncio.Event()
    group = ReportGroup(receive)
    first = asyncio.create_task(group.submit(arrival(1)))
    await receive.entered.wait()
    gone = asyncio.create_task(group.submit(arrival(3)))
    kept = asyncio.create_task(group.submit(arrival(5)))
    await asyncio.sleep(0)
    gone.cancel()
    with pytest.raises(asyncio.CancelledError):
        await gone
    receive.gate.set()
    await asyncio.gather(first, kept)
    assert receive.rounds == [[1], [5]]


async def test_answers_that_do_not_match_the_round_send_it_the_usual_way(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def short(arrivals: Sequence[Arrival]) -> list[Received | None]:
        return [received(arrivals[0])]

    group = ReportGroup(short)
    with caplog.at_level(logging.ERROR, logger="bot.together"):
        results = await asyncio.gather(*(group.submit(arrival(n)) for n in (1, 3)))
    assert results == [None, None]
    assert "1 answers for 2 reports" in caplog.text


WHO: contextvars.ContextVar[str] = contextvars.ContextVar("who", default="nobody")


async def test_the_writer_does_not_carry_the_first_handlers_context() -> None:
    seen: list[str] = []

    async def look(arrivals: Sequence[Arrival]) -> list[Received | None]:
        seen.append(WHO.get())
        return [None] * len(arrivals)

    group = ReportGroup(look)
    WHO.set("the first handler")
    await group.submit(arrival(1))
    assert seen == ["nobody"]


async def test_close_stops_the_writer_and_answers_whoever_waits() -> None:
    receive = Receiver()
    receive.gate = asyncio.Event()  # never set
    group = ReportGroup(receive)
    waiting = asyncio.create_task(group.submit(arrival(1)))
    await receive.entered.wait()
    await group.close()
    assert await waiting is None
    await group.close()  # nothing left to stop


async def test_on_shutdown_the_waiting_reports_take_the_usual_path() -> None:
    receive = Receiver()
    receive.gate = asyncio.Event()  # never set: the round hangs until cancelled
    group = ReportGroup(receive)
    submitted = [asyncio.create_task(group.submit(arrival(n))) for n in (1, 3)]
    await receive.entered.wait()
    waiting = asyncio.create_task(group.submit(arrival(5)))
    await asyncio.sleep(0)
    writer = group._writer
    assert writer is not None
    writer.cancel()
    assert await asyncio.gather(*submitted, waiting) == [None, None, None]
    assert group._writer is None


@pytest.mark.parametrize(
    ("message", "plain"),
    [
        (IncomingMessage(1, 1, "已完成调研，进度60%"), True),
        (IncomingMessage(1, 1, "其余按计划推进"), True),
        (IncomingMessage(1, 1, ""), False),
        (IncomingMessage(1, 1, "1.2 完成50%"), False),
        (IncomingMessage(1, 1, "第2项 完成50%"), False),
        (IncomingMessage(1, 1, "1.2 完成50%；2.1 完成80%"), False),
        (IncomingMessage(1, 1, "进度60%", reply_to_message_id=5), False),
        (IncomingMessage(1, 1, "进度60%", media_group_id="g"), False),
    ],
)
def test_what_counts_as_a_plain_report(message: IncomingMessage, plain: bool) -> None:
    assert is_plain(message) is plain
