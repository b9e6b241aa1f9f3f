"""A coordinator sends a notice (.docx/.txt/PDF), gets a pre-filled workbook, fills it and imports."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl
from sqlalchemy import func, select

from storage.tables import TaskRow
from tests.e2e.conftest import ADMIN_ID, World, buttons, rows
from tests.pdfs import pdf_with_text, pdf_without_text
from tests.unit.test_notice_docx import docx, para

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus" / "notices"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def putuo_notice_docx() -> bytes:
    """The Putuo notice (corpus 36) as a Word file, one paragraph per line."""
    lines = (CORPUS / "36.txt").read_text(encoding="utf-8").splitlines()
    return docx([para(escape(line.replace("|", "｜"))) for line in lines])


def fill_in(workbook: bytes) -> tuple[bytes, int]:
    """Do what the coordinator does: people, units, owners, leads and deadlines."""
    book = openpyxl.load_workbook(io.BytesIO(workbook))
    book["人员"].append(["张三", "区科委", "责任人"])
    book["人员"].append(["李四", "区领导小组", "领导"])
    tasks = book["整改任务"]
    filled = 0
    for row in range(2, tasks.max_row + 1):
        if tasks.cell(row, 1).value is None:
            continue
        if not tasks.cell(row, 4).value:  # a problem without enumerated measures
            tasks.cell(row, 4).value = tasks.cell(row, 3).value
        for col, value in ((5, "区科委"), (6, "张三"), (7, "李四"), (8, date(2027, 6, 30))):
            tasks.cell(row, col).value = value
        filled += 1
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), filled


async def test_a_notice_becomes_tasks_through_the_prefilled_workbook(world: World) -> None:
    admin = world.sim.user(first_name="Admin", user_id=ADMIN_ID)
    await admin.send_document(putuo_notice_docx(), file_name="普陀区整改通报.docx", mime_type=DOCX)
    outline = await admin.next_message(timeout=30)
    assert "已识别：41 个问题" in outline.text
    sent = await admin.next_message(timeout=30)
    assert sent.document is not None
    assert sent.document.file_name == "普陀区整改通报-整改任务导入表.xlsx"

    filled, count = fill_in(sent.document.data)
    await admin.send_document(
        filled, file_name="普陀区整改任务.xlsx", mime_type=XLSX, caption="普陀区巡视整改"
    )
    preview = await admin.next_message(timeout=30)
    assert f"共 {count} 条整改措施、41 个问题：新增 {count} 条" in preview.text
    await admin.press(preview, "✅ 确认导入")
    await world.sim.wait_until(lambda: "已导入" in preview.text)
    total = await rows(world, select(func.count()).select_from(TaskRow))
    assert total[0][0] == count


async def test_other_formats_get_a_clear_answer_and_officials_files_stay_evidence(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    gao, wang = await world.join("高飞"), await world.join("王建国")
    await gao.send_document(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600),
        file_name="通报.doc",
        mime_type="application/msword",
    )
    assert ".docx" in (await gao.next_message()).text
    await gao.send_document(b"%PDF-1.4 scanned", file_name="通报.pdf")
    assert ".docx" in (await gao.next_message()).text
    await gao.send_document(
        "今天天气很好。\n没有问题清单。".encode(), file_name="随笔.txt", mime_type="text/plain"
    )
    assert "未能从文件中识别出问题清单" in (await gao.next_message()).text

    await wang.send_document(putuo_notice_docx(), file_name="会议纪要.docx", mime_type=DOCX)
    answer = await wang.next_message()
    assert "这条进展是关于哪项任务" in answer.text
    assert buttons(answer)


async def test_a_pdf_notice_with_text_is_read_and_a_scan_is_sent_back_with_what_to_do(
    world: World,
) -> None:
    admin = world.sim.user(first_name="Admin", user_id=ADMIN_ID)
    lines = (CORPUS / "36.txt").read_text(encoding="utf-8").splitlines()
    pages = [lines[i : i + 40] for i in range(0, len(lines), 40)]  # a page every 40 lines
    await admin.send_document(pdf_with_text(pages), file_name="普陀区整改通报.pdf",
                              mime_type="application/pdf")  # fmt: skip
    outline, workbook = await admin.messages_until_idle(timeout=30)
    assert "已识别：41 个问题" in outline.text
    assert workbook.document is not None
    assert workbook.document.file_name == "普陀区整改通报-整改任务导入表.xlsx"

    await admin.send_document(
        pdf_without_text(), file_name="扫描件.pdf", mime_type="application/pdf"
    )
    [scan] = await admin.messages_until_idle()
    assert "是扫描件，没有可读取的文字层" in scan.text
