"""Reports and weekly cards when Telegram or the person does the unexpected."""

from __future__ import annotations

from sqlalchemy import select

from domain.model import TaskStatus
from handlers.callback_data import BatchFix, BatchPick, parse
from simulator import SentMessage
from storage.tables import EvidenceRow, ProgressUpdateRow, TaskRow
from tests.e2e.conftest import World, buttons, report_prompt, rows
from tests.e2e.test_official_loop import task_state

PHOTO = b"\x89PNG\r\n\x1a\n" + b"site-photo" * 80


def batch_id_of(card: SentMessage) -> int:
    """The id of the card's batch, read from its Fix button."""
    payload = parse(
        next(b.callback_data for row in card.buttons for b in row if b.text == "✏️ 更正一项")
    )
    assert isinstance(payload, BatchFix)
    return payload.batch_id


async def test_a_follow_up_whose_acknowledgement_is_gone_gets_a_fresh_one(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    wang = await world.join("王建国")
    prompt = await report_prompt(wang, "1.1")
    await wang.reply(prompt, "已组织专题学习，进度30%")
    ack = await wang.next_message()
    world.sim.faults.add(
        "editMessageText",
        chat_id=wang.id,
        error_code=400,
        description="Bad Request: message to edit not found",
    )
    await wang.send("补充：读书班已结业，进度45%")  # merged into the same report
    fresh = await wang.next_message()
    assert "1.1" in fresh.text
    assert "45%" in fresh.text
    assert "30%" in ack.text  # the old acknowledgement could not be changed
    assert len(await rows(world, select(ProgressUpdateRow.id))) == 1
    assert await task_state(world, "1.1") == (45, TaskStatus.IN_PROGRESS)


async def test_an_acknowledgement_edit_lost_to_a_server_error_is_sent_anew(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    wang = await world.join("王建国")
    prompt = await report_prompt(wang, "1.3")
    await wang.reply(prompt, "方案已起草，进度20%")
    await wang.next_message()
    world.sim.faults.add(
        "editMessageText", chat_id=wang.id, error_code=502, description="Bad Gateway"
    )
    await wang.send("方案已上会，进度40%")
    fresh = await wang.next_message()
    assert "40%" in fresh.text
    assert buttons(fresh) == ["更正进度", "申请销号", "撤回"]
    assert len(await rows(world, select(ProgressUpdateRow.id))) == 1


async def test_an_acknowledgement_refused_with_429_is_sent_after_the_wait(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    wang = await world.join("王建国")
    prompt = await report_prompt(wang, "2.1")
    world.sim.faults.add("sendMessage", chat_id=wang.id, error_code=429, retry_after=1)
    await wang.reply(prompt, "调研报告已形成初稿，进度60%")
    ack = await wang.next_message()
    assert "60%" in ack.text
    assert [m for m, _ in world.sim.faults.fired] == ["sendMessage"]
    assert len(await rows(world, select(ProgressUpdateRow.id))) == 1


async def test_back_from_fixing_shows_the_card_again_and_a_second_tap_changes_nothing(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    wang = await world.join("王建国")
    await wang.send("1.1 完成50%；1.3 完成30%")
    card = await wang.next_message()
    original = card.text
    await wang.wait_callback_answer(await wang.press(card, "✏️ 更正一项"))
    await world.settle()
    assert "请选择要更正的一项" in card.text
    back = next(b.callback_data for row in card.buttons for b in row if b.text == "↩️ 返回")
    assert back is not None
    await wang.wait_callback_answer(await wang.press(card, data=back))
    await world.settle()
    assert card.text == original
    assert buttons(card) == ["✅ 全部确认", "✏️ 更正一项", "✖️ 取消"]
    # The same Back tapped again (a double tap): the card is already shown, nothing fails.
    answer = await wang.wait_callback_answer(await wang.press(card, data=back))
    assert answer.text is None
    assert await wang.messages_when_idle() == []
    assert card.text == original


async def test_a_forged_item_index_on_a_card_is_not_found(world: World, putuo_bytes: bytes) -> None:
    await world.import_putuo(putuo_bytes)
    wang = await world.join("王建国")
    await wang.send("1.1 完成50%；1.3 完成30%")
    card = await wang.next_message()
    forged = BatchPick(batch_id_of(card), 7).encode()
    answer = await wang.wait_callback_answer(await wang.press(card, data=forged))
    assert "未找到" in (answer.text or "")
    assert "2 项将记录" in card.text


async def test_a_card_naming_only_other_peoples_measures_offers_no_confirm(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    wang = await world.join("王建国")
    await wang.send("1.2 完成90%；1.4 完成30%")  # both are 李晓燕's
    card = await wang.next_message()
    assert "✖️ 1.2：未找到您可报送的该序号任务" in card.text
    assert "✖️ 1.4：未找到您可报送的该序号任务" in card.text
    assert "没有可以记录的项目" in card.text
    assert buttons(card) == ["✏️ 更正一项", "✖️ 取消"]


async def test_a_measure_sent_for_sign_off_after_the_card_is_skipped_on_confirming(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    wang = await world.join("王建国")
    await wang.send("1.1 完成50%；1.3 完成30%")
    card = await wang.next_message()
    prompt = await report_prompt(wang, "1.1")
    await wang.reply(prompt, "已整改到位")
    done = await wang.next_message()
    await wang.wait_callback_answer(await wang.press(done, "申请销号"))
    await wang.wait_callback_answer(await wang.press(card, "✅ 全部确认"))
    await world.settle()
    assert "已记录 1 项进展：1.3" in card.text
    assert "未记录（提交后已调整或已申请销号）：1.1" in card.text
    assert await task_state(world, "1.1") == (100, TaskStatus.PENDING_REVIEW)
    assert await task_state(world, "1.3") == (30, TaskStatus.IN_PROGRESS)


async def test_an_album_photo_arriving_after_the_card_was_confirmed_joins_the_reports(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    wang = await world.join("王建国")
    (first,) = await wang.send_album([PHOTO + b"1"], caption="1.1 完成50%；1.3 完成30%")
    card = await wang.next_message()
    await wang.wait_callback_answer(await wang.press(card, "✅ 全部确认"))
    await world.settle()
    receipt = card.text
    assert first.media_group_id is not None
    await wang.send_photo(PHOTO + b"2", media_group_id=first.media_group_id)
    assert await wang.messages_when_idle() == []  # no new card, no question
    assert card.text == receipt
    evidence = await rows(
        world,
        select(TaskRow.number, EvidenceRow.sha256).join(TaskRow, TaskRow.id == EvidenceRow.task_id),
    )
    assert sorted(n for n, _ in evidence) == ["1.1", "1.1", "1.3", "1.3"]
