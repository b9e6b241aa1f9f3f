"""Officials answering at once: plain reports go in together, everything else one by one."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.engine import Engine

from domain.intake import importing
from domain.model import Role, SheetPerson, SheetTask, TaskKind, Workbook
from storage.tables import ProgressUpdateRow, TaskRow
from tests.e2e.conftest import World, buttons, rows

UNIT = "区住房保障局"
SOLE = [f"官员{i}" for i in range(1, 9)]  # one measure each: 1.1 … 1.8
TWO = "王多项"  # two measures: 2.1 and 2.2


def workbook() -> Workbook:
    people = tuple(
        SheetPerson(row, name, UNIT, frozenset({Role.OFFICIAL}))
        for row, name in enumerate([*SOLE, TWO], start=2)
    )
    owned = [(f"1.{i}", name) for i, name in enumerate(SOLE, start=1)]
    owned += [("2.1", TWO), ("2.2", TWO)]
    tasks = tuple(
        SheetTask(
            row,
            number,
            "类别",
            f"问题{number[0]}",
            f"措施{number}",
            UNIT,
            owner,
            None,
            date(2026, 12, 31),
            TaskKind.BOUNDED,
        )
        for row, (number, owner) in enumerate(owned, start=2)
    )
    return Workbook(people=people, tasks=tasks)


@contextmanager
def identifications() -> Iterator[list[str]]:
    """Collect how senders were identified: one at a time ("="), or many at once ("IN")."""
    seen: list[str] = []

    def look(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        if "people.telegram_user_id IN" in statement:
            seen.append("IN")
        elif "people.telegram_user_id = " in statement:
            seen.append("=")

    event.listen(Engine, "before_cursor_execute", look)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", look)


async def test_officials_reporting_at_once_are_each_acknowledged_and_stored(world: World) -> None:
    await importing.import_workbook(
        uow=world.uow(), clock=world.clock, workbook=workbook(), campaign_name="住房整改"
    )
    sole = [await world.join(name) for name in SOLE]
    two = await world.join(TWO)
    await world.settle()
    with identifications() as seen:
        await asyncio.gather(
            *(user.send(f"已完成调研，进度{10 * i}%") for i, user in enumerate(sole, start=1)),
            two.send("正在推进，进度50%"),
        )
        acks = await asyncio.gather(*(user.next_message() for user in sole))
        question = await two.next_message()
        await world.settle()
    for i, ack in enumerate(acks, start=1):
        assert f"1.{i}" in ack.text
        assert f"进度 {10 * i}%" in ack.text
        assert buttons(ack) == ["更正进度", "申请销号", "撤回"]
    assert "哪项任务" in question.text  # two measures: the usual path asks which
    # The plain reports were identified together; only the one asked about went alone.
    assert "IN" in seen
    assert seen.count("=") == 1
    stored = await rows(
        world,
        select(TaskRow.number, ProgressUpdateRow.percent, ProgressUpdateRow.ack_message_id)
        .join(TaskRow, TaskRow.id == ProgressUpdateRow.task_id)
        .order_by(TaskRow.number),
    )
    assert [(number, percent) for number, percent, _ in stored] == [
        (f"1.{i}", 10 * i) for i in range(1, 9)
    ]
    # Each acknowledgement is remembered with its report (for edits and the buttons).
    assert [ack_id for _, _, ack_id in stored] == [ack.message_id for ack in acks]
    percents = await rows(world, select(TaskRow.number, TaskRow.percent).order_by(TaskRow.number))
    assert percents[:8] == [(f"1.{i}", 10 * i) for i in range(1, 9)]


async def test_a_report_taken_together_can_be_corrected_and_withdrawn_from_its_buttons(
    world: World,
) -> None:
    await importing.import_workbook(
        uow=world.uow(), clock=world.clock, workbook=workbook(), campaign_name="住房整改"
    )
    official = await world.join(SOLE[0])
    await official.send("已完成调研，进度40%")
    ack = await official.next_message()
    assert "进度 40%" in ack.text
    query = await official.press(ack, "撤回")
    await official.wait_callback_answer(query)
    await world.settle()
    percents = await rows(world, select(TaskRow.percent).where(TaskRow.number == "1.1"))
    assert percents == [(0,)]  # withdrawn: the measure is back where it was
