"""/milestone through the chat: coordinators set and record, leaders read, reminders arrive."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import openpyxl

from bot.clock import ManualClock
from tests.conftest import SHANGHAI
from tests.e2e.conftest import ADMIN_ID, World
from tests.e2e.test_chat_import import send_workbook


async def test_a_coordinator_sets_the_feedback_date_and_records_the_plan_leaders_read_it(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    gao = await world.join("高飞")
    await gao.command("milestone")
    first = (await gao.next_message()).text
    assert "普陀区巡视整改 整改节点" in first
    assert "类型：巡视巡察；反馈日期：未设置" in first
    assert "整改方案：未设反馈日期，无法计算时限" in first
    assert "/milestone 反馈 2026-11-20" in first  # how to set it

    await gao.command("milestone", "反馈 2026年11月20日")
    saved = (await gao.next_message()).text
    assert saved.startswith("✅ 已记录。")
    assert "反馈日期：2026-11-20" in saved
    assert "整改方案：2026-12-04 到期（还有 4 天）（反馈后14天）" in saved
    assert "整改情况报告：2027-01-20 到期（还有 51 天）（反馈后2个月）" in saved
    assert "立行立改事项：应于 2026-12-21 前完成" in saved

    await gao.command("board")
    board = (await gao.next_message()).text
    assert "整改节点" in board
    assert "整改方案：2026-12-04 到期（还有 4 天）" in board

    sun = await world.join("孙振邦")  # a leader reads, but may not change
    await sun.command("milestone")
    assert "整改方案：2026-12-04 到期" in (await sun.next_message()).text
    await sun.command("milestone", "方案 已报送")
    assert "没有权限" in (await sun.next_message()).text
    wang = await world.join("王建国")  # an official does not see the round's calendar
    await wang.command("milestone")
    assert "没有权限" in (await wang.next_message()).text

    await gao.command("milestone", "方案 已报送")
    assert "✅ 整改方案：已于 2026-11-30 报送" in (await gao.next_message()).text
    await gao.command("milestone", "方案 撤销")
    assert "整改方案：2026-12-04 到期" in (await gao.next_message()).text
    await gao.command("milestone", "类型 审计")
    audit = (await gao.next_message()).text
    assert "类型：审计" in audit
    assert "整改方案：2026-12-11 到期（还有 11 天）（反馈后15个工作日）" in audit
    await gao.command("milestone", "报告 2027-01-08")
    assert (
        "整改情况报告：2027-01-08 到期（还有 39 天）（协调员设定）"
        in (await gao.next_message()).text
    )


async def test_milestone_commands_that_cannot_be_read_say_why_and_change_nothing(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    gao = await world.join("高飞")
    for args, expected in (
        (("方案", "2026-02-30"), "“2026-02-30”不是有效日期"),
        (("反馈", "上周五"), "“上周五”不是有效日期"),
        (("总结", "2026-12-31"), "无法识别该命令"),
        (("方案", "已报送", "2026-12-25"), "报送日期 2026-12-25 还没到"),
        (("反馈", "3026-01-01"), "超出合理范围"),
    ):
        await gao.command("milestone", " ".join(args))
        assert expected in (await gao.next_message()).text, args
    await gao.command("milestone")
    unchanged = (await gao.next_message()).text
    assert "反馈日期：未设置" in unchanged
    assert "已于" not in unchanged


async def test_the_coordinator_and_the_unit_head_are_reminded_the_day_before(
    world: World, putuo_bytes: bytes, clock: ManualClock
) -> None:
    await world.import_putuo(putuo_bytes)
    gao = await world.join("高飞")
    liu = await world.join("刘振华")  # head of a unit with measures in the round
    await gao.command("milestone", "反馈 2026-11-20")
    await gao.next_message()
    await world.tick()  # the first tick only marks the start
    for day in (1, 2, 3):
        clock.set(datetime(2026, 12, day, 10, 0, tzinfo=SHANGHAI))
        await world.tick()
    await world.drain()
    for user in (gao, liu):
        texts = [m.text for m in await user.messages_when_idle()]
        reminders = [t for t in texts if "整改方案报送提醒" in t]
        assert len(reminders) == 1, texts
        assert "整改方案应于 2026-12-04（周五）前报送，还有 1 天" in reminders[0]
    clock.advance(timedelta(days=4))  # Monday 7 December: not marked submitted
    await world.tick()
    await world.drain()
    assert any("整改方案逾期未记录报送" in m.text for m in await gao.messages_when_idle())


def putuo_with_round(putuo: bytes, immediate_due: date) -> tuple[bytes, str]:
    """The Putuo workbook with a 轮次 sheet and its first 立行立改 measure due `immediate_due`."""
    book = openpyxl.load_workbook(io.BytesIO(putuo))
    sheet = book["整改任务"]
    header = [c.value for c in sheet[1]]
    kind_col, due_col = header.index("整改类型") + 1, header.index("整改时限") + 1
    number_col = header.index("序号") + 1
    row = next(
        r for r in range(2, sheet.max_row + 1) if sheet.cell(r, kind_col).value == "立行立改"
    )
    sheet.cell(row, due_col).value = datetime.combine(immediate_due, datetime.min.time())
    late_number = str(sheet.cell(row, number_col).value)
    round_sheet = book.create_sheet("轮次")
    for line in (
        ("项目", "内容"),
        ("类型", "巡察"),
        ("反馈日期", "2026-11-20"),
        ("整改方案报送时限", "2026-12-08"),
    ):
        round_sheet.append(list(line))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), late_number


async def test_the_round_sheet_is_previewed_applied_on_confirmation_and_late_immediate_items_flagged(
    world: World, putuo_bytes: bytes
) -> None:
    data, late = putuo_with_round(putuo_bytes, date(2027, 3, 31))
    gao_user = world.sim.user(first_name="Admin", user_id=ADMIN_ID)
    preview = (await send_workbook(gao_user, data, caption="第一轮巡察"))[-1]
    assert (
        "轮次信息（确认后写入）：类型 巡视巡察；反馈日期 2026-11-20；整改方案报送时限 2026-12-08"
        in (preview.text)
    )
    assert "条立行立改措施的整改时限晚于反馈后一个月（2026-12-21），请核实：" in preview.text
    assert late in preview.text.split("请核实：")[1]
    await gao_user.press(preview, "✅ 确认导入")
    await world.sim.wait_until(lambda: "已导入" in preview.text)
    await gao_user.command("milestone")
    shown = (await gao_user.next_message()).text
    assert "反馈日期：2026-11-20" in shown
    assert "整改方案：2026-12-08 到期（还有 8 天）（协调员设定）" in shown
    assert "整改情况报告：2027-01-20 到期" in shown
