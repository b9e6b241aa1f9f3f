"""Status queries per role: coordinators see everything, unit heads and leaders their scope."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import ManualClock
from domain.records.queries import Kind
from handlers.callback_data import Page
from tests.e2e.conftest import ADMIN_ID, World, buttons, report_prompt


async def test_status_without_argument_shows_the_whole_board_to_a_coordinator(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    gao = await world.join("高飞")
    await gao.command("status")
    board = (await gao.next_message()).text
    assert "普陀区巡视整改 整改进度" in board
    assert "范围" not in board
    assert "整改措施152条" in board


async def test_status_of_a_unit_lists_its_tasks_and_pages(world: World, putuo_bytes: bytes) -> None:
    await world.import_putuo(putuo_bytes)
    gao = await world.join("高飞")
    await gao.command("status", "发展改革")
    listing = await gao.next_message()
    assert "区发展改革委 的整改任务" in listing.text
    assert "共 19 项 · 第 1/2 页" in listing.text
    assert listing.text.count("区发展改革委·") == 10
    assert buttons(listing) == ["下一页 ▶️"]
    await gao.press(listing, "下一页 ▶️")
    await world.sim.wait_until(lambda: "第 2/2 页" in listing.text)
    assert listing.text.count("区发展改革委·") == 9
    assert buttons(listing) == ["◀️ 上一页"]


async def test_an_ambiguous_unit_or_person_offers_buttons(world: World, putuo_bytes: bytes) -> None:
    await world.import_putuo(putuo_bytes)
    gao = await world.join("高飞")
    await gao.command("status", "区委")
    pick = await gao.next_message()
    assert "有多个单位匹配“区委”" in pick.text
    assert buttons(pick) == ["区委组织部", "区委网信办"]
    await gao.press(pick, "区委网信办")
    await world.sim.wait_until(lambda: "区委网信办 的整改任务" in pick.text)
    assert "共 4 项" in pick.text

    await gao.command("person", "华")
    people = await gao.next_message()
    assert "有多人匹配“华”" in people.text
    assert len(people.buttons) >= 2
    await gao.command("person", "王建国")
    assert "王建国 负责的整改任务" in (await gao.next_message()).text
    await gao.command("person", "查无此人")
    assert "未找到责任人“查无此人”" in (await gao.next_message()).text
    await gao.command("person")
    assert "用法" in (await gao.next_message()).text


async def test_overdue_silent_and_pending_lists(
    world: World, putuo_bytes: bytes, clock: ManualClock
) -> None:
    await world.import_putuo(putuo_bytes)
    gao = await world.join("高飞")
    wang = await world.join("王建国")
    await wang.reply(await report_prompt(wang, "1.1"), "已完成，进度100%")
    ack = await wang.next_message()
    await wang.wait_callback_answer(await wang.press(ack, "申请销号"))

    await gao.command("pending")
    pending = await gao.next_message()
    assert "待审核销号任务" in pending.text
    assert "共 1 项" in pending.text
    assert "1.1" in pending.text

    clock.advance(timedelta(days=4))  # past 2026-12-02, the first deadline (11 measures)
    await gao.command("overdue")
    overdue = await gao.next_message()
    assert "逾期未销号任务" in overdue.text
    assert "共 11 项 · 第 1/2 页" in overdue.text
    assert "🔴" in overdue.text

    clock.advance(timedelta(days=7))
    await gao.command("silent")
    silent = await gao.next_message()
    assert "本期未报送进展的任务" in silent.text
    assert "共 151 项" in silent.text  # everything except 1.1, which waits for sign-off


async def test_task_shows_plan_reports_and_review_buttons_and_history_the_trail(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    gao = await world.join("高飞")
    wang = await world.join("王建国")
    await wang.reply(await report_prompt(wang, "1.1"), "已召开专题会，进度40%")
    await wang.next_message()
    await gao.command("task", "1.1")
    shown = await gao.next_message()
    assert "任务 1.1" in shown.text
    assert "区发展改革委" in shown.text
    assert "王建国" in shown.text
    assert "孙振邦" in shown.text
    assert "已召开专题会" in shown.text
    assert "40%" in shown.text
    assert not shown.buttons  # not waiting for sign-off

    await gao.command("history", "1.1")
    trail = await gao.next_message()
    assert "任务 1.1 的处理记录" in trail.text
    assert "王建国" in trail.text

    for command in ("task", "history"):
        await gao.command(command, "99.9")
        assert "未找到" in (await gao.next_message()).text
        await gao.command(command)
        assert "用法" in (await gao.next_message()).text


async def test_a_unit_head_sees_only_their_unit(world: World, putuo_bytes: bytes) -> None:
    await world.import_putuo(putuo_bytes)
    liu = await world.join("刘振华")  # head of 区发展改革委
    await liu.command("status")
    board = (await liu.next_message()).text
    assert "（范围：区发展改革委）" in board
    assert "整改措施19条" in board
    await liu.command("status", "科委")
    assert "未找到单位“科委”" in (await liu.next_message()).text
    await liu.command("task", "1.1")
    assert "任务 1.1" in (await liu.next_message()).text
    await liu.command("task", "41.4")  # another unit's task
    assert "未找到" in (await liu.next_message()).text


async def test_a_lead_leader_sees_the_tasks_they_lead(world: World, putuo_bytes: bytes) -> None:
    await world.import_putuo(putuo_bytes)
    sun = await world.join("孙振邦")
    await sun.command("status")
    board = (await sun.next_message()).text
    assert "（范围：您牵头的任务）" in board
    assert "整改措施35条" in board


async def test_officials_strangers_and_forged_pages_are_refused(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    wang = await world.join("王建国")
    for command in ("status", "overdue", "silent", "pending", "task", "history", "campaign"):
        await wang.command(command, "1.1")
        assert "没有权限" in (await wang.next_message()).text, command
    stranger = world.sim.user(first_name="路人")
    await stranger.command("status")
    assert "尚未绑定" in (await stranger.next_message()).text

    gao = await world.join("高飞")
    await gao.command("overdue")
    listing = await gao.next_message()
    answer = await wang.wait_callback_answer(
        await wang.press(listing, data=Page(Kind.OVERDUE, 0, 0).encode())
    )
    assert "没有权限" in (answer.text or "")
    answer = await gao.wait_callback_answer(await gao.press(listing, data="1:pg:9:0:0"))
    assert "失效" in (answer.text or "")  # no list of that kind


async def test_campaign_switching_with_two_rounds(world: World, putuo_bytes: bytes) -> None:
    await world.import_putuo(putuo_bytes)
    async with world.uow() as uow:
        from domain.model import CampaignSource

        await uow.campaigns.add(
            name="区审计整改", source=CampaignSource.AUDIT, now=world.clock.now()
        )
        await uow.commit()
    gao = await world.join("高飞")
    await gao.command("status")
    assert "请先选择整改轮次" in (await gao.next_message()).text
    await gao.command("campaign")
    choice = await gao.next_message()
    assert buttons(choice) == ["区审计整改", "普陀区巡视整改"] or buttons(choice) == [
        "普陀区巡视整改",
        "区审计整改",
    ]
    await gao.press(choice, "区审计整改")
    await world.sim.wait_until(lambda: "已切换到整改轮次：区审计整改" in choice.text)
    await gao.command("status")
    assert "当前没有整改任务" in (await gao.next_message()).text
    await gao.command("campaign", "普陀")
    assert "已切换到整改轮次：普陀区巡视整改" in (await gao.next_message()).text
    await gao.command("status")
    assert "整改措施152条" in (await gao.next_message()).text
    await gao.command("campaign", "没有这个")
    assert "未找到" in (await gao.next_message()).text


async def test_queries_in_a_group_point_to_the_private_chat(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    gao = await world.join("高飞")
    group = world.sim.group("整改工作群", members=[gao])
    for command in ("status", "task", "history", "overdue", "pending"):
        await gao.command(command, "1.1", chat=group)
        assert "私聊" in (await group.next_message()).text, command


async def test_task_offers_review_buttons_only_to_whom_the_review_accepts(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    gao, wang = await world.join("高飞"), await world.join("王建国")  # a coordinator, an official
    admin = world.sim.user(first_name="Admin", user_id=ADMIN_ID)  # an administrator only
    await wang.reply(await report_prompt(wang, "1.1"), "已完成，进度100%")
    ack = await wang.next_message()
    await wang.wait_callback_answer(await wang.press(ack, "申请销号"))
    await world.settle()

    await admin.command("task", "1.1")
    [for_admin] = await admin.messages_until_idle()
    assert "任务 1.1" in for_admin.text
    assert not for_admin.buttons  # the service would refuse an admin's sign-off
    gao.skip_all()  # (the sign-off request it was told of)
    await gao.command("task", "1.1")
    [for_coordinator] = await gao.messages_until_idle()
    assert for_coordinator.buttons
