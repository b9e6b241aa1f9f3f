"""/grade through the chat: proposals from the rule, one changed with a reason, the summons."""

from __future__ import annotations

import io
from datetime import date, timedelta

from docx import Document
from openpyxl import load_workbook

from bot.clock import ManualClock
from domain.intake import importing
from domain.model import Role, SheetPerson, SheetTask, TaskKind, Workbook
from simulator import SimUser
from tests.e2e.conftest import World, buttons
from tests.e2e.test_review import ask_signoff


def two_units() -> Workbook:
    people = (
        SheetPerson(2, "甲一", "甲局", frozenset({Role.OFFICIAL})),
        SheetPerson(3, "乙一", "乙局", frozenset({Role.OFFICIAL})),
        SheetPerson(4, "乙长", "乙局", frozenset({Role.UNIT_HEAD})),
        SheetPerson(5, "高飞", "区委巡察办", frozenset({Role.COORDINATOR})),
        SheetPerson(6, "孙领导", "区领导小组", frozenset({Role.LEADER})),
    )

    def task(row: int, number: str, unit: str, owner: str) -> SheetTask:
        due = date(2026, 12, 31)
        return SheetTask(
            row,
            number,
            "类别",
            f"问题{number[0]}",
            f"措施{number}",
            unit,
            owner,
            "孙领导",
            due,
            TaskKind.BOUNDED,
        )

    tasks = (
        task(2, "1.1", "甲局", "甲一"),
        task(3, "1.2", "甲局", "甲一"),
        task(4, "2.1", "乙局", "乙一"),
        task(5, "2.2", "乙局", "乙一"),
    )
    return Workbook(people=people, tasks=tasks)


async def close(world: World, gao: SimUser, official: SimUser, number: str) -> None:
    await ask_signoff(world, official, number)
    notice = await gao.next_message()
    await gao.wait_callback_answer(await gao.press(notice, "✅ 同意销号"))
    await gao.next_message()
    await world.drain()
    await official.messages_when_idle()


async def test_grades_are_proposed_one_is_changed_with_a_reason_and_a_c_unit_is_summoned_once(
    world: World, clock: ManualClock
) -> None:
    await importing.import_workbook(
        uow=world.uow(), clock=world.clock, workbook=two_units(), campaign_name="第二轮巡察整改"
    )
    gao, jia, yi = [await world.join(n) for n in ("高飞", "甲一", "乙一")]
    sun = await world.join("孙领导")
    for number in ("1.1", "1.2"):
        await close(world, gao, jia, number)
    await close(world, gao, yi, "2.1")
    clock.advance(timedelta(days=3))

    await gao.command("grade")
    sheet = await gao.next_message()
    assert "评定规则：A 级——完成率≥90%" in sheet.text
    assert "甲局：完成率 100%（2/2），按期率 100%，反弹 0，约谈提醒 0 → 建议 A" in sheet.text
    assert "乙局：完成率 50%（1/2），按期率 100%，反弹 0，约谈提醒 0 → 建议 C" in sheet.text
    assert buttons(sheet) == ["✅ 按建议确定（2 个单位）"]

    await gao.command("grade", "乙局 B")
    assert "与建议等级（C）不同，请在等级后写明理由" in (await gao.next_message()).text
    await gao.command("grade", "乙局 B 剩余一项已进入验收")
    changed = (await gao.next_message()).text
    assert changed.startswith("✅ 乙局 评定为 B。")
    assert "建议 <b>C</b>；已定 <b>B</b>（剩余一项已进入验收）" not in changed  # rendered HTML
    assert "建议 C；已定 B（剩余一项已进入验收）" in changed

    # The button under the first sheet takes the proposals of the units still undecided.
    await gao.wait_callback_answer(await gao.press(sheet, "✅ 按建议确定（2 个单位）"))
    confirmed = (await gao.next_message()).text
    assert "已按建议确定 1 个单位的评定" in confirmed
    assert "甲局：完成率 100%（2/2），按期率 100%，反弹 0，约谈提醒 0 → 建议 A；已定 A" in confirmed
    await world.drain()
    assert not [m for m in await sun.messages_when_idle() if "履责约谈" in m.text]

    # Changed to C after all: the lead leader is asked to summon the head, once.
    for reason in ("验收未通过", "再次确认"):
        await gao.command("grade", f"乙局 C {reason}")
        await gao.next_message()
        await world.drain()
    summons = [m.text for m in await sun.messages_when_idle() if "履责约谈" in m.text]
    assert len(summons) == 1
    assert "乙局 整改评定为 C 级（完成率 50%，按期率 100%；验收未通过）" in summons[0]
    assert "请约谈该单位负责人 乙长" in summons[0]

    await gao.command("report", "final")
    document = next(m for m in await gao.messages_until_idle() if m.document is not None)
    assert document.document is not None
    assert document.document.data is not None
    paragraphs = [p.text for p in Document(io.BytesIO(document.document.data)).paragraphs]
    assert "五、整改评价" in paragraphs
    assert "经综合评定，评为A级的单位1个：甲局；评为C级的单位1个：乙局（再次确认）。" in paragraphs
    await gao.command("export")
    ledger = next(m for m in await gao.messages_until_idle() if m.document is not None)
    assert ledger.document is not None
    assert ledger.document.data is not None
    summary = load_workbook(io.BytesIO(ledger.document.data))["汇总"]
    rows = [[c.value for c in row] for row in summary.iter_rows()]
    header = next(r for r in rows if "评定" in r)
    grade_col = header.index("评定")
    assert {r[0]: r[grade_col] for r in rows if r[0] in ("甲局", "乙局")} == {
        "甲局": "A",
        "乙局": "C",
    }


async def test_officials_cannot_grade_and_leaders_only_read(world: World) -> None:
    await importing.import_workbook(
        uow=world.uow(), clock=world.clock, workbook=two_units(), campaign_name="第二轮巡察整改"
    )
    jia, sun = await world.join("甲一"), await world.join("孙领导")
    await jia.command("grade")
    assert "没有权限" in (await jia.next_message()).text
    await sun.command("grade")
    read = await sun.next_message()
    assert "建议 C" in read.text
    assert buttons(read) == []  # no confirm button for a leader
    await sun.command("grade", "甲局 A")
    assert "没有权限" in (await sun.next_message()).text
