"""/reassign, /deactivate and /remind through the chat, with previews and refusals."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.clock import ManualClock
from domain.rhythm.nudges import Reach
from handlers.callback_data import Remind
from storage.tables import PersonRow, TaskRow
from tests.e2e.conftest import World, buttons, report_prompt, rows


async def owner_of(world: World, number: str) -> str:
    found = await rows(
        world,
        select(PersonRow.name, TaskRow.percent)
        .join(TaskRow, TaskRow.owner_id == PersonRow.id)
        .where(TaskRow.number == number),
    )
    return f"{found[0][0]} {found[0][1]}%"


async def test_reassign_moves_the_task_keeps_its_progress_and_tells_both(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    gao, wang, li = await world.join("高飞"), await world.join("王建国"), await world.join("李晓燕")
    await wang.reply(await report_prompt(wang, "1.1"), "已完成调研，进度40%")
    await wang.next_message()
    await gao.command("reassign", "1.1 李晓燕")
    assert "由 王建国 调整为 李晓燕" in (await gao.next_message()).text
    assert await owner_of(world, "1.1") == "李晓燕 40%"
    await world.drain()
    assert "已调整由 李晓燕 负责" in (await wang.next_message()).text
    assert "已调整由您负责（原责任人：王建国）" in (await li.next_message()).text
    await li.command("mytasks")
    assert "1.1" in (await li.messages_until_idle())[0].text


async def test_reassign_with_an_ambiguous_name_offers_buttons(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    gao = await world.join("高飞")
    await gao.command("reassign", "1.1 华")
    pick = await gao.next_message()
    assert "请选择任务 1.1 的新责任人" in pick.text
    assert "华丽（区国资委）" in buttons(pick)
    await gao.press(pick, "华丽（区国资委）")
    assert "调整为 华丽" in (await gao.next_message()).text
    assert await owner_of(world, "1.1") == "华丽 0%"


async def test_reassign_refusals(world: World, putuo_bytes: bytes) -> None:
    await world.import_putuo(putuo_bytes)
    gao, wang = await world.join("高飞"), await world.join("王建国")
    for args, expected in (
        ("", "用法"),
        ("1.1", "用法"),
        ("99.9 李晓燕", "未找到"),
        ("1.1 查无此人", "未找到人员：查无此人"),
        ("1.1 王建国", "已是该责任人"),
    ):
        await gao.command("reassign", args)
        assert expected in (await gao.next_message()).text, args
    await wang.command("reassign", "1.1 李晓燕")
    assert "没有权限" in (await wang.next_message()).text
    assert await owner_of(world, "1.1") == "王建国 0%"


async def test_deactivate_lists_orphaned_tasks_and_a_fresh_invite_brings_them_back(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    gao, wang = await world.join("高飞"), await world.join("王建国")
    await gao.command("deactivate", "王建国")
    preview = await gao.next_message()
    assert "确认停用 王建国（区发展改革委）" in preview.text
    assert "以下 10 项未销号任务需要调整责任人" in preview.text
    await gao.press(preview, "确认停用")
    await world.sim.wait_until(lambda: "已停用 王建国" in preview.text)
    await wang.command("mytasks")
    assert "尚未绑定" in (await wang.next_message()).text
    await gao.command("deactivate", "王建国")
    assert "未找到人员" in (await gao.next_message()).text  # no longer active

    new_phone = await world.join("王建国")  # a fresh invite binds a new account
    await new_phone.command("mytasks")
    assert "1.1" in (await new_phone.messages_until_idle())[0].text


async def test_deactivate_refusals(world: World, putuo_bytes: bytes) -> None:
    await world.import_putuo(putuo_bytes)
    gao, sun = await world.join("高飞"), await world.join("孙振邦")
    await gao.command("deactivate")
    assert "用法" in (await gao.next_message()).text
    await gao.command("deactivate", "高飞")
    assert "不能停用自己" in (await gao.next_message()).text
    await sun.command("deactivate", "王建国")
    assert "没有权限" in (await sun.next_message()).text


async def test_remind_a_person_previews_then_sends_through_the_outbox(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    gao, wang = await world.join("高飞"), await world.join("王建国")
    await gao.command("remind", "王建国")
    preview = await gao.next_message()
    assert "将立即提醒“王建国” 1 人，涉及 10 项任务" in preview.text
    assert buttons(preview) == ["📨 发送提醒"]
    assert not any("整改进展提醒" in m.text for m in wang.inbox)  # nothing before confirming
    await gao.press(preview, "📨 发送提醒")
    await world.sim.wait_until(lambda: "已将提醒加入发送队列：1 人" in preview.text)
    await world.drain()
    nudge = await wang.next_message()
    assert "整改办（高飞）提醒您" in nudge.text
    assert "✍️ 1.1" in buttons(nudge)


async def test_remind_a_unit_and_silent_people_name_the_unreachable(
    world: World, putuo_bytes: bytes, clock: ManualClock
) -> None:
    await world.import_putuo(putuo_bytes)
    gao, zhao = await world.join("高飞"), await world.join("赵立新")
    await gao.command("remind", "区科委")
    preview = await gao.next_message()
    assert "“区科委” 1 人，涉及 6 项任务：赵立新" in preview.text
    assert "另有 1 人未绑定或已屏蔽机器人，无法送达：孙梦婷" in preview.text
    await gao.press(preview, "📨 发送提醒")
    await world.sim.wait_until(lambda: "队列" in preview.text)
    await world.drain()
    assert "整改进展提醒" in (await zhao.next_message()).text

    clock.advance(timedelta(days=7))
    await gao.command("remind", "silent")
    silent = await gao.next_message()
    assert "将立即提醒 1 人" in silent.text
    assert "无法送达" in silent.text


async def test_remind_choices_and_refusals(world: World, putuo_bytes: bytes) -> None:
    await world.import_putuo(putuo_bytes)
    gao, sun = await world.join("高飞"), await world.join("孙振邦")
    await gao.command("remind", "华")
    pick = await gao.next_message()
    assert "匹配多个人员或单位" in pick.text
    await gao.press(pick, "华丽")
    preview = await gao.next_message()
    assert "没有可以送达的人员" in preview.text
    assert "无法送达：华丽" in preview.text
    await gao.command("remind")
    assert "用法" in (await gao.next_message()).text
    await gao.command("remind", "查无此人")
    assert "未找到" in (await gao.next_message()).text
    await sun.command("remind", "silent")
    assert "没有权限" in (await sun.next_message()).text
    answer = await sun.wait_callback_answer(
        await sun.press(preview, data=Remind(Reach.SILENT, 0, 1).encode())
    )
    assert "没有权限" in (answer.text or "")


async def test_pressing_send_twice_nudges_once(world: World, putuo_bytes: bytes) -> None:
    await world.import_putuo(putuo_bytes)
    gao, wang = await world.join("高飞"), await world.join("王建国")
    await gao.command("remind", "王建国")
    preview = await gao.next_message()
    data = preview.buttons[0][0].callback_data or ""
    for _ in range(2):
        await gao.wait_callback_answer(await gao.press(preview, data=data))
    await world.drain()
    nudges = [m for m in await wang.messages_until_idle() if "整改进展提醒" in m.text]
    assert len(nudges) == 1
