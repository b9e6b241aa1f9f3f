"""配合单位: imported, shown to the supporting unit, counted for the lead unit, round-tripped."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import datetime, timedelta

from openpyxl import load_workbook

from bot.clock import ManualClock
from domain.intake import importing
from domain.intake.workbook import read_workbook
from domain.model import Role, SheetPerson, Workbook
from tests.conftest import SHANGHAI
from tests.e2e.conftest import World
from tests.e2e.test_grading import two_units


def with_support() -> Workbook:
    """乙局 supports 甲局's 1.2; 甲局 and 丙局 support 乙局's 2.1."""
    base = two_units()
    tasks = tuple(
        replace(t, supporting={"1.2": ("乙局",), "2.1": ("甲局", "丙局")}.get(t.number, ()))
        for t in base.tasks
    )
    people = (*base.people, SheetPerson(7, "甲长", "甲局", frozenset({Role.UNIT_HEAD})))
    return Workbook(people=people, tasks=tasks, supporting_column=True)


async def test_a_supporting_unit_sees_the_measures_it_supports_apart_from_its_own(
    world: World, clock: ManualClock
) -> None:
    await importing.import_workbook(
        uow=world.uow(), clock=world.clock, workbook=with_support(), campaign_name="第二轮巡察整改"
    )
    gao, yi_head = await world.join("高飞"), await world.join("乙长")
    await yi_head.command("status")
    own = (await yi_head.next_message()).text
    assert "整改措施2条" in own  # its own two measures; 1.2 is 甲局's
    assert "本单位配合的措施（1 项，完成情况计入责任单位）" in own
    assert "1.2" in own.split("本单位配合的措施")[1]

    await gao.command("status", "甲局")
    listing = (await gao.next_message()).text
    assert "另配合 2.1（完成情况计入责任单位）" in listing
    await gao.command("task", "2.1")
    assert "配合单位：丙局、甲局" in (await gao.next_message()).text
    await yi_head.command("task", "1.2")  # the head of a supporting unit may look at it
    assert "配合单位：乙局" in (await yi_head.next_message()).text

    await gao.command("board")
    board = (await gao.next_message()).text
    assert "丙局" not in board  # a unit that only supports has no line of its own

    # Monday's notice to the head of a supporting unit lists the supported measure still silent.
    await world.tick()
    clock.set(datetime(2026, 12, 14, 10, 0, tzinfo=SHANGHAI))
    await world.tick()
    await world.drain()
    notices = [
        m.text for m in await yi_head.messages_when_idle() if "配合的措施上周未报送" in m.text
    ]
    assert len(notices) == 1
    assert "• 1.2（责任单位：甲局）" in notices[0]


async def test_the_ledger_exports_the_supporting_units_and_imports_them_back(
    world: World, clock: ManualClock
) -> None:
    await importing.import_workbook(
        uow=world.uow(), clock=world.clock, workbook=with_support(), campaign_name="第二轮巡察整改"
    )
    gao = await world.join("高飞")
    clock.advance(timedelta(minutes=1))
    await gao.command("export")
    document = next(m for m in await gao.messages_until_idle() if m.document is not None)
    assert document.document is not None
    assert document.document.data is not None
    data = document.document.data
    sheet = load_workbook(io.BytesIO(data))["整改任务"]
    header = [c.value for c in sheet[1]]
    column = header.index("配合单位")
    values = {row[0]: row[column] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert values == {"1.1": None, "1.2": "乙局", "2.1": "丙局、甲局", "2.2": None}
    back = read_workbook(data, allow_admin=False)
    assert {t.number: t.supporting for t in back.tasks} == {
        "1.1": (),
        "1.2": ("乙局",),
        "2.1": ("丙局", "甲局"),
        "2.2": (),
    }
    assert back.supporting_column
    copy = await importing.import_workbook(
        uow=world.uow(), clock=world.clock, workbook=back, campaign_name="导回的台账"
    )
    async with world.uow() as uow:
        campaign = await uow.campaigns.by_name(copy.campaign)
        assert campaign is not None
        names = await uow.supports.names_in_campaign(campaign.id)
        numbers = {v.id: v.number for v in await uow.tasks.views_for_campaign(campaign.id)}
    assert {numbers[i]: n for i, n in names.items()} == {"1.2": ["乙局"], "2.1": ["丙局", "甲局"]}
