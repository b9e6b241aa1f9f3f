"""Plain reports taken together: the same rows as the usual path, and only the plain case."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest

from bot.clock import ManualClock
from domain.intake import importing
from domain.model import (
    Person,
    Report,
    Role,
    SheetPerson,
    SheetTask,
    TaskKind,
    TaskStatus,
    TaskView,
    Workbook,
)
from domain.ports import UnitOfWork
from domain.work import reporting
from domain.work.reporting import IncomingMessage
from domain.work.together import Arrival, Received, receive_together

Factory = Callable[[], UnitOfWork]
UNIT = "区发展改革委"
# name -> (telegram id, roles, the measures they own)
PEOPLE: dict[str, tuple[int, frozenset[Role], tuple[str, ...]]] = {
    "甲": (101, frozenset({Role.OFFICIAL}), ("1.1",)),
    "乙": (102, frozenset({Role.OFFICIAL}), ("1.2",)),
    "丙": (103, frozenset({Role.OFFICIAL}), ("2.1", "2.2")),
    "丁": (104, frozenset({Role.LIAISON}), ("3.1",)),
    "戊": (105, frozenset({Role.OFFICIAL}), ("3.2",)),
    "己": (106, frozenset({Role.OFFICIAL}), ()),
}


def workbook() -> Workbook:
    people = tuple(
        SheetPerson(row, name, UNIT, roles)
        for row, (name, (_, roles, _)) in enumerate(PEOPLE.items(), start=2)
    )
    owned = [(number, name) for name, (_, _, numbers) in PEOPLE.items() for number in numbers]
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
        for row, (number, owner) in enumerate(sorted(owned), start=2)
    )
    return Workbook(people=people, tasks=tasks)


async def seed(uow_factory: Factory, clock: ManualClock) -> dict[str, Person]:
    await importing.import_workbook(
        uow=uow_factory(), clock=clock, workbook=workbook(), campaign_name="第一轮"
    )
    found = {}
    async with uow_factory() as uow:
        for name, (telegram_id, _, _) in PEOPLE.items():
            person = await uow.people.by_name(name)
            assert person is not None
            await uow.people.bind(person.id, telegram_id, None)
            found[name] = replace(person, telegram_user_id=telegram_id)
        await uow.commit()
    return found


def arrival(name: str, message_id: int, text: str, **extra: Any) -> Arrival:
    telegram_id = PEOPLE[name][0]
    return Arrival(telegram_id, IncomingMessage(telegram_id, message_id, text, **extra))


async def task_of(uow_factory: Factory, person: Person) -> TaskView:
    async with uow_factory() as uow:
        (task,) = await uow.tasks.views_for_owner(person.id)
    return task


async def count_reports(uow_factory: Factory) -> int:
    async with uow_factory() as uow:
        campaign = await uow.campaigns.by_name("第一轮")
        assert campaign is not None
        return await uow.reports.count_in_campaign(campaign.id)


def _report_fields(report: Report) -> tuple[Any, ...]:
    return (
        report.text,
        report.percent,
        report.done,
        report.ack_message_id,
        report.created_at,
        report.last_part_at,
        report.withdrawn_at,
        report.previous_percent,
        report.previous_status,
        report.no_change,
        report.batch_id,
    )


def _task_fields(task: TaskView) -> tuple[Any, ...]:
    return (task.percent, task.status, task.last_update_at, task.last_update_text)


@pytest.mark.parametrize("text", ["已完成调研，进度60%", "已整改到位", "正在推进中"])
async def test_a_report_taken_together_writes_what_the_usual_path_writes(
    uow_factory: Factory, clock: ManualClock, text: str
) -> None:
    people = await seed(uow_factory, clock)
    together = await receive_together(
        uow=uow_factory(), clock=clock, arrivals=[arrival("甲", 7, text)], merge_seconds=60
    )
    alone = await reporting.receive_message(
        uow=uow_factory(),
        clock=clock,
        person=people["乙"],
        message=IncomingMessage(102, 7, text),
        merge_seconds=60,
    )
    (taken,) = together
    assert taken is not None
    assert taken.person.id == people["甲"].id
    assert _report_fields(taken.outcome.report) == _report_fields(alone.report)
    assert alone.task is not None
    assert taken.outcome.task is not None
    assert _task_fields(taken.outcome.task) == _task_fields(alone.task)
    assert (taken.outcome.choices, taken.outcome.merged, taken.outcome.duplicate) == (
        [],
        False,
        False,
    )
    assert taken.outcome.evidence_count == alone.evidence_count == 0
    # What was stored, read back, matches too: the report, its part, the task and the audit.
    own_task = await task_of(uow_factory, people["甲"])
    async with uow_factory() as uow:
        stored = await uow.reports.get(taken.outcome.report.id)
        usual = await uow.reports.get(alone.report.id)
        assert stored is not None
        assert usual is not None
        assert _report_fields(stored) == _report_fields(usual)
        assert stored.task_id == own_task.id
        assert await uow.reports.part_texts(stored.id) == await uow.reports.part_texts(usual.id)
        events = await uow.audit.for_entity("report", [stored.id, usual.id])
    assert _task_fields(await task_of(uow_factory, people["甲"])) == _task_fields(
        await task_of(uow_factory, people["乙"])
    )
    shapes = sorted((e.action, e.actor_id, sorted(e.data)) for e in events)
    assert shapes == sorted(
        [
            ("report.received", people["甲"].id, ["file", "message_id", "task_id"]),
            ("report.received", people["乙"].id, ["file", "message_id", "task_id"]),
        ]
    )


async def test_only_plain_reports_on_a_sole_open_measure_are_taken(
    uow_factory: Factory, clock: ManualClock
) -> None:
    people = await seed(uow_factory, clock)
    async with uow_factory() as uow:
        await uow.people.retire(people["戊"].id)
        await uow.commit()
    arrivals = [
        Arrival(999, IncomingMessage(999, 1, "进度50%")),  # nobody is bound to it
        arrival("丙", 1, "进度50%"),  # two open measures: the usual path asks which
        arrival("丁", 1, "进度50%"),  # a liaison may report on the unit's measures too
        arrival("戊", 1, "进度50%"),  # retired
        arrival("己", 1, "进度50%"),  # no open measure
        arrival("甲", 1, "1.1 完成50%"),  # names its measure
        arrival("甲", 2, "第1项 完成50%"),  # by its place in the check-in list
        arrival("甲", 3, "1.1 完成50%；1.2 完成30%"),  # several measures: a card
        arrival("甲", 4, "进度50%", reply_to_message_id=77),  # a reply may answer a question
        arrival("甲", 5, "进度50%", media_group_id="album"),  # part of an album
        arrival("甲", 6, ""),  # nothing to read
        arrival("乙", 1, "进度50%"),  # the one plain report
    ]
    received = await receive_together(
        uow=uow_factory(), clock=clock, arrivals=arrivals, merge_seconds=60
    )
    assert [r is not None for r in received] == [False] * 11 + [True]
    taken = received[-1]
    assert taken is not None
    assert taken.outcome.task is not None
    assert (taken.person.name, taken.outcome.task.number, taken.outcome.task.percent) == (
        "乙",
        "1.2",
        50,
    )
    assert await count_reports(uow_factory) == 1  # nothing written for the others


async def test_a_message_seen_before_or_within_the_merge_window_takes_the_usual_path(
    uow_factory: Factory, clock: ManualClock
) -> None:
    await seed(uow_factory, clock)

    async def receive(*arrivals: Arrival) -> list[Received | None]:
        return await receive_together(
            uow=uow_factory(), clock=clock, arrivals=arrivals, merge_seconds=60
        )

    assert (await receive(arrival("甲", 1, "进度20%")))[0] is not None
    assert await receive(arrival("甲", 1, "进度20%")) == [None]  # the same update again
    clock.advance(timedelta(seconds=30))
    assert await receive(arrival("甲", 2, "补充：进度30%")) == [None]  # may continue the report
    clock.advance(timedelta(seconds=61))
    assert (await receive(arrival("甲", 3, "进度40%")))[0] is not None
    assert await count_reports(uow_factory) == 2


async def test_many_reports_at_once_keep_their_order_and_a_waiting_measure_keeps_waiting(
    uow_factory: Factory, clock: ManualClock
) -> None:
    people = await seed(uow_factory, clock)
    task = await task_of(uow_factory, people["乙"])
    async with uow_factory() as uow:
        assert await uow.tasks.change_status(
            task.id, expected=TaskStatus.OPEN, status=TaskStatus.PENDING_REVIEW, percent=100
        )
        await uow.commit()
    received = await receive_together(
        uow=uow_factory(),
        clock=clock,
        arrivals=[
            arrival("丙", 1, "进度10%"),
            arrival("乙", 1, "补充材料，进度90%"),
            arrival("甲", 1, "进度30%"),
        ],
        merge_seconds=60,
    )
    assert received[0] is None
    waiting, first = received[1], received[2]
    assert waiting is not None
    assert first is not None
    assert waiting.outcome.task is not None
    assert first.outcome.task is not None
    assert (waiting.outcome.task.status, waiting.outcome.task.percent) == (
        TaskStatus.PENDING_REVIEW,
        90,
    )
    assert (waiting.outcome.report.previous_percent, waiting.outcome.report.previous_status) == (
        100,
        TaskStatus.PENDING_REVIEW,
    )
    assert (first.outcome.task.status, first.outcome.task.percent) == (TaskStatus.IN_PROGRESS, 30)
    assert _task_fields(await task_of(uow_factory, people["乙"])) == _task_fields(
        waiting.outcome.task
    )
    assert waiting.outcome.report.id != first.outcome.report.id
