"""Defects a hostile probe found (issue 10): each fails without its fix."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from bot.files import store_file
from domain.intake import importing
from domain.model import Role, SheetPerson, SheetTask, TaskKind, Workbook
from handlers.callback_data import SignOff
from storage.tables import EvidenceRow, PersonRoleRow, PersonRow, ProgressUpdateRow, TaskRow
from tests.e2e.conftest import ADMIN_ID, World, report_prompt, rows


async def roles_of(world: World, name: str) -> set[str]:
    found = await rows(
        world,
        select(PersonRoleRow.role)
        .join(PersonRow, PersonRow.id == PersonRoleRow.person_id)
        .where(PersonRow.name == name),
    )
    return {str(role) for (role,) in found}


async def test_an_admin_who_opens_an_officials_invite_does_not_make_the_official_an_admin(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    admin = world.sim.user(first_name="Admin", user_id=ADMIN_ID)
    await admin.command("start", await world.invite_code("王建国"))
    await admin.next_message()
    await admin.command("board")  # the settings' account still acts as admin
    assert "反馈的41项问题" in (await admin.next_message()).text
    assert "admin" not in await roles_of(world, "王建国")

    wang = await world.join("王建国")  # the real official binds with a fresh link
    await wang.command("export")
    assert "没有权限" in (await wang.next_message()).text
    await wang.command("invites")
    assert "没有权限" in (await wang.next_message()).text
    assert "admin" not in await roles_of(world, "王建国")


async def test_a_nul_in_a_report_is_dropped_alike_on_both_engines(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    wang = await world.join("王建国")
    prompt = await report_prompt(wang, "1.1")
    await wang.reply(prompt, "已完成\x00调研\x07，进度60%\n附：会议纪要")
    ack = await wang.next_message()
    assert "60%" in ack.text
    stored = await rows(world, select(ProgressUpdateRow.text))
    assert stored == [("已完成调研，进度60%\n附：会议纪要",)]


async def test_editing_a_report_after_the_sign_off_request_keeps_what_was_reviewed(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    wang, gao = await world.join("王建国"), await world.join("高飞")
    prompt = await report_prompt(wang, "1.1")
    sent = await wang.reply(prompt, "已整改到位，会议纪要已印发")
    ack = await wang.next_message()
    await wang.wait_callback_answer(await wang.press(ack, "申请销号"))
    await wang.edit(sent, "其实还没开始")
    refusal = await wang.next_message()
    assert "不会改变已审核的进展" in refusal.text
    assert await rows(world, select(ProgressUpdateRow.text)) == [("已整改到位，会议纪要已印发",)]
    await gao.command("history", "1.1")
    history = "\n".join(m.text for m in await gao.messages_until_idle())
    assert "修改未生效" in history
    assert "其实还没开始" in history  # kept in the log, visible to the coordinators


async def test_an_ordinary_edit_keeps_the_old_text_in_the_history(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    wang, gao = await world.join("王建国"), await world.join("高飞")
    sent = await wang.reply(await report_prompt(wang, "1.1"), "完成30%")
    await wang.next_message()
    await wang.edit(sent, "完成40%")
    await world.settle()
    await gao.command("history", "1.1")
    history = "\n".join(m.text for m in await gao.messages_until_idle())
    assert "原为“完成30%”，现为“完成40%”" in history


async def test_a_bound_coordinator_opening_another_persons_invite_is_asked_first(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    gao = await world.join("高飞")
    code = await world.invite_code("王建国")
    await gao.command("start", code)
    question = await gao.next_message()
    assert "高飞" in question.text
    assert "王建国" in question.text
    assert "失去" in question.text  # a coordinator is warned about the role
    url = question.buttons[0][0].url or ""
    assert url.endswith(f"?start=ok{code}")
    await gao.command("board")  # nothing switched: still the coordinator
    assert "反馈的41项问题" in (await gao.next_message()).text

    await gao.command("start", f"ok{code}")  # the button's link, confirmed
    assert "王建国" in (await gao.next_message()).text
    await gao.command("board")
    assert "没有权限" in (await gao.next_message()).text


async def test_evidence_that_cannot_be_saved_keeps_the_report_and_names_the_file_to_resend(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    wang = await world.join("王建国")
    evidence = world.settings.data_dir.resolve() / "evidence"
    evidence.parent.mkdir(parents=True, exist_ok=True)
    evidence.write_text("not a folder")  # the disk refuses every write below it
    prompt = await report_prompt(wang, "1.1")
    await wang.send_document(b"%PDF-1.4 minutes", file_name="会议纪要.pdf", reply_to=prompt)
    replies = await wang.messages_until_idle()
    assert any("会议纪要.pdf" in r.text and "未能保存" in r.text for r in replies)
    stored = await rows(world, select(EvidenceRow.file_name, EvidenceRow.stored_path))
    assert stored == [("会议纪要.pdf", None)]
    assert len(await rows(world, select(ProgressUpdateRow.id))) == 1


def test_a_truncated_file_on_disk_is_replaced_not_reused(tmp_path: Path) -> None:
    data = b"%PDF-1.4 " + b"x" * 10_000
    digest = hashlib.sha256(data).hexdigest()
    path = tmp_path / "ab" / "evidence.pdf"
    path.parent.mkdir()
    path.write_bytes(data[:100])  # an earlier write cut short by a full disk
    store_file(path, data, digest)
    assert path.read_bytes() == data
    assert [p.name for p in path.parent.iterdir()] == ["evidence.pdf"]  # no partial left


async def test_a_stored_report_whose_acknowledgement_fails_is_acknowledged_later_not_retried(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    wang = await world.join("王建国")
    prompt = await report_prompt(wang, "1.1")
    world.sim.faults.add(method="sendMessage", chat_id=wang.id, error_code=502, times=3)
    await wang.reply(prompt, "已完成调研，进度60%")
    assert await wang.messages_when_idle() == []  # no "处理时出错，请稍后再试"
    assert len(await rows(world, select(ProgressUpdateRow.id))) == 1
    await world.drain()  # the outbox retries the acknowledgement
    ack = (await wang.messages_until_idle())[-1]
    assert "1.1" in ack.text
    assert "60%" in ack.text
    assert "撤回" in [b.text for row in ack.buttons for b in row]
    world.clock.advance(timedelta(minutes=5))  # a new report, not a continuation
    await wang.reply(ack, "补充：已形成调研报告")  # a reply to it still reports on 1.1
    assert "1.1" in (await wang.next_message()).text
    assert len(await rows(world, select(ProgressUpdateRow.id))) == 2


async def test_an_official_with_120_open_tasks_gets_lists_telegram_accepts(world: World) -> None:
    tasks = tuple(
        SheetTask(
            2 + i,
            f"{i + 1}.1",
            None,
            f"问题{i}",
            f"措施{i}",
            "区发展改革委",
            "王建国",
            None,
            date(2027, 6, 30),
            TaskKind.BOUNDED,
        )
        for i in range(120)
    )
    people = (SheetPerson(2, "王建国", "区发展改革委", frozenset({Role.OFFICIAL})),)
    await importing.import_workbook(
        uow=world.uow(), clock=world.clock, workbook=Workbook(people, tasks), campaign_name="大轮次"
    )
    wang = await world.join("王建国")
    await wang.command("mytasks")
    listing = await wang.messages_until_idle()
    assert sum(len(row) for row in listing[-1].buttons) == 60
    assert "其余任务请在消息开头写明序号" in listing[-1].text
    await wang.send("本周召开专题会议")  # which task? buttons for the first ones, and a hint
    question = await wang.next_message()
    assert "序号" in question.text
    assert sum(len(row) for row in question.buttons) == 30
    await wang.send("117.1 完成40%")  # a task beyond the buttons, by its number
    await world.sim.wait_until(lambda: "117.1" in question.text)  # the question became the ack
    assert world.sim.state.errors == []


async def test_the_percent_buttons_are_not_shown_for_someone_elses_report(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    wang, li = await world.join("王建国"), await world.join("李晓燕")
    await wang.reply(await report_prompt(wang, "1.1"), "完成30%")
    wang_ack = await wang.next_message()
    await li.reply(await report_prompt(li, "1.2"), "完成20%")
    li_ack = await li.next_message()
    foreign = wang_ack.buttons[0][0].callback_data  # AskPercent of 王建国's report
    assert foreign is not None
    answer = await li.wait_callback_answer(await li.press(li_ack, data=foreign))
    assert answer.text is not None
    assert "不属于您" in answer.text
    await world.settle()
    assert [b.text for row in li_ack.buttons for b in row] == ["更正进度", "申请销号", "撤回"]


async def test_desk_commands_in_a_group_point_to_the_private_chat(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    gao = await world.join("高飞")
    group = world.sim.group("工作群", members=[gao])
    for command in ("invite", "invites", "template"):
        await gao.command(command, chat=group)
        answer = (await group.next_message()).text
        assert "私聊" in answer, (command, answer)
        assert "没有权限" not in answer


async def test_a_sign_off_pressed_on_a_message_without_buttons_is_done_without_an_error(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    wang, gao = await world.join("王建国"), await world.join("高飞")
    await wang.reply(await report_prompt(wang, "1.1"), "已整改到位")
    ack = await wang.next_message()
    await wang.wait_callback_answer(await wang.press(ack, "申请销号"))
    await gao.command("board")
    board = await gao.next_message()  # a message with no buttons at all
    task_id = int((await rows(world, select(TaskRow.id).where(TaskRow.number == "1.1")))[0][0])
    await gao.wait_callback_answer(await gao.press(board, data=SignOff(task_id).encode()))
    replies = await gao.messages_until_idle()
    assert any("已同意" in r.text or "销号" in r.text for r in replies)
    assert not any("出错" in r.text for r in replies)
    assert (await rows(world, select(TaskRow.status).where(TaskRow.id == task_id))) == [("closed",)]
