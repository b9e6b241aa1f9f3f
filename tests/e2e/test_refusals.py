"""Bad input through the simulator: a clear answer, and nothing lost or changed."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from domain.model import TaskStatus
from handlers.callback_data import AskSignoff, FocusTask, Withdraw
from simulator import SentMessage, SimUser
from storage.tables import EvidenceRow, PersonRow, ProgressUpdateRow
from tests.e2e.conftest import ADMIN_ID, World, report_prompt, rows
from tests.e2e.test_official_loop import task_state


async def test_a_stranger_gets_a_polite_refusal_and_no_data(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    stranger = world.sim.user(first_name="路人")
    await stranger.command("start")
    assert "邀请链接" in (await stranger.next_message()).text
    for command in ("mytasks", "board"):
        await stranger.command(command)
        answer = (await stranger.next_message()).text
        assert "尚未绑定" in answer
        assert "1.1" not in answer
    await stranger.send("进度80%")
    assert "尚未绑定" in (await stranger.next_message()).text
    assert await rows(world, select(ProgressUpdateRow.id)) == []


async def test_unknown_and_reused_invite_codes_are_refused(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    code = await world.invite_code("王建国")
    first = world.sim.user(first_name="王")
    await first.command("start", code)
    assert "王建国" in (await first.next_message()).text
    second = world.sim.user(first_name="冒名")
    await second.command("start", code)
    assert "无效、已使用或已过期" in (await second.next_message()).text
    await second.command("start", "not-a-real-code")
    assert "无效、已使用或已过期" in (await second.next_message()).text
    bound = await rows(world, select(PersonRow.telegram_user_id).where(PersonRow.name == "王建国"))
    assert bound == [(first.id,)]


async def test_an_expired_invite_is_refused(world: World, putuo_bytes: bytes) -> None:
    await world.import_putuo(putuo_bytes)
    code = await world.invite_code("李晓燕")
    world.clock.advance(timedelta(days=15))
    late = world.sim.user(first_name="李")
    await late.command("start", code)
    assert "已过期" in (await late.next_message()).text


async def test_start_with_a_code_in_a_group_does_not_bind(world: World, putuo_bytes: bytes) -> None:
    await world.import_putuo(putuo_bytes)
    code = await world.invite_code("王建国")
    user = world.sim.user(first_name="王")
    group = world.sim.group("领导小组", members=[user])
    await user.command("start", code, chat=group)
    assert "私聊" in (await group.next_message()).text
    bound = await rows(world, select(PersonRow.telegram_user_id).where(PersonRow.name == "王建国"))
    assert bound == [(None,)]


async def test_nothing_personal_is_shown_in_a_group(world: World, putuo_bytes: bytes) -> None:
    await world.import_putuo(putuo_bytes)
    wang = await world.join("王建国")
    group = world.sim.group("工作群", members=[wang])
    await wang.command("mytasks", chat=group)
    answer = (await group.next_message()).text
    assert "私聊" in answer
    assert "1.1" not in answer
    await wang.send("进度90%", chat=group)  # group chatter is not a report
    assert await group.messages_when_idle() == []
    assert await rows(world, select(ProgressUpdateRow.id)) == []


async def test_an_official_cannot_see_the_board(world: World, putuo_bytes: bytes) -> None:
    await world.import_putuo(putuo_bytes)
    wang = await world.join("王建国")
    await wang.command("board")
    answer = (await wang.next_message()).text
    assert "没有权限" in answer
    assert "反馈的" not in answer


async def test_an_official_cannot_touch_another_officials_report_or_task(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    wang = await world.join("王建国")
    li = await world.join("李晓燕")
    await li.send("进度百分之三十")
    question = await li.next_message()
    await li.press(question, "1.2")
    await world.sim.wait_until(lambda: "30%" in question.text)
    (report_id,) = (await rows(world, select(ProgressUpdateRow.id)))[0]
    (task_id,) = (await rows(world, select(ProgressUpdateRow.task_id)))[0]

    # Forged buttons carry li's ids but are pressed by wang on one of his own messages.
    await wang.command("help")
    own = await wang.next_message()
    for forged in (Withdraw(report_id), AskSignoff(task_id), FocusTask(task_id)):
        query = await wang.press(own, data=forged.encode())
        answer = await wang.wait_callback_answer(query)
        assert answer.text is not None
        assert "没有权限" in answer.text or "不属于您" in answer.text
    assert await task_state(world, "1.2") == (30, TaskStatus.IN_PROGRESS)
    withdrawn = await rows(world, select(ProgressUpdateRow.withdrawn_at))
    assert withdrawn == [(None,)]


async def test_garbage_callback_data_gets_a_clear_answer(world: World, putuo_bytes: bytes) -> None:
    await world.import_putuo(putuo_bytes)
    wang = await world.join("王建国")
    await wang.command("mytasks")
    listing = await wang.messages_until_idle()
    for data in ("nonsense", "1:wd:abc", "9:ft:1", "1:sp:1:500"):
        query = await wang.press(listing[-1], data=data)
        answer = await wang.wait_callback_answer(query)
        assert answer.text is not None
        assert "失效" in answer.text


async def test_a_5000_character_report_is_stored_whole_and_acknowledged_briefly(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    wang = await world.join("王建国")
    prompt = await report_prompt(wang, "1.1")
    long_text = ("整改进展<详见附件>&说明。" * 500)[:4000]
    await wang.reply(prompt, long_text)
    ack = await wang.next_message()
    assert len(ack.text) < 600
    tail = "补充说明：目前进度85%" + "。" * 990
    await wang.send(tail)  # the client split a 5,000-character message in two
    await world.sim.wait_until(lambda: "85%" in ack.text)
    stored = await rows(world, select(ProgressUpdateRow.text))
    assert stored == [(long_text + "\n" + tail,)]
    assert len(stored[0][0]) > 5000


async def test_a_file_over_the_download_limit_is_recorded_by_id_and_the_sender_told(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    wang = await world.join("王建国")
    prompt = await report_prompt(wang, "1.1")
    await wang.send_document_of_size(25 * 1024 * 1024, file_name="整改台账.zip", reply_to=prompt)
    replies = await wang.messages_until_idle()
    assert any("超过 20 MB" in r.text and "整改台账.zip" in r.text for r in replies)
    evidence = await rows(
        world, select(EvidenceRow.file_name, EvidenceRow.size, EvidenceRow.stored_path)
    )
    assert evidence == [("整改台账.zip", 25 * 1024 * 1024, None)]


async def test_stickers_and_unknown_commands_get_guidance(world: World, putuo_bytes: bytes) -> None:
    await world.import_putuo(putuo_bytes)
    wang = await world.join("王建国")
    await wang.command("frobnicate")
    assert "未知命令" in (await wang.next_message()).text


async def test_an_admin_from_settings_is_bound_without_an_invite(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    admin = world.sim.user(first_name="Admin", user_id=ADMIN_ID)
    await admin.command("board")
    assert "反馈的41项问题" in (await admin.next_message()).text


async def test_a_reply_to_a_signed_off_or_foreign_message_is_not_misfiled(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    wang = await world.join("王建国")
    prompt = await report_prompt(wang, "1.1")
    await wang.reply(prompt, "已整改到位")
    done = await wang.next_message()
    query = await wang.press(done, "申请销号")
    await wang.wait_callback_answer(query)
    # The task now waits for review; more progress on it is still recorded on it.
    world.clock.advance(timedelta(hours=1))
    await wang.reply(prompt, "补充佐证材料说明")
    again = await wang.next_message()
    assert "1.1" in again.text
    assert await task_state(world, "1.1") == (100, TaskStatus.PENDING_REVIEW)


async def test_forged_desk_buttons_are_refused_and_change_nothing(
    world: World, putuo_bytes: bytes
) -> None:
    from handlers import callback_data as cd

    await world.import_putuo(putuo_bytes)
    gao, wang = await world.join("高飞"), await world.join("王建国")
    await gao.command("help")
    anchor = await gao.next_message()
    await wang.command("help")
    wang_anchor = await wang.next_message()
    async with world.uow() as uow:
        li = await uow.people.by_name("李晓燕")
        assert li is not None
    cases: list[tuple[SimUser, SentMessage, cd.Payload | str, str]] = [
        (gao, anchor, cd.UseCampaign(999), "未找到"),
        (gao, anchor, cd.DossierUnit(999), "未找到"),
        (gao, anchor, f"1:pp:3:{li.id}:0", "失效"),  # no such purpose
        (gao, anchor, cd.ImportCancel(999), "未找到"),
        (gao, anchor, cd.SignOff(999), "未找到"),
        (gao, anchor, cd.DecideExtension(999, cd.ExtensionChoice.APPROVE), "未找到"),
        (wang, wang_anchor, cd.Deactivate(li.id), "没有权限"),
        (wang, wang_anchor, cd.AskExtension(2), "没有权限"),  # 1.2 belongs to 李晓燕
        (gao, anchor, cd.LookbackHeld(999), "未找到"),
        (gao, anchor, cd.LookbackSlipped(999), "未找到"),
        (wang, wang_anchor, cd.GradeConfirm(1), "没有权限"),
        (gao, anchor, cd.GradeConfirm(999), "未找到"),
    ]
    for user, message, payload, expected in cases:
        data = payload if isinstance(payload, str) else payload.encode()
        answer = await user.wait_callback_answer(await user.press(message, data=data))
        # Handlers that answer the button first report the refusal in the chat.
        said = answer.text or (await user.next_message()).text
        assert expected in said, payload
    await gao.command("status", "")
    assert "整改措施152条" in (await gao.next_message()).text
    async with world.uow() as uow:
        still = await uow.people.by_name("李晓燕")
    assert still is not None
    assert still.active
