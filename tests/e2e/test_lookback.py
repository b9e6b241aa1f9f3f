"""回头看 through the chat: one measure holds, one slipped back and is reopened."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

from docx import Document

from bot.clock import ManualClock
from domain.model import TaskStatus
from simulator import SimUser
from tests.conftest import SHANGHAI
from tests.e2e.conftest import World, buttons
from tests.e2e.test_review import ask_signoff, state


async def signed_off(world: World, gao: SimUser, wang: SimUser, number: str) -> None:
    await ask_signoff(world, wang, number)
    notice = await gao.next_message()
    await gao.wait_callback_answer(await gao.press(notice, "✅ 同意销号"))
    await gao.next_message()
    await world.drain()
    await wang.messages_when_idle()


async def test_a_look_back_finds_one_measure_held_and_one_slipped_which_reopens(
    world: World, putuo_bytes: bytes, clock: ManualClock
) -> None:
    await world.import_putuo(putuo_bytes)
    gao, wang = await world.join("高飞"), await world.join("王建国")
    for number in ("1.1", "2.1"):
        await signed_off(world, gao, wang, number)
    clock.advance(timedelta(days=30))

    await gao.command("lookback", "1.1 2.1 3.1")
    started = (await gao.next_message()).text
    assert "已对“普陀区巡视整改”（1.1 2.1 3.1）发起回头看：2 项已销号措施" in started
    assert "以下措施尚未销号，无需回头看：3.1" in started
    await world.drain()
    question = await wang.next_message()
    assert "回头看" in question.text
    assert "<b>1.1</b>" not in question.text  # HTML is rendered, not shown
    assert buttons(question) == ["✅ 1.1 保持", "⚠️ 1.1 反弹", "✅ 2.1 保持", "⚠️ 2.1 反弹"]

    await wang.wait_callback_answer(await wang.press(question, "✅ 1.1 保持"))
    assert "措施 1.1 整改成效保持（王建国）" in (await wang.next_message()).text
    await world.sim.wait_until(lambda: buttons(question) == ["✅ 2.1 保持", "⚠️ 2.1 反弹"])

    await wang.wait_callback_answer(await wang.press(question, "⚠️ 2.1 反弹"))
    ask = await wang.next_message()
    assert "说明措施 2.1 出现反弹的情况和原因" in ask.text
    await wang.reply(ask, "调研报告提出的问题在新项目中再次出现")
    assert "措施 2.1 出现反弹，已重新打开整改" in (await wang.next_message()).text
    await world.drain()
    reopened = [m.text for m in await gao.messages_when_idle()]
    assert any(
        "回头看发现反弹" in t and "调研报告提出的问题在新项目中再次出现" in t for t in reopened
    )

    status, _, closed_at = await state(world, "2.1")
    assert status == TaskStatus.IN_PROGRESS.value
    assert closed_at is None
    assert (await state(world, "1.1"))[0] == TaskStatus.CLOSED.value
    await gao.command("history", "2.1")
    trail = (await gao.next_message()).text
    assert "审核通过，予以销号" in trail  # the old sign-off stays in the history
    assert "回头看发现反弹，重新打开整改，原因：调研报告提出的问题在新项目中再次出现" in trail
    assert trail.index("审核通过，予以销号") < trail.index("回头看发现反弹")
    await gao.command("board")
    board = (await gao.next_message()).text
    assert "整改措施152条已完成1条" in board

    await gao.command("lookback")
    summary = (await gao.next_message()).text
    assert "共 2 项：保持 1 项，反弹 1 项（已重新打开），待确认 0 项" in summary
    assert "调研报告提出的问题在新项目中再次出现" in summary
    assert buttons(question) == []  # both answered: no buttons left
    await gao.command("lookback", "全部")
    again = (await gao.next_message()).text
    assert "1 项已销号措施" in again  # 1.1 is still signed off; 2.1 is not any more
    await world.drain()
    await wang.messages_when_idle()

    # The month's bulletin (Thursday 31 December) and the rectification report say so too.
    await world.tick()
    clock.set(datetime(2026, 12, 31, 16, 10, tzinfo=SHANGHAI))
    await world.tick()
    await world.drain()
    bulletin = [m.text for m in await gao.messages_when_idle() if "通报" in m.text]
    assert any(
        "回头看：本月核查已销号措施 2 条，整改成效保持 1 条，出现反弹 1 条（已重新打开整改）；待确认 1 条"
        in b
        for b in bulletin
    ), bulletin
    await gao.command("report")
    document = next(m for m in await gao.messages_until_idle() if m.document is not None)
    assert document.document is not None
    assert document.document.data is not None
    paragraphs = [p.text for p in Document(io.BytesIO(document.document.data)).paragraphs]
    assert "五、回头看情况" in paragraphs
    assert any(
        "出现反弹的措施：措施2.1（区发展改革委）：调研报告提出的问题在新项目中再次出现" in p
        for p in paragraphs
    )


async def test_look_back_refusals_say_why(world: World, putuo_bytes: bytes) -> None:
    await world.import_putuo(putuo_bytes)
    gao, wang = await world.join("高飞"), await world.join("王建国")
    await wang.command("lookback", "全部")
    assert "没有权限" in (await wang.next_message()).text
    await gao.command("lookback", "区委")
    assert "有多个单位匹配：区委组织部、区委网信办" in (await gao.next_message()).text
    await gao.command("lookback", "99.9")
    assert "未找到" in (await gao.next_message()).text
    await gao.command("lookback", "自动 也许")
    assert "/lookback 自动 开" in (await gao.next_message()).text
    await gao.command("lookback", "全部")
    assert "发起回头看：0 项已销号措施" in (await gao.next_message()).text


async def test_automatic_look_back_starts_six_months_after_sign_off_in_rounds_that_chose_it(
    world: World, putuo_bytes: bytes, clock: ManualClock
) -> None:
    await world.import_putuo(putuo_bytes)
    gao, wang = await world.join("高飞"), await world.join("王建国")
    await signed_off(world, gao, wang, "1.1")
    await gao.command("lookback", "自动 开")
    assert "“普陀区巡视整改”的自动回头看：已开启。" in (await gao.next_message()).text
    await world.tick()
    for days in (30, 90, 150, 181, 182, 183):
        clock.set(datetime(2026, 11, 30, 10, 0, tzinfo=SHANGHAI) + timedelta(days=days))
        await world.tick()
        await world.drain()
    asked = [m for m in await wang.messages_when_idle() if "回头看" in m.text]
    assert len(asked) == 1
    assert buttons(asked[0]) == ["✅ 1.1 保持", "⚠️ 1.1 反弹"]


async def test_a_look_back_is_answered_only_by_its_official_or_a_coordinator_with_a_reason(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    gao, wang = await world.join("高飞"), await world.join("王建国")
    li = await world.join("李晓燕")
    await signed_off(world, gao, wang, "1.1")
    await gao.command("lookback", "1.1")
    await gao.next_message()
    await world.drain()
    question = await wang.next_message()
    # Another official pressing the same buttons (forged onto her own chat) is refused.
    await li.command("help")
    anchor = await li.next_message()
    data = next(b.callback_data for row in question.buttons for b in row if "反弹" in b.text)
    assert data is not None
    answer = await li.wait_callback_answer(await li.press(anchor, data=data))
    assert "没有权限" in (answer.text or (await li.next_message()).text)
    # An empty reason is asked for again and changes nothing.
    await wang.wait_callback_answer(await wang.press(question, "⚠️ 1.1 反弹"))
    ask = await wang.next_message()
    await wang.reply(ask, "   ")
    assert "请写明出现反弹的原因" in (await wang.next_message()).text
    assert (await state(world, "1.1"))[0] == TaskStatus.CLOSED.value
    await wang.reply(ask, "台账又出现漏登")
    assert "已重新打开整改" in (await wang.next_message()).text
    # A coordinator's late answer to the decided check is refused and changes nothing.
    await gao.command("lookback")
    summary = await gao.next_message()
    assert "待确认 0 项" in summary.text
    held = data.replace(":ls:", ":lh:")
    answer = await gao.wait_callback_answer(await gao.press(summary, data=held))
    assert "已处理" in (answer.text or (await gao.next_message()).text)
    assert (await state(world, "1.1"))[0] == TaskStatus.IN_PROGRESS.value
