"""/export and /dossier through the chat, and the ledger sent back as an import."""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio

from bot.clock import ManualClock
from domain.intake import notices
from domain.intake.workbook import read_workbook
from tests.e2e.conftest import World, buttons, report_prompt, start_world, stop_world

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest_asyncio.fixture
async def small_parts(
    database_url: str, tmp_path: Path, clock: ManualClock
) -> AsyncIterator[World]:
    """A bot whose dossiers are split into parts of at most 64 KB."""
    started = await start_world(
        database_url, tmp_path / "data", clock, dossier_part_bytes=64 * 1024
    )
    try:
        yield started
    finally:
        await stop_world(started)


async def test_the_exported_ledger_reimports_without_change(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    gao, wang = await world.join("高飞"), await world.join("王建国")
    await wang.reply(await report_prompt(wang, "1.1"), "已完成调研，进度40%")
    await wang.next_message()
    await gao.command("export")
    sent = await gao.next_message()
    assert sent.document is not None
    name = sent.document.file_name or ""
    assert name.startswith("整改台账-普陀区巡视整改-")
    assert len(read_workbook(sent.document.data, allow_admin=False).tasks) == 152

    await gao.send_document(sent.document.data, file_name=name, mime_type=XLSX)
    preview = await gao.next_message(timeout=30)
    assert "新增 0 条，变更 0 条，无变化 152 条" in preview.text
    assert "系统中有" not in preview.text


async def test_a_task_dossier_holds_its_history_and_evidence(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    gao, wang = await world.join("高飞"), await world.join("王建国")
    await wang.reply(await report_prompt(wang, "1.1"), "会议纪要见附件，进度50%")
    await wang.next_message()
    await wang.send_document(b"%PDF-1.4 minutes", file_name="会议纪要.pdf")
    await wang.messages_when_idle()
    await gao.command("dossier", "1.1")
    sent = await gao.next_message(timeout=30)
    assert sent.document is not None
    assert "1/1" in (sent.caption or "")
    names = zipfile.ZipFile(io.BytesIO(sent.document.data)).namelist()
    assert any(n.startswith("1.1/") and n.endswith(".docx") for n in names)
    assert any(n.endswith("会议纪要.pdf") for n in names), names


async def test_a_unit_dossier_is_split_into_parts_under_the_limit(
    small_parts: World, putuo_bytes: bytes
) -> None:
    world = small_parts
    await world.import_putuo(putuo_bytes)
    gao, wang = await world.join("高飞"), await world.join("王建国")
    for number in ("1.1", "1.3"):
        await wang.reply(await report_prompt(wang, number), "佐证材料见附件，进度30%")
        await wang.next_message()
        await wang.send_document(os.urandom(40 * 1024), file_name=f"{number}佐证.bin")
        await wang.messages_when_idle()
    await gao.command("dossier", "发展改革")
    parts = [await gao.next_message(timeout=60)]
    parts += await gao.messages_when_idle(timeout=60)
    assert len(parts) >= 2
    for part in parts:
        assert part.document is not None
        assert len(part.document.data) <= 64 * 1024
        assert f"/{len(parts)} 部分" in (part.caption or "")
    every = [
        n
        for p in parts
        if p.document
        for n in zipfile.ZipFile(io.BytesIO(p.document.data)).namelist()
    ]
    assert len(every) == len(set(every))
    assert sum(n.endswith("佐证.bin") for n in every) == 2


async def test_export_and_dossier_refusals_and_choices(world: World, putuo_bytes: bytes) -> None:
    await world.import_putuo(putuo_bytes)
    gao, wang, sun = (
        await world.join("高飞"),
        await world.join("王建国"),
        await world.join("孙振邦"),
    )
    for user in (wang, sun):
        for command in ("export", "dossier"):
            await user.command(command, "1.1")
            assert "没有权限" in (await user.next_message()).text
    await gao.command("dossier")
    assert "用法" in (await gao.next_message()).text
    await gao.command("dossier", "查无此单位")
    assert "未找到" in (await gao.next_message()).text
    await gao.command("dossier", "区委")
    pick = await gao.next_message()
    assert buttons(pick) == ["区委组织部", "区委网信办"]
    await gao.press(pick, "区委网信办")
    sent = await gao.next_message(timeout=30)
    assert sent.document is not None
    assert "区委网信办" in (sent.document.file_name or "")


async def test_the_report_command_sends_a_report_that_reads_back_and_names_the_latest_progress(
    world: World, putuo_bytes: bytes
) -> None:
    await world.import_putuo(putuo_bytes)
    gao, wang = await world.join("高飞"), await world.join("王建国")  # a coordinator, an official
    await wang.reply(await report_prompt(wang, "1.1"), "已完成调研，进度40%")
    await wang.next_message()

    await gao.command("report")
    [sent] = await gao.messages_until_idle()
    assert sent.document is not None
    assert sent.document.file_name == "普陀区巡视整改进展情况报告_20261130.docx"
    assert "文号、主送机关请补全" in (sent.caption or "")
    outline = notices.read_outline(sent.document.data, sent.document.file_name)
    assert (len(outline.problems), sum(len(p.measures) for p in outline.problems)) == (41, 152)
    first = outline.problems[0].measures[0]
    assert "正在推进，已完成40%，最新进展：已完成调研，进度40%" in first

    await gao.command("report", "final")
    [final] = await gao.messages_until_idle()
    assert final.document is not None
    assert final.document.file_name == "普陀区巡视整改情况报告_20261130.docx"
    await gao.command("report", "weekly")
    [usage] = await gao.messages_until_idle()
    assert "/report final" in usage.text

    await wang.command("report")
    [refused] = await wang.messages_until_idle()
    assert refused.document is None
