"""`rectibot demo`, shortened to two virtual weeks."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.demo import STAR, run_demo


async def test_the_demo_runs_the_rhythm_and_writes_the_chart(tmp_path: Path) -> None:
    demo = await run_demo(tmp_path, quiet=True, weeks=2)
    assert demo.chart is not None
    png = await asyncio.to_thread(demo.chart.read_bytes)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(demo.digests) == 2  # Mondays 14 and 21 September
    assert "反馈的41项问题" in demo.digests[-1]
    story = "\n".join(demo.transcript)
    assert "每周整改进展报送" in story
    assert f"{STAR}: 按计划推进" in story
    assert "整改措施152条" in demo.board
    docx = await asyncio.to_thread(lambda: list(tmp_path.glob("*.docx")))
    assert docx == []  # no month ended in the first two weeks
