"""The coordinators' desk in the chat: templates and invite links."""

from __future__ import annotations

import io

import openpyxl

from domain.intake.workbook import read_workbook
from handlers.callback_data import InviteFor
from tests.e2e.conftest import World


async def test_a_coordinator_gets_the_import_template(world: World, putuo_bytes: bytes) -> None:
    await world.import_putuo(putuo_bytes)
    gao = await world.join("高飞")
    await gao.command("template")
    sent = await gao.next_message()
    assert sent.document is not None
    assert sent.document.file_name == "整改任务导入模板.xlsx"
    parsed = read_workbook(sent.document.data, allow_admin=False)
    assert len(parsed.tasks) == 1


async def test_a_coordinator_invites_a_person_and_the_link_works(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    gao = await world.join("高飞")
    await gao.command("invite", "李晓燕")
    answer = (await gao.next_message()).text
    assert "李晓燕（区发展改革委）" in answer
    code = answer.split("?start=")[1].split()[0]
    li = world.sim.user(first_name="李")
    await li.command("start", code)
    assert "李晓燕" in (await li.next_message()).text


async def test_an_ambiguous_name_offers_buttons(world: World, putuo_bytes: bytes) -> None:
    await world.import_putuo(putuo_bytes)
    gao = await world.join("高飞")
    await gao.command("invite", "华")
    question = await gao.next_message()
    assert "有多人匹配" in question.text
    assert len(question.buttons) == 5
    first = question.button_texts()[0]
    await gao.press(question, first)
    await world.sim.wait_until(lambda: "?start=" in question.text)
    assert first in question.text


async def test_unknown_names_and_missing_arguments_get_a_clear_answer(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    gao = await world.join("高飞")
    await gao.command("invite")
    assert "用法" in (await gao.next_message()).text
    await gao.command("invite", "查无此人")
    assert "未找到人员：查无此人" in (await gao.next_message()).text


async def test_invites_sends_a_workbook_of_fresh_links(world: World, putuo_bytes: bytes) -> None:
    await world.import_putuo(putuo_bytes)
    gao = await world.join("高飞")
    await gao.command("invites")
    sent = await gao.next_message()
    assert sent.document is not None
    sheet = openpyxl.load_workbook(io.BytesIO(sent.document.data)).active
    links = [row[3] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(links) == 54  # 55 people, 高飞 already linked
    assert "54" in (sent.caption or "")


async def test_officials_and_leaders_cannot_use_the_desk(world: World, putuo_bytes: bytes) -> None:
    await world.import_putuo(putuo_bytes)
    wang = await world.join("王建国")
    leader = await world.join("孙振邦")
    for user in (wang, leader):
        for command in ("template", "invites"):
            await user.command(command)
            answer = await user.next_message()
            assert "没有权限" in answer.text
            assert answer.document is None
        await user.command("invite", "李晓燕")
        assert "没有权限" in (await user.next_message()).text
        query = await user.press(user.inbox[-1], data=InviteFor(1).encode())  # forged button
        answer_to_press = await user.wait_callback_answer(query)
        assert answer_to_press.text is not None
        assert "没有权限" in answer_to_press.text


async def test_invite_links_never_go_to_a_group(world: World, putuo_bytes: bytes) -> None:
    await world.import_putuo(putuo_bytes)
    gao = await world.join("高飞")
    group = world.sim.group("工作群", members=[gao])
    await gao.command("invite", "李晓燕", chat=group)
    answer = (await group.next_message()).text
    assert "?start=" not in answer
