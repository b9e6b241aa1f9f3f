"""整改—审核—销号 and 申请延期 through the chat: requests, decisions, refusals."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from domain.model import Role, TaskStatus
from handlers.callback_data import SignOff
from simulator import SentMessage, SimUser
from storage.tables import TaskRow
from tests.e2e.conftest import ADMIN_ID, World, buttons, report_prompt, rows


async def ask_signoff(world: World, official: SimUser, number: str) -> None:
    await official.reply(await report_prompt(official, number), "已整改完毕，进度100%")
    ack = await official.next_message()
    await official.wait_callback_answer(await official.press(ack, "申请销号"))
    await world.drain()


async def state(world: World, number: str) -> tuple[str, date | None, object]:
    found = await rows(
        world,
        select(TaskRow.status, TaskRow.due_on, TaskRow.closed_at).where(TaskRow.number == number),
    )
    return found[0]


async def test_a_coordinator_signs_off_and_the_official_is_told(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    gao, wang = await world.join("高飞"), await world.join("王建国")
    await ask_signoff(world, wang, "1.1")
    notice = await gao.next_message()
    assert "销号申请" in notice.text
    assert "已整改完毕" in notice.text
    assert buttons(notice) == ["✅ 同意销号", "↩️ 退回"]
    await gao.press(notice, "✅ 同意销号")
    assert "已对任务 1.1 销号（高飞）" in (await gao.next_message()).text
    await world.drain()
    assert "已审核通过并销号" in (await wang.next_message()).text
    status, _, closed_at = await state(world, "1.1")
    assert status == TaskStatus.CLOSED.value
    assert closed_at is not None
    await gao.command("history", "1.1")
    trail = (await gao.next_message()).text
    assert "申请销号" in trail


async def test_send_back_asks_for_a_reason_and_reopens_the_task(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    gao, wang = await world.join("高飞"), await world.join("王建国")
    await ask_signoff(world, wang, "1.1")
    notice = await gao.next_message()
    await gao.press(notice, "↩️ 退回")
    question = await gao.next_message()
    assert "退回任务 1.1 的原因" in question.text
    await gao.reply(question, "   ")
    assert "退回原因不能为空" in (await gao.next_message()).text
    await gao.reply(question, "佐证材料不足，请补充会议纪要")
    assert "已退回任务 1.1" in (await gao.next_message()).text
    await world.drain()
    told = (await wang.next_message()).text
    assert "被退回" in told
    assert "佐证材料不足，请补充会议纪要" in told
    assert (await state(world, "1.1"))[0] == TaskStatus.IN_PROGRESS.value
    await gao.reply(question, "再说一次")
    assert "已经回答过了" in (await gao.next_message()).text


async def test_the_last_measure_signed_off_rectifies_the_problem(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    gao = await world.join("高飞")
    wang, li = await world.join("王建国"), await world.join("李晓燕")
    for official, number in ((wang, "1.1"), (li, "1.2"), (wang, "1.3"), (li, "1.4")):
        await ask_signoff(world, official, number)
    notices = await gao.messages_until_idle()
    assert len(notices) == 4
    for i, notice in enumerate(notices):
        await gao.press(notice, "✅ 同意销号")
        done = (await gao.next_message()).text
        assert ("问题整改完成" in done) == (i == 3), done
    await gao.command("board")
    assert "反馈的41项问题已完成整改1项" in (await gao.next_message()).text


async def test_only_coordinators_sign_off_and_never_their_own_task(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    async with world.uow() as uow:  # 王建国 is also a coordinator now
        wang_person = await uow.people.by_name("王建国")
        assert wang_person is not None
        await uow.people.update(
            wang_person.id,
            unit_id=None,
            add_roles={Role.COORDINATOR},
            phone=None,
            telegram_username=None,
        )
        await uow.commit()
    gao, wang = await world.join("高飞"), await world.join("王建国")
    sun = await world.join("孙振邦")
    admin = world.sim.user(first_name="Admin", user_id=ADMIN_ID)
    await ask_signoff(world, wang, "1.1")
    notice = await gao.next_message()
    assert not any("申请对任务" in m.text for m in wang.inbox)  # no notice of his own request
    forged = SignOff(int((notice.buttons[0][0].callback_data or "").split(":")[2])).encode()
    for user, expected in ((wang, "不能审核自己的任务"), (sun, "没有权限"), (admin, "没有权限")):
        answer = await user.wait_callback_answer(await user.press(notice, data=forged))
        assert expected in (answer.text or ""), user
    assert (await state(world, "1.1"))[0] == TaskStatus.PENDING_REVIEW.value
    await gao.press(notice, "✅ 同意销号")
    await gao.next_message()
    answer = await gao.wait_callback_answer(await gao.press(notice, data=forged))
    assert "不允许此操作" in (answer.text or "")


async def extension_request(wang: SimUser, body: str, due: str = "2027-01-29") -> SentMessage:
    await wang.command("extend")
    pick = await wang.next_message()
    await wang.press(pick, "⏳ 1.1")
    question = await wang.next_message()
    assert f"申请延期：任务 1.1（现时限 {due}）" in question.text
    await wang.reply(question, body)
    return question


async def test_an_extension_is_asked_and_approved(world: World, putuo_bytes: bytes) -> None:
    await world.import_putuo(putuo_bytes)
    gao, wang = await world.join("高飞"), await world.join("王建国")
    await extension_request(wang, "2027-03-31 专项资金尚未下达")
    assert "申请延至 2027-03-31" in (await wang.next_message()).text
    await world.drain()
    request = await gao.next_message()
    assert "由 2027-01-29 延至 2027-03-31" in request.text
    assert "专项资金尚未下达" in request.text
    assert buttons(request) == ["✅ 同意", "📅 另定日期", "✖️ 不同意"]
    await gao.press(request, "✅ 同意")
    assert "已同意（2027-03-31）" in (await gao.next_message()).text
    await world.drain()
    assert "新时限：2027-03-31" in (await wang.next_message()).text
    assert (await state(world, "1.1"))[1] == date(2027, 3, 31)


async def test_an_extension_gets_another_date_or_is_refused(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    gao, wang = await world.join("高飞"), await world.join("王建国")
    await extension_request(wang, "延期到2027年3月底，因为资金未到位")
    await wang.next_message()
    await world.drain()
    request = await gao.next_message()
    assert "延至 2027-03-31" in request.text
    await gao.press(request, "📅 另定日期")
    question = await gao.next_message()
    await gao.reply(question, "2027-02-26")
    assert "已同意（2027-02-26）" in (await gao.next_message()).text
    assert (await state(world, "1.1"))[1] == date(2027, 2, 26)
    await world.drain()
    assert "2027-02-26" in (await wang.next_message()).text

    await extension_request(wang, "2027-06-30 仍需协调", "2027-02-26")
    await wang.next_message()
    await world.drain()
    request = await gao.next_message()
    await gao.press(request, "✖️ 不同意")
    question = await gao.next_message()
    await gao.reply(question, "理由不充分，请按期完成")
    assert "未同意" in (await gao.next_message()).text
    await world.drain()
    refused = (await wang.next_message()).text
    assert "未获同意" in refused
    assert "理由不充分" in refused
    assert (await state(world, "1.1"))[1] == date(2027, 2, 26)


async def test_bad_extension_requests_are_explained_and_can_be_retried(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    gao, wang = await world.join("高飞"), await world.join("王建国")
    question = await extension_request(wang, "资金未到位")
    assert "没有找到新的时限日期" in (await wang.next_message()).text
    for body, expected in (
        ("2026-11-01 资金未到位", "必须晚于今天"),
        ("2027-01-15 资金未到位", "必须晚于现时限（2027-01-29）"),
        ("2027-02-30 资金未到位", "日期无效"),
        ("2027-03-31", "请写明延期理由"),
    ):
        await wang.reply(question, body)
        assert expected in (await wang.next_message()).text, body
    await wang.reply(question, "2027-03-31 资金未到位")
    assert "已提交延期申请" in (await wang.next_message()).text
    await wang.command("extend", "1.1")
    assert "已有一项延期申请等待审批" in (await wang.next_message()).text
    await wang.command("extend", "99.9")
    assert "未找到" in (await wang.next_message()).text
    # A leader cannot decide, and a forged choice is refused.
    await world.drain()
    request = await gao.next_message()
    sun = await world.join("孙振邦")
    data = request.buttons[0][0].callback_data or ""
    answer = await sun.wait_callback_answer(await sun.press(request, data=data))
    assert "没有权限" in (answer.text or "")
    forged = f"1:de:{int(data.split(':')[2])}:7"  # no such choice
    answer = await gao.wait_callback_answer(await gao.press(request, data=forged))
    assert "失效" in (answer.text or "")


async def test_the_sign_off_notice_carries_the_latest_evidence(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    gao, wang = await world.join("高飞"), await world.join("王建国")
    prompt = await report_prompt(wang, "1.1")
    await wang.reply(prompt, "整改完成，照片为证，进度100%")
    ack = await wang.next_message()
    await wang.send_photo(b"\x89PNG\r\n\x1a\n" + b"site-photo" * 50, reply_to=ack)
    await wang.messages_when_idle()
    await wang.wait_callback_answer(await wang.press(ack, "申请销号"))
    await world.drain()
    received = await gao.messages_until_idle()
    assert "佐证材料 1 份" in received[0].text
    assert buttons(received[0]) == ["✅ 同意销号", "↩️ 退回"]
    assert received[-1].photo is not None


async def test_send_back_restores_the_percent_reported_before_the_request(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    gao, wang = await world.join("高飞"), await world.join("王建国")
    await wang.reply(await report_prompt(wang, "1.1"), "基本完成，进度60%")
    ack = await wang.next_message()
    await wang.wait_callback_answer(await wang.press(ack, "申请销号"))
    await world.drain()
    notice = await gao.next_message()
    await gao.press(notice, "↩️ 退回")
    await gao.reply(await gao.next_message(), "尚未完成")
    await gao.next_message()
    found = await rows(
        world, select(TaskRow.status, TaskRow.percent).where(TaskRow.number == "1.1")
    )
    assert found[0] == (TaskStatus.IN_PROGRESS.value, 60)


async def test_a_coordinator_who_reported_on_a_task_cannot_review_it_after_moving_it(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    gao, wang = await world.join("高飞"), await world.join("王建国")
    await gao.command("reassign", "1.1 高飞")
    await gao.next_message()
    await gao.reply(await report_prompt(gao, "1.1"), "已完成，进度90%")
    await gao.next_message()
    await gao.command("reassign", "1.1 王建国")
    assert "调整为 王建国" in (await gao.next_message()).text
    await ask_signoff(world, wang, "1.1")
    notice = next(m for m in await gao.messages_until_idle() if "销号申请" in m.text)
    answer = await gao.wait_callback_answer(await gao.press(notice, "✅ 同意销号"))
    assert "不能审核自己的任务" in (answer.text or "")
    await gao.command("reassign", "1.1 李晓燕")  # waiting for sign-off: send it back first
    assert "不允许此操作" in (await gao.next_message()).text
    assert (await state(world, "1.1"))[0] == TaskStatus.PENDING_REVIEW.value


async def test_the_requester_cannot_approve_their_own_extension(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    gao, yuan = await world.join("高飞"), await world.join("袁洁")
    await gao.command("reassign", "1.1 高飞")
    await gao.next_message()
    await extension_request(gao, "2027-03-31 需要协调资金")
    await gao.next_message()
    await gao.command("reassign", "1.1 王建国")
    await gao.next_message()
    await world.drain()
    request = await yuan.next_message()
    data = request.buttons[0][0].callback_data or ""
    answer = await gao.wait_callback_answer(await gao.press(request, data=data))
    assert "不能审核自己的任务" in (answer.text or "")
    await yuan.press(request, "✅ 同意")
    assert "已同意（2027-03-31）" in (await yuan.next_message()).text
