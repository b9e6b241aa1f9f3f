"""The whole loop through the simulator: import, invites, reports with evidence, sign-off, board."""

from __future__ import annotations

import asyncio
import hashlib
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from domain.model import TaskStatus
from storage.tables import EvidenceRow, ProgressUpdateRow
from tests.e2e.conftest import World, buttons, report_prompt, rows

PHOTO = b"\x89PNG\r\n\x1a\n" + b"evidence-photo" * 100


async def task_state(world: World, number: str) -> tuple[int, TaskStatus]:
    async with world.uow() as uow:
        campaign = await uow.campaigns.by_name("普陀区巡视整改")
        assert campaign is not None
        task_id = await uow.tasks.id_by_number(campaign.id, number)
        assert task_id is not None
        view = await uow.tasks.view(task_id)
    assert view is not None
    return view.percent, view.status


async def test_officials_report_progress_and_the_coordinator_sees_the_board_change(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    wang = await world.join("王建国", username="wangjg")
    li = await world.join("李晓燕")
    gao = await world.join("高飞")

    # The official lists his tasks and picks 1.1 to report on.
    await wang.command("mytasks")
    listing = await wang.messages_until_idle()
    assert "1.1" in listing[0].text
    assert "未开始" in listing[0].text
    await wang.press(listing[-1], "✍️ 1.1")
    prompt = await wang.next_message()
    assert "1.1" in prompt.text

    # A reply with a percent is recorded on that task.
    await wang.reply(prompt, "已组织读书班和中心组学习，完成60%")
    ack = await wang.next_message()
    assert "1.1" in ack.text
    assert "60%" in ack.text
    assert buttons(ack) == ["更正进度", "申请销号", "撤回"]
    assert await task_state(world, "1.1") == (60, TaskStatus.IN_PROGRESS)

    # A photo sent as a reply to the acknowledgement becomes evidence on the same report.
    await wang.send_photo(PHOTO, reply_to=ack)
    await world.sim.wait_until(lambda: "佐证材料：1" in ack.text)
    evidence = await rows(world, select(EvidenceRow.stored_path, EvidenceRow.sha256))
    assert len(evidence) == 1
    path, sha256 = evidence[0]
    data = await asyncio.to_thread(Path(path).read_bytes)
    assert hashlib.sha256(data).hexdigest() == sha256

    # The second official has several tasks: the bot asks which one, then records it.
    await li.send("整改完成百分之八十")
    question = await li.next_message()
    assert "哪项任务" in question.text
    await li.press(question, "1.2")
    await world.sim.wait_until(lambda: "80%" in question.text)
    assert await task_state(world, "1.2") == (80, TaskStatus.IN_PROGRESS)

    # Later the first official says it is done and asks for sign-off; the coordinator is told.
    world.clock.advance(timedelta(hours=3))
    await wang.reply(prompt, "已整改到位")
    done = await wang.next_message()
    assert "100%" in done.text
    assert "申请销号" in done.text
    query = await wang.press(done, "申请销号")
    await wang.wait_callback_answer(query)
    await world.drain()  # the coordinators' notice goes through the outbox
    notice = await gao.next_message()
    assert "销号申请" in notice.text
    assert "王建国" in notice.text
    attached = await gao.next_message()  # the newest evidence file follows the notice
    assert attached.photo is not None
    assert await task_state(world, "1.1") == (100, TaskStatus.PENDING_REVIEW)

    # The coordinator's board shows the new figures.
    await gao.command("board")
    board = (await gao.next_message()).text
    assert "反馈的41项问题已完成整改0项，整改措施152条已完成0条" in board
    assert "整改中：1" in board
    assert "待审核销号：1" in board
    assert "未开始：150" in board


async def test_an_album_makes_one_report_with_every_photo(world: World, putuo_bytes: bytes) -> None:
    await world.import_putuo(putuo_bytes)
    wang = await world.join("王建国")
    prompt = await report_prompt(wang, "1.3")
    await wang.reply(prompt, "会议照片如下，进度50%")
    ack = await wang.next_message()
    await wang.send_album([PHOTO + b"1", PHOTO + b"2", PHOTO + b"3"])
    await world.sim.wait_until(lambda: "佐证材料：3" in ack.text)
    later = await wang.messages_when_idle()
    assert later == []  # no further prompts: one report
    assert len(await rows(world, select(ProgressUpdateRow.id))) == 1


async def test_an_edited_message_updates_its_report_instead_of_adding_one(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    wang = await world.join("王建国")
    prompt = await report_prompt(wang, "2.1")
    sent = await wang.reply(prompt, "进度30%")
    ack = await wang.next_message()
    assert "30%" in ack.text
    await wang.edit(sent, "进度40%")
    await world.sim.wait_until(lambda: "40%" in ack.text)
    assert await wang.messages_when_idle() == []
    assert await task_state(world, "2.1") == (40, TaskStatus.IN_PROGRESS)


async def test_correcting_the_percent_and_withdrawing_work_from_the_buttons(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    wang = await world.join("王建国")
    prompt = await report_prompt(wang, "1.1")
    await wang.reply(prompt, "召开了专题会议")
    ack = await wang.next_message()
    assert "未识别到进度百分比" in ack.text
    await wang.press(ack, "更正进度")
    await world.sim.wait_until(lambda: "70%" in buttons(ack))
    await wang.press(ack, "70%")
    await world.sim.wait_until(lambda: "更正为 70%" in ack.text)
    assert await task_state(world, "1.1") == (70, TaskStatus.IN_PROGRESS)

    world.clock.advance(timedelta(hours=1))
    await wang.reply(prompt, "又补充了材料，进度75%")
    second = await wang.next_message()
    await wang.press(second, "撤回")
    await world.sim.wait_until(lambda: "已撤回" in second.text)
    assert await task_state(world, "1.1") == (70, TaskStatus.IN_PROGRESS)


async def test_language_switch_changes_replies_and_the_command_menu(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    gao = await world.join("高飞")
    await gao.command("language")
    choice = await gao.next_message()
    await gao.press(choice, "English")
    await world.sim.wait_until(lambda: "English" in choice.text)
    await gao.command("board")
    board = (await gao.next_message()).text
    assert "Of the 41 problems raised, 0 are rectified; 0 of 152 measures are completed." in board
    menu = dict(world.sim.commands[("chat", gao.id)])
    assert menu["board"] == "Overall board"


async def test_help_and_menus_follow_the_callers_roles(world: World, putuo_bytes: bytes) -> None:
    await world.import_putuo(putuo_bytes)
    wang = await world.join("王建国")
    gao = await world.join("高飞")
    await wang.command("help")
    official_help = (await wang.next_message()).text
    await gao.command("help")
    coordinator_help = (await gao.next_message()).text
    assert "/mytasks" in official_help
    assert "/board" not in official_help
    assert "/board" in coordinator_help
    assert "board" not in dict(world.sim.commands[("chat", wang.id)])
    assert "board" in dict(world.sim.commands[("chat", gao.id)])
