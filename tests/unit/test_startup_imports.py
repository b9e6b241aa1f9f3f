"""The bot starts without the heavy libraries: charts, .docx and .xlsx load on first use."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("matplotlib", "numpy", "docx", "openpyxl", "lxml", "PIL")


def test_starting_the_bot_loads_no_chart_docx_or_xlsx_library() -> None:
    probe = (
        "import sys, bot.app, bot.cli, handlers\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
