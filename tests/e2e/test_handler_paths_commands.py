"""Commands in the less travelled situations: nothing there yet, no tasks, groups, strangers."""

from __future__ import annotations

import dataclasses
from types import TracebackType
from typing import Any

from sqlalchemy import select

from domain.model import PromptKind
from domain.ports import UnitOfWork
from handlers.callback_data import FocusTask
from simulator import SimUser
from storage.tables import PromptRow
from tests.e2e.conftest import ADMIN_ID, World, rows


def send_voice_note(world: World, user: SimUser) -> None:
    """The user records a voice note in their private chat (the simulator has no helper)."""
    state = world.sim.state
    voice = {"file_id": "voice-1", "file_unique_id": "voice-u1", "duration": 3}
    message = state.new_message(state.chats[user.id], user.json, {"voice": voice})
    state.push_update("message", message)


async def test_a_voice_note_is_answered_with_a_request_for_text_or_files(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    wang = await world.join("王建国")
    send_voice_note(world, wang)
    answer = await wang.next_message()
    assert "请用文字报送进展" in answer.text


async def test_before_any_import_the_admin_hears_there_is_no_board_and_no_round(
    world: World,
) -> None:
    admin = world.sim.user(first_name="Admin", user_id=ADMIN_ID)
    await admin.command("board")
    assert (await admin.next_message()).text == "当前没有整改任务。"
    await admin.command("campaign")
    assert "还没有整改轮次" in (await admin.next_message()).text


async def test_help_for_a_stranger_lists_only_start_and_help(world: World) -> None:
    stranger = world.sim.user(first_name="路人")
    await stranger.command("help")
    answer = (await stranger.next_message()).text
    assert "可用命令" in answer
    assert "/mytasks" not in answer
    assert "/board" not in answer
    assert ("chat", stranger.id) not in world.sim.commands  # a stranger's menu is not set


async def test_a_coordinator_without_measures_is_told_so_by_mytasks_and_extend(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    gao = await world.join("高飞")
    await gao.command("mytasks")
    assert (await gao.next_message()).text == "您目前没有待整改的任务。"
    await gao.command("extend")
    assert (await gao.next_message()).text == "您目前没有可申请延期的任务。"


async def test_extend_with_a_number_asks_for_the_date_and_reason_by_reply(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    wang = await world.join("王建国")
    await wang.command("extend", "1.3")
    ask = await wang.next_message()
    assert "申请延期：任务 1.3（现时限 2026-12-31）" in ask.text
    prompts = await rows(world, select(PromptRow.kind, PromptRow.message_id))
    assert prompts == [(PromptKind.EXTENSION_REASON.value, ask.message_id)]


async def test_extend_and_a_report_button_in_a_group_point_to_the_private_chat(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    wang = await world.join("王建国")
    group = world.sim.group("工作群", members=[wang])
    await wang.command("extend", "1.1", chat=group)
    answer = await group.next_message()
    assert "请在与机器人的私聊中使用此命令" in answer.text
    assert "1.1" not in answer.text
    # A "report on 1.1" button pressed on a message in the group opens no prompt there.
    async with world.uow() as uow:
        campaign = await uow.campaigns.by_name("普陀区巡视整改")
        assert campaign is not None
        task_id = await uow.tasks.id_by_number(campaign.id, "1.1")
        assert task_id is not None
    query = await wang.press(answer, data=FocusTask(task_id).encode())
    refusal = await wang.wait_callback_answer(query)
    assert "没有权限" in (refusal.text or "")
    assert await group.messages_when_idle() == []
    assert await rows(world, select(PromptRow.id)) == []


async def test_a_refusal_is_said_in_the_language_the_person_chose(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    gao = await world.join("高飞")
    await gao.command("language")
    choice = await gao.next_message()
    await gao.press(choice, "English")
    await world.sim.wait_until(lambda: "English" in choice.text)
    await gao.command("task", "99.9")
    assert (await gao.next_message()).text == "Not found, or not yours."


async def test_help_still_answers_when_the_command_menu_cannot_be_set(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    wang = await world.join("王建国")
    world.sim.faults.add("setMyCommands", error_code=400, description="Bad Request: too many")
    await wang.command("help")
    assert "/mytasks" in (await wang.next_message()).text
    assert [method for method, _ in world.sim.faults.fired] == ["setMyCommands"]


async def test_a_refusal_that_cannot_be_delivered_does_not_stop_the_bot(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    stranger = world.sim.user(first_name="路人")
    world.sim.faults.add(
        "sendMessage",
        chat_id=stranger.id,
        error_code=400,
        description="Bad Request: chat not found",
    )
    await stranger.command("board")  # refused; the refusal itself is refused by Telegram
    assert await stranger.messages_when_idle() == []
    assert [method for method, _ in world.sim.faults.fired] == ["sendMessage"]
    await stranger.command("mytasks")
    assert "尚未绑定" in (await stranger.next_message()).text


class DeadUnit:
    """A unit of work whose database does not answer."""

    async def __aenter__(self) -> Any:
        raise ConnectionError("database down")

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None


async def test_with_the_database_down_a_user_gets_the_generic_apology(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    wang = await world.join("王建国")
    services = world.app.bot_data

    def dead() -> UnitOfWork:
        return DeadUnit()  # type: ignore[return-value]

    world.app.bot_data = dataclasses.replace(services, uow=dead)
    try:
        await wang.command("mytasks")
        assert (await wang.next_message()).text == "抱歉，处理时出错，请稍后再试。"
    finally:
        world.app.bot_data = services
    await wang.command("mytasks")  # the database is back: the same command works again
    assert "1.1" in (await wang.next_message()).text


async def test_the_bot_removed_from_a_group_says_nothing_there(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    gao = await world.join("高飞")
    group = world.sim.group("工作群", members=[gao], added_by=gao)
    assert str(group.id) in (await group.next_message()).text
    state = world.sim.state
    bot = state.bot_user
    state.push_update(
        "my_chat_member",
        {
            "chat": state.chats[group.id].to_json(),
            "from": gao.json,
            "date": state.now(),
            "old_chat_member": {"status": "member", "user": bot},
            "new_chat_member": {"status": "left", "user": bot},
        },
    )
    await world.settle()
    assert await group.messages_when_idle() == []
