"""`rectibot demo`, shortened to four virtual weeks: it must tell the real story."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

from bot.demo import LIAISON, STAR, run_demo


def red_count(board: str) -> int:
    found = re.search(r"🔴 (\d+)", board)
    assert found is not None, board
    return int(found.group(1))


async def test_the_demo_runs_the_rhythm_and_its_final_board_shows_real_progress(
    tmp_path: Path,
) -> None:
    demo = await run_demo(tmp_path, quiet=True, weeks=4)
    assert demo.chart is not None
    png = await asyncio.to_thread(demo.chart.read_bytes)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(demo.digests) == 4  # every Monday of the four weeks
    assert "反馈的41项问题" in demo.digests[-1]
    assert "实质进展" in demo.digests[-1]
    story = "\n".join(demo.transcript)
    assert "每周整改进展报送" in story
    assert "请核对本次报送" in story  # several measures in one message, one card
    assert f"{STAR}: [✅ 全部确认]" in story
    # The final board is the real one, not a copy of the first.
    assert "整改措施152条" in demo.board
    assert demo.board != demo.first_board
    assert "已销号：0\n" not in demo.board
    assert red_count(demo.board) < 0.4 * 152
    assert any("退回" in line for line in demo.review_log)
    assert any("同意销号" in line for line in demo.review_log)
    assert LIAISON in {o.name for o in demo.officials.values()}
    # The plan's milestone: reminded a week and a day before, recorded the day before.
    reminders = [line for line in demo.milestone_log if "整改方案报送提醒" in line]
    assert len(reminders) == 2
    assert "还有 1 天" in reminders[-1]
    assert any("✅ 整改方案：已于 2026-09-23 报送" in line for line in demo.milestone_log)
    assert "✅ 整改方案：已于 2026-09-23 报送" in demo.digests[-1]
    assert "评定规则：A 级" in demo.grades
    units = re.findall(r"^(\S+)：\d+/\d+，", demo.board, re.MULTILINE)  # the board's unit lines
    assert len(units) == 12
    assert sorted(re.findall(r"^(\S+)：完成率", demo.grades, re.MULTILINE)) == sorted(units)
    docx = await asyncio.to_thread(lambda: sorted(p.name for p in tmp_path.glob("*.docx")))
    # September's bulletin and the third quarter's summary, both on Wednesday 30 September.
    assert docx == ["普陀区巡视整改-2026-09-通报.docx", "普陀区巡视整改-2026-Q3-季度总结.docx"]
