"""The weekly report in one go: several measures per message, one-tap "no change", liaisons."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from pathlib import Path

import openpyxl
from sqlalchemy import select

from bot.clock import ManualClock
from domain.model import TaskStatus
from handlers.callback_data import BatchConfirm, BatchFix, BatchSet, parse
from simulator import SentMessage, SimUser
from storage.tables import EvidenceRow, ProgressUpdateRow, TaskRow
from tests.conftest import SHANGHAI
from tests.e2e.conftest import World, buttons, rows, start_world, stop_world

FRIDAY_CHECKIN = datetime(2026, 12, 4, 9, 30, tzinfo=SHANGHAI)
PHOTO = b"\x89PNG\r\n\x1a\n" + b"meeting-photo" * 50


async def state(world: World, number: str) -> tuple[int, TaskStatus]:
    found = await rows(
        world, select(TaskRow.percent, TaskRow.status).where(TaskRow.number == number)
    )
    percent, status = found[0]
    return int(percent), TaskStatus(status)


async def reports(world: World) -> list[tuple[str, str, int | None, bool]]:
    """Every stored report as (number, text, percent, no_change), oldest first."""
    found = await rows(
        world,
        select(
            TaskRow.number,
            ProgressUpdateRow.text,
            ProgressUpdateRow.percent,
            ProgressUpdateRow.no_change,
        )
        .join(TaskRow, TaskRow.id == ProgressUpdateRow.task_id)
        .where(ProgressUpdateRow.withdrawn_at.is_(None))
        .order_by(ProgressUpdateRow.id),
    )
    return [(str(n), str(t), p, bool(c)) for n, t, p, c in found]


async def checkin(world: World, user: SimUser) -> SentMessage:
    """Run Friday's check-in and return the one the user got."""
    world.clock.set(FRIDAY_CHECKIN - timedelta(hours=1))
    await world.tick()
    world.clock.set(FRIDAY_CHECKIN)
    await world.tick()
    await world.drain()
    received = await user.messages_until_idle()
    return next(m for m in received if "每周整改进展报送" in m.text)


