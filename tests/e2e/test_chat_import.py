"""Importing a workbook by sending it in the chat: preview, Confirm / Cancel, broken files."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from domain.intake import importing
from handlers.callback_data import ImportConfirm
from simulator import SentMessage, SimUser
from storage.tables import PersonRow, TaskRow
from tests.e2e.conftest import ADMIN_ID, World, buttons, report_prompt, rows
from tests.unit.test_workbook import book, person, task

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def task_count(world: World) -> int:
    return int((await rows(world, select(func.count()).select_from(TaskRow)))[0][0])


async def send_workbook(
    user: SimUser, data: bytes, name: str = "台账.xlsx", caption: str | None = None
) -> list[SentMessage]:
    await user.send_document(data, file_name=name, mime_type=XLSX, caption=caption)
    first = await user.next_message(timeout=60)  # a big workbook takes a while to read
    return [first, *await user.messages_when_idle(timeout=60)]


def edited_putuo(putuo: bytes) -> bytes:
    """Change task 1.1's measure and drop the last row (task 41.4)."""
    wb = openpyxl.load_workbook(io.BytesIO(putuo))
    sheet = wb["整改任务"]
    header = [c.value for c in sheet[1]]
    number_col, measure_col = header.index("序号") + 1, header.index("整改措施") + 1
    for row in range(2, sheet.max_row + 1):
        if str(sheet.cell(row, number_col).value) == "1.1":
            sheet.cell(row, measure_col).value = "新的措施：建立季度调度机制"
    assert str(sheet.cell(sheet.max_row, number_col).value) == "41.4"
    sheet.delete_rows(sheet.max_row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


async def test_a_coordinator_imports_a_new_round_by_sending_the_workbook(
    world: World, putuo_bytes: bytes
) -> None:
    admin = world.sim.user(first_name="Admin", user_id=ADMIN_ID)
    answer = await send_workbook(admin, putuo_bytes, caption="区委第一巡察组反馈问题整改")
    preview = answer[-1]
    assert "导入预览" in preview.text
    assert "区委第一巡察组反馈问题整改（新建）" in preview.text
    assert "共 152 条整改措施、41 个问题：新增 152 条" in preview.text
    assert "区发展改革委" in preview.text
    assert "孙振邦" in preview.text
    assert buttons(preview) == ["✅ 确认导入", "✖️ 取消"]
    assert await task_count(world) == 0  # nothing is written before Confirm

    await admin.press(preview, "✅ 确认导入")
    await world.sim.wait_until(lambda: "已导入" in preview.text)
    assert "新增 152 条" in preview.text
    assert not preview.buttons
    assert await task_count(world) == 152


async def test_reimporting_updates_by_number_keeps_progress_and_reports_removed_rows(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    wang = await world.join("王建国")
    await wang.reply(await report_prompt(wang, "1.1"), "已完成调研，进度60%")
    await wang.messages_until_idle()
    gao = await world.join("高飞")

    preview = (await send_workbook(gao, edited_putuo(putuo_bytes)))[-1]
    assert "普陀区巡视整改" in preview.text
    assert "（新建）" not in preview.text
    assert "新增 0 条，变更 1 条，无变化 150 条" in preview.text
    assert "变更的编号：1.1" in preview.text
    assert "系统中有 1 条任务不在本文件中，将保留不删除：41.4" in preview.text

    await gao.press(preview, "✅ 确认导入")
    await world.sim.wait_until(lambda: "已导入" in preview.text)
    assert "新增 0 条，更新 151 条" in preview.text
    measure, percent = (
        await rows(world, select(TaskRow.measure, TaskRow.percent).where(TaskRow.number == "1.1"))
    )[0]
    assert (measure, percent) == ("新的措施：建立季度调度机制", 60)
    assert await task_count(world) == 152  # 41.4 was kept
    await gao.command("history", "1.1")
    assert "按导入的工作簿调整计划：整改措施" in (await gao.next_message()).text


async def test_cancel_writes_nothing_and_a_second_press_is_refused(
    world: World, putuo_bytes: bytes
) -> None:
    admin = world.sim.user(first_name="Admin", user_id=ADMIN_ID)
    preview = (await send_workbook(admin, putuo_bytes, caption="新一轮"))[-1]
    confirm_data = preview.buttons[0][0].callback_data
    assert confirm_data is not None
    await admin.press(preview, "✖️ 取消")
    await world.sim.wait_until(lambda: "已取消导入" in preview.text)
    answer = await admin.wait_callback_answer(await admin.press(preview, data=confirm_data))
    assert "已处理（已取消）" in (answer.text or "")
    assert await task_count(world) == 0


async def test_only_the_uploader_can_confirm_and_officials_cannot_at_all(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    gao, yuan = await world.join("高飞"), await world.join("袁洁")
    wang = await world.join("王建国")
    preview = (await send_workbook(gao, edited_putuo(putuo_bytes)))[-1]
    data = preview.buttons[0][0].callback_data
    assert data is not None
    forged = ImportConfirm(int(data.split(":")[2])).encode()
    for other, expected in ((yuan, "未找到"), (wang, "没有权限")):
        answer = await other.wait_callback_answer(await other.press(preview, data=forged))
        assert expected in (answer.text or "")
    measure = await rows(world, select(TaskRow.measure).where(TaskRow.number == "1.1"))
    assert measure[0][0] != "新的措施：建立季度调度机制"


async def test_an_official_sending_a_spreadsheet_files_it_as_evidence(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    wang = await world.join("王建国")
    answer = await send_workbook(wang, putuo_bytes, name="台账.xlsx")
    assert "导入预览" not in answer[-1].text
    assert "这条进展是关于哪项任务" in answer[-1].text


async def test_a_preview_older_than_a_day_must_be_sent_again(
    world: World, putuo_bytes: bytes
) -> None:
    admin = world.sim.user(first_name="Admin", user_id=ADMIN_ID)
    preview = (await send_workbook(admin, putuo_bytes, caption="新一轮"))[-1]
    world.clock.advance(timedelta(hours=25))
    answer = await admin.wait_callback_answer(await admin.press(preview, "✅ 确认导入"))
    assert "已处理（已过期" in (answer.text or "")
    assert await task_count(world) == 0


def _zip_bomb(path: Path) -> bytes:
    chunk = bytes(1024 * 1024)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            for _ in range(120):
                member.write(chunk)
    return path.read_bytes()


def _renamed_sheet() -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(book()))
    wb["整改任务"].title = "Sheet1"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _missing_column() -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(book()))
    wb["整改任务"].delete_cols(6)  # 责任人
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("case", "expected", "marked"),
    [
        ("wrong sheet", "缺少工作表“整改任务”", False),
        ("missing column", "缺少必填列“责任人”", True),
        ("odd date", "“整改时限”列", True),
        ("unknown person", "“查无此人”不在人员名单中", True),
        ("duplicate number", "序号", True),
        ("admin role", "管理员", True),
        ("renamed pdf", "不是有效的 Excel", False),
        ("zip bomb", "100 MB", False),
    ],
)
async def test_a_broken_workbook_is_answered_clearly_and_nothing_is_written(
    world: World, putuo_bytes: bytes, tmp_path: Path, case: str, expected: str, marked: bool
) -> None:
    await world.import_putuo(putuo_bytes)
    gao = await world.join("高飞")
    builders: dict[str, Callable[[], bytes]] = {
        "wrong sheet": _renamed_sheet,
        "missing column": _missing_column,
        "odd date": lambda: book(tasks=[task(due="明年春天")]),
        "unknown person": lambda: book(tasks=[task(owner="查无此人")]),
        "duplicate number": lambda: book(tasks=[task(), task(measure="措施乙")]),
        "admin role": lambda: book(people=[person(), person(name="赵六", roles="管理员")]),
        "renamed pdf": lambda: b"%PDF-1.4 not a workbook at all",
        "zip bomb": lambda: _zip_bomb(tmp_path / "bomb.xlsx"),
    }
    data = builders[case]()
    before = await task_count(world), len(await rows(world, select(PersonRow.id)))
    answer = await send_workbook(gao, data)
    assert "工作簿未导入（未写入任何数据）" in answer[0].text
    assert expected in answer[0].text, answer[0].text
    attached = [m for m in answer if m.document is not None]
    assert bool(attached) == marked
    if marked:
        document = attached[0].document
        assert document is not None
        copy = openpyxl.load_workbook(io.BytesIO(document.data))
        assert copy.sheetnames[0] == "错误清单"
        assert copy["错误清单"].max_row >= 2
    assert (await task_count(world), len(await rows(world, select(PersonRow.id)))) == before


async def test_a_ten_thousand_row_workbook_gets_a_preview(world: World) -> None:
    admin = world.sim.user(first_name="Admin", user_id=ADMIN_ID)
    numbers = (f"{i // 10 + 1}.{i % 10 + 1}" for i in range(10_000))
    data = book(
        people=[person(), person(name="李四", unit="区领导小组", roles="领导")],
        tasks=[task(number=n, measure=f"措施{n}", due=date(2027, 6, 30)) for n in numbers],
    )
    preview = (await send_workbook(admin, data, caption="大轮次"))[-1]
    assert "共 10000 条整改措施" in preview.text
    assert "新增 10000 条" in preview.text


async def test_another_chat_is_answered_while_a_ten_thousand_row_import_is_confirmed(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    wang = await world.join("王建国")
    prompt = await report_prompt(wang, "1.1")
    admin = world.sim.user(first_name="Admin", user_id=ADMIN_ID)
    numbers = [f"{i // 10 + 1}.{i % 10 + 1}" for i in range(10_000)]
    data = book(
        people=[person(), person(name="李四", unit="区领导小组", roles="领导")],
        tasks=[task(number=n, measure=f"措施{n}", due=date(2027, 6, 30)) for n in numbers],
    )
    preview = (await send_workbook(admin, data, caption="大轮次"))[-1]

    await admin.press(preview, "✅ 确认导入")
    await world.sim.wait_until(lambda: "正在导入" in preview.text)  # said at once
    await wang.reply(prompt, "已完成专题调研，完成60%")
    ack = await wang.next_message(timeout=30)
    # The official's report was stored and acknowledged while the import was still going.
    assert "60%" in ack.text
    assert "正在导入" in preview.text, "the import finished before the other chat was answered"
    await world.sim.wait_until(lambda: "已导入" in preview.text, timeout=120)
    assert "新增 10000 条" in preview.text
    assert not preview.buttons


async def test_a_failure_while_writing_the_import_says_so_and_writes_nothing(
    world: World, putuo_bytes: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = world.sim.user(first_name="Admin", user_id=ADMIN_ID)
    preview = (await send_workbook(admin, putuo_bytes, caption="新一轮"))[-1]

    async def broken(*_args: object, **_kwargs: object) -> None:
        raise OSError("disk full")  # the write fails after the preview said "importing"

    monkeypatch.setattr(importing, "_write_tasks", broken)
    await admin.press(preview, "✅ 确认导入")
    await world.sim.wait_until(lambda: "未导入" in preview.text)
    assert "重新发送" in preview.text
    assert not preview.buttons
    told = await admin.messages_until_idle()
    assert "出错" in told[-1].text
    assert await task_count(world) == 0


async def test_a_unit_new_to_the_bot_is_pointed_out_before_confirming(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    gao = await world.join("高飞")
    typo = book(
        people=[person(name="王建国", unit="区发展改革委")],
        tasks=[task(number="99.1", unit="区发改委", owner="王建国", lead=None)],
    )
    preview = (await send_workbook(gao, typo))[-1]
    assert "有 1 个单位在系统中尚不存在，将新建：区发改委" in preview.text
    known = book(
        people=[person(name="王建国", unit="区发展改革委")],
        tasks=[task(number="99.1", unit="区发展改革委", owner="王建国", lead=None)],
    )
    preview = (await send_workbook(gao, known))[-1]
    assert "尚不存在" not in preview.text


def _merged_problems() -> bytes:
    def merge(sheet: object) -> None:
        sheet.merge_cells("C2:C3")  # type: ignore[attr-defined]
        sheet.merge_cells("B2:B3")  # type: ignore[attr-defined]

    rows = [task(number="1.1"), task(number="1.2", category=None, problem=None, measure="措施乙")]
    return book(
        people=[person(), person(name="李四", roles="领导")], tasks=rows, tweak={"整改任务": merge}
    )


async def test_merged_problem_cells_count_as_one_problem(world: World) -> None:
    admin = world.sim.user(first_name="Admin", user_id=ADMIN_ID)
    preview = (await send_workbook(admin, _merged_problems(), caption="合并单元格"))[-1]
    assert "共 2 条整改措施、1 个问题：新增 2 条" in preview.text


async def test_changes_to_people_already_in_the_bot_are_shown_before_confirming(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    gao = await world.join("高飞")
    moved = book(
        people=[person(name="王建国", unit="区科委", roles="责任人、协调员")],
        tasks=[task(number="1.1", unit="区发展改革委", owner="王建国", lead=None)],
    )
    preview = (await send_workbook(gao, moved))[-1]
    assert "1 位已有人员的信息将被修改" in preview.text
    assert "王建国：单位 区发展改革委→区科委；新增角色 协调员" in preview.text


async def test_an_english_reader_is_told_where_in_english(world: World, putuo_bytes: bytes) -> None:
    await world.import_putuo(putuo_bytes)
    gao = await world.join("高飞")
    await gao.command("language")
    choice = await gao.next_message()
    await gao.press(choice, "English")
    await world.sim.wait_until(lambda: "English" in choice.text)
    answer = await send_workbook(gao, book(tasks=[task(due="明年春天")]))
    assert "The workbook was not imported" in answer[0].text
    assert "• sheet “整改任务” row 2 column “整改时限”: " in answer[0].text
