"""The coordinator's desk off the main road: ambiguous names, big files, broken workbooks."""

from __future__ import annotations

import io

import openpyxl
from sqlalchemy import select

from domain.intake import importing
from domain.intake.workbook import read_workbook
from domain.model import TaskStatus
from storage.tables import CampaignRow, EvidenceRow, PersonRow, ProgressUpdateRow
from tests.e2e.conftest import World, buttons, report_prompt, rows
from tests.e2e.test_official_loop import PHOTO, task_state

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def with_unknown_owners(putuo: bytes, count: int) -> bytes:
    """The workbook with the first `count` measures given to someone not in the 人员 sheet."""
    book = openpyxl.load_workbook(io.BytesIO(putuo))
    sheet = book["整改任务"]
    owner_col = [c.value for c in sheet[1]].index("责任人") + 1
    for row in range(2, count + 2):
        sheet.cell(row, owner_col).value = f"查无此人{row}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def test_deactivate_with_a_shared_surname_asks_who_then_previews_the_chosen_one(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    gao = await world.join("高飞")
    await gao.command("deactivate", "李")
    pick = await gao.next_message()
    assert "有多人匹配“李”" in pick.text
    assert "李晓燕（区发展改革委）" in buttons(pick)
    assert "李明远（区领导小组）" in buttons(pick)
    await gao.wait_callback_answer(await gao.press(pick, "李晓燕（区发展改革委）"))
    preview = await gao.next_message()
    assert "确认停用 李晓燕（区发展改革委）" in preview.text
    assert "1.2" in preview.text
    still = await rows(world, select(PersonRow.active).where(PersonRow.name == "李晓燕"))
    assert still == [(True,)]  # only a preview: nobody is retired before the confirmation


async def test_deactivating_a_leader_without_measures_says_no_task_moves(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    gao = await world.join("高飞")
    await gao.command("deactivate", "钱卫东")
    preview = await gao.next_message()
    assert "确认停用 钱卫东" in preview.text
    assert "其名下没有未销号任务。" in preview.text
    await gao.press(preview, "确认停用")
    await world.sim.wait_until(
        lambda: "其名下没有未销号任务" in preview.text and not preview.buttons
    )
    retired = await rows(world, select(PersonRow.active).where(PersonRow.name == "钱卫东"))
    assert retired == [(False,)]


async def test_task_lists_each_reports_files_and_the_evidence_names(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    wang, gao = await world.join("王建国"), await world.join("高飞")
    prompt = await report_prompt(wang, "1.1")
    await wang.reply(prompt, "已组织读书班，进度40%")
    ack = await wang.next_message()
    await wang.send_photo(PHOTO, reply_to=ack)
    await world.sim.wait_until(lambda: "佐证材料：1" in ack.text)
    await gao.command("task", "1.1")
    record = (await gao.next_message()).text
    assert "已组织读书班，进度40% (40%) 📎1" in record
    (name,) = (await rows(world, select(EvidenceRow.file_name)))[0]
    assert f"佐证材料：1 份\n  · {name}" in record


async def test_campaign_with_a_name_two_rounds_share_offers_both(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    await importing.import_workbook(
        uow=world.uow(),
        clock=world.clock,
        workbook=read_workbook(putuo_bytes, allow_admin=True),
        campaign_name="普陀区巡视整改回头看",
    )
    gao = await world.join("高飞")
    await gao.command("campaign", "普陀")
    pick = await gao.next_message()
    assert "有多个轮次匹配“普陀”" in pick.text
    assert buttons(pick) == ["普陀区巡视整改", "普陀区巡视整改回头看"]
    assert len(await rows(world, select(CampaignRow.id))) == 2


async def test_a_workbook_or_notice_over_the_download_limit_is_refused_with_its_size(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    gao = await world.join("高飞")
    big = 25 * 1024 * 1024
    await gao.send_document_of_size(big, file_name="全区台账.xlsx", mime_type=XLSX)
    assert "文件过大（25.0 MB），机器人最多可接收 20 MB" in (await gao.next_message()).text
    await gao.send_document_of_size(big, file_name="反馈意见.docx", mime_type=DOCX)
    assert "文件过大（25.0 MB）" in (await gao.next_message()).text
    assert await gao.messages_when_idle() == []
    assert await rows(world, select(ProgressUpdateRow.id)) == []


async def test_a_coordinator_who_owns_a_measure_sends_a_pdf_as_its_evidence(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    gao = await world.join("高飞")
    await gao.command("reassign", "1.1 高飞")
    assert "调整为 高飞" in (await gao.next_message()).text
    await gao.send_document(b"%PDF-1.4 minutes of the meeting", file_name="会议纪要.pdf")
    ack = await gao.next_message()
    assert "1.1" in ack.text
    assert "佐证材料：1" in ack.text
    assert "整改任务导入表" not in ack.text
    assert await gao.messages_when_idle() == []  # no notice outline, no workbook
    stored = await rows(world, select(EvidenceRow.file_name))
    assert stored == [("会议纪要.pdf",)]
    assert (await task_state(world, "1.1"))[1] == TaskStatus.IN_PROGRESS


async def test_a_workbook_with_many_problems_lists_thirty_and_counts_the_rest(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    gao = await world.join("高飞")
    await gao.send_document(
        with_unknown_owners(putuo_bytes, 35), file_name="台账.xlsx", mime_type=XLSX
    )
    answer = await gao.next_message(timeout=60)
    assert "工作簿未导入（未写入任何数据），共 35 处问题" in answer.text
    assert "……另有 5 处" in answer.text
    marked = await gao.next_message(timeout=60)
    assert marked.document is not None
    assert len(await rows(world, select(CampaignRow.id))) == 1