def with_liaison(workbook: bytes, name: str) -> bytes:
    """The workbook with `name` also made the unit's liaison (联络员) in the 人员 sheet."""
    book = openpyxl.load_workbook(io.BytesIO(workbook))
    sheet = book["人员"]
    header = [c.value for c in sheet[1]]
    name_col, role_col = header.index("姓名") + 1, header.index("角色") + 1
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row, name_col).value == name:
            sheet.cell(row, role_col).value = "责任人、联络员"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def test_a_two_measure_message_is_confirmed_on_one_card_and_stored_as_two_reports(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    wang = await world.join("王建国")
    await wang.send("1.1 已完成专题学习，完成50%；2.1 调研报告已形成初稿，完成80%")
    card = await wang.next_message()
    assert "2 项将记录" in card.text
    assert "1.1" in card.text
    assert "进度 50%" in card.text
    assert "2.1" in card.text
    assert "进度 80%" in card.text
    assert buttons(card) == ["✅ 全部确认", "✏️ 更正一项", "✖️ 取消"]
    assert await reports(world) == []  # nothing is written before the confirmation

    await wang.wait_callback_answer(await wang.press(card, "✅ 全部确认"))
    await world.settle()
    assert "已记录 2 项进展：1.1、2.1" in card.text
    assert await reports(world) == [
        ("1.1", "已完成专题学习，完成50%", 50, False),
        ("2.1", "调研报告已形成初稿，完成80%", 80, False),
    ]
    assert await state(world, "1.1") == (50, TaskStatus.IN_PROGRESS)
    assert await state(world, "2.1") == (80, TaskStatus.IN_PROGRESS)
    sources = await rows(world, select(ProgressUpdateRow.message_id, ProgressUpdateRow.batch_id))
    assert len({s for s in sources}) == 1  # both keep the whole message as their source


async def test_a_foreign_measure_is_refused_on_the_card_and_the_other_two_are_stored(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    wang = await world.join("王建国")
    await wang.send("1.1 完成60%\n1.2 完成90%\n1.3 已形成方案，完成30%")
    card = await wang.next_message()
    assert "2 项将记录" in card.text
    assert "✖️ 1.2：未找到您可报送的该序号任务" in card.text
    await wang.wait_callback_answer(await wang.press(card, "✅ 全部确认"))
    assert [r[0] for r in await reports(world)] == ["1.1", "1.3"]
    assert await state(world, "1.2") == (0, TaskStatus.OPEN)  # 李晓燕's measure is untouched


async def test_list_positions_refer_to_the_check_in_and_the_rest_is_no_change(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    wang = await world.join("王建国")
    listing = await checkin(world, wang)
    assert "1. 1.1" in listing.text
    await wang.reply(listing, "第1项 已完成调研，进度60%\n第3项 完成20%；其余按计划推进")
    card = await wang.next_message()
    assert "10 项将记录" in card.text
    await wang.wait_callback_answer(await wang.press(card, "✅ 全部确认"))
    stored = {r[0]: r for r in await reports(world)}
    assert stored["1.1"][2] == 60
    assert stored["2.1"][2] == 20  # the third line of the check-in
    assert stored["1.3"][3] is True  # 其余: no change, percent kept
    assert sum(1 for r in stored.values() if r[3]) == 8
    assert await state(world, "1.3") == (0, TaskStatus.IN_PROGRESS)


async def test_no_change_for_every_listed_measure_takes_one_tap_and_one_confirmation(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    wang = await world.join("王建国")
    listing = await checkin(world, wang)
    assert buttons(listing)[0] == "本周按计划推进，无新进展"
    await wang.wait_callback_answer(await wang.press(listing, "本周按计划推进，无新进展"))
    card = await wang.next_message()
    assert "10 项" in card.text
    assert "无新进展" in card.text
    await wang.wait_callback_answer(await wang.press(card, "✅ 全部确认"))
    stored = await reports(world)
    assert len(stored) == 10
    assert all(no_change and percent is None for _, _, percent, no_change in stored)
    # Reported for this week: the 16:00 nudge leaves him alone.
    world.clock.set(FRIDAY_CHECKIN.replace(hour=16))
    await world.tick()
    await world.drain()
    assert not [m for m in await wang.messages_when_idle() if "提醒" in m.text]


async def test_a_liaison_reports_for_an_owner_of_the_unit_who_stays_the_owner(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(with_liaison(putuo_bytes, "李晓燕"))
    li = await world.join("李晓燕")
    wang = await world.join("王建国")
    listing = await checkin(world, li)
    assert "1.1" in listing.text  # 王建国's measure is on the liaison's check-in
    await li.send("1.1 完成40%；1.2 完成70%")
    card = await li.next_message()
    await li.wait_callback_answer(await li.press(card, "✅ 全部确认"))
    assert await state(world, "1.1") == (40, TaskStatus.IN_PROGRESS)
    authors = await rows(
        world,
        select(TaskRow.number, TaskRow.owner_id, ProgressUpdateRow.author_id).join(
            TaskRow, TaskRow.id == ProgressUpdateRow.task_id
        ),
    )
    owner_of_11 = next(owner for number, owner, _ in authors if number == "1.1")
    assert {author for _, _, author in authors} == {li_id := authors[0][2]}
    assert owner_of_11 != li_id
    assert wang.inbox  # the owner keeps his own check-in


async def test_one_item_is_fixed_on_the_card_before_confirming(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    wang = await world.join("王建国")
    await wang.send("1.1 完成50%；1.3 形成初稿")
    card = await wang.next_message()
    await wang.wait_callback_answer(await wang.press(card, "✏️ 更正一项"))
    await world.settle()
    await wang.wait_callback_answer(await wang.press(card, "2. 1.3"))
    await world.settle()
    await wang.wait_callback_answer(await wang.press(card, "30%"))
    await world.settle()
    assert "进度 30%" in card.text
    await wang.wait_callback_answer(await wang.press(card, "✅ 全部确认"))
    assert await state(world, "1.3") == (30, TaskStatus.IN_PROGRESS)


async def test_cancel_writes_nothing(world: World, putuo_bytes: bytes) -> None:
    await world.import_putuo(putuo_bytes)
    wang = await world.join("王建国")
    await wang.send("1.1 完成50%；1.3 完成30%")
    card = await wang.next_message()
    await wang.wait_callback_answer(await wang.press(card, "✖️ 取消"))
    await world.settle()
    assert "已取消" in card.text
    assert await reports(world) == []
    assert await state(world, "1.1") == (0, TaskStatus.OPEN)


async def test_an_edit_after_confirming_offers_a_card_that_replaces_the_reports(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    wang = await world.join("王建国")
    sent = await wang.send("1.1 完成50%；1.3 完成30%")
    card = await wang.next_message()
    await wang.wait_callback_answer(await wang.press(card, "✅ 全部确认"))
    await wang.edit(sent, "1.1 完成55%；1.3 完成35%")
    second = await wang.next_message()
    assert "替换原先记录的" in second.text
    await wang.wait_callback_answer(await wang.press(second, "✅ 全部确认"))
    assert [(n, p) for n, _, p, _ in await reports(world)] == [("1.1", 55), ("1.3", 35)]
    assert await state(world, "1.1") == (55, TaskStatus.IN_PROGRESS)


async def test_an_edit_before_confirming_refreshes_the_card(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    wang = await world.join("王建国")
    sent = await wang.send("1.1 完成50%；1.3 完成30%")
    card = await wang.next_message()
    await wang.edit(sent, "1.1 完成50%；1.3 完成45%")
    await world.sim.wait_until(lambda: "进度 45%" in card.text)
    await wang.wait_callback_answer(await wang.press(card, "✅ 全部确认"))
    assert await state(world, "1.3") == (45, TaskStatus.IN_PROGRESS)


async def test_an_album_with_a_multi_measure_caption_gives_every_measure_the_photos(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    wang = await world.join("王建国")
    await wang.send_album([PHOTO + b"1", PHOTO + b"2"], caption="1.1 完成50%；1.3 完成30%")
    card = await wang.next_message()
    await world.sim.wait_until(lambda: "佐证材料：2 个文件" in card.text)
    await wang.wait_callback_answer(await wang.press(card, "✅ 全部确认"))
    evidence = await rows(
        world,
        select(TaskRow.number, EvidenceRow.sha256).join(TaskRow, TaskRow.id == EvidenceRow.task_id),
    )
    assert sorted(n for n, _ in evidence) == ["1.1", "1.1", "1.3", "1.3"]
    assert len(await wang.messages_when_idle()) == 0  # one card, no "which task?" questions


async def test_a_stale_card_cannot_be_confirmed_twice(world: World, putuo_bytes: bytes) -> None:
    await world.import_putuo(putuo_bytes)
    wang = await world.join("王建国")
    await wang.send("1.1 完成50%；1.3 完成30%")
    card = await wang.next_message()
    data = next(b.callback_data for row in card.buttons for b in row if b.text == "✅ 全部确认")
    await wang.wait_callback_answer(await wang.press(card, data=data))
    answer = await wang.wait_callback_answer(await wang.press(card, data=data))
    assert answer.text is not None
    assert len(await reports(world)) == 2


async def test_no_change_reports_are_marked_in_history_lists_and_the_digest_with_stalled_measures(
    database_url: str, tmp_path: Path, clock: ManualClock, putuo_bytes: bytes
) -> None:
    world = await start_world(database_url, tmp_path / "data", clock, stalled_weeks=1)
    try:
        world.clock.set(datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI))  # a round under way
        await world.import_putuo(putuo_bytes)
        wang, leader = await world.join("王建国"), await world.join("孙振邦")
        gao = await world.join("高飞")
        listing = await checkin(world, wang)
        await wang.reply(listing, "1.1 完成40%")  # one real report, by reply to the check-in
        await wang.messages_until_idle()
        await wang.wait_callback_answer(await wang.press(listing, "本周按计划推进，无新进展"))
        card = await wang.next_message()
        assert "9 项" in card.text  # 1.1 is reported already
        await wang.wait_callback_answer(await wang.press(card, "✅ 全部确认"))

        await gao.command("history", "1.3")
        assert "（无新进展）" in (await gao.messages_until_idle())[-1].text
        async with world.uow() as uow:
            campaign = await uow.campaigns.by_name("普陀区巡视整改")
            assert campaign is not None
            task_id = await uow.tasks.id_by_number(campaign.id, "1.3")
            assert task_id is not None
            view = await uow.tasks.view(task_id)
        assert view is not None
        assert (view.last_update_text or "").startswith("【无新进展】")  # the ledger's column

        leader.skip_all()
        world.clock.set(datetime(2026, 12, 7, 9, 0, tzinfo=SHANGHAI))  # Monday's digest
        await world.tick()
        await world.drain()
        digest = next(m for m in await leader.messages_until_idle() if "周报" in (m.text or ""))
        assert "实质进展 1 项" in digest.text
        assert "无新进展” 9 项" in digest.text
        assert "连续 1 周仅报“无新进展”的措施（9 条）" in digest.text
        assert "⏸ 1.3" in digest.text
        assert "⏸ 1.1" not in digest.text
    finally:
        await stop_world(world)


async def test_another_persons_card_cannot_be_confirmed_or_fixed(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    wang, li = await world.join("王建国"), await world.join("李晓燕")
    await wang.send("1.1 完成50%；1.3 完成30%")
    card = await wang.next_message()
    data = card.buttons[0][0].callback_data or ""
    payload = parse(data)
    assert isinstance(payload, BatchConfirm)
    batch_id = payload.batch_id
    for forged in (BatchConfirm(batch_id), BatchSet(batch_id, 0, 100), BatchFix(batch_id, 0)):
        answer = await li.wait_callback_answer(await li.press(card, data=forged.encode()))
        assert answer.text is not None
        assert "不属于您" in answer.text or "未找到" in answer.text
    assert await reports(world) == []
    await wang.wait_callback_answer(await wang.press(card, "✅ 全部确认"))
    assert len(await reports(world)) == 2  # the author's card still works


async def test_a_card_for_a_whole_unit_fits_one_message(world: World, putuo_bytes: bytes) -> None:
    await world.import_putuo(putuo_bytes)
    zhang = await world.join("施卫国")  # 20 measures
    lines = [
        f"第{i}项 "
        + "本周召开专题会议研究部署整改工作，形成会议纪要并印发各单位" * 3
        + f"，完成{i}0%"
        for i in range(1, 10)
    ]
    lines += [f"第{i}项 已整改完成" for i in range(10, 21)]
    await zhang.send("\n".join(lines))
    card = await zhang.next_message()
    assert "20 项将记录" in card.text
    assert buttons(card)[0] == "✅ 全部确认"  # one message, with its buttons
