"""`python -m bot run` as a real process, pointed at the simulator through TELEGRAM_API_BASE_URL."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from simulator import BotApiSimulator
from tests.e2e.conftest import ADMIN_ID, BOT_USERNAME, TOKEN

ROOT = Path(__file__).resolve().parents[2]


async def test_the_run_command_migrates_polls_and_answers(
    database_url: str, tmp_path: Path
) -> None:
    async with BotApiSimulator(token=TOKEN, bot_username=BOT_USERNAME) as sim:
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": sim.base_url.removesuffix("/bot"),
            "DATABASE_URL": database_url,
            "DATA_DIR": str(tmp_path / "data"),
            "ADMIN_TELEGRAM_IDS": str(ADMIN_ID),
        }
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            cwd=tmp_path,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        try:
            admin = sim.user(first_name="Admin", user_id=ADMIN_ID)
            await admin.command("help")
            answer = await admin.next_message(timeout=30)
            assert "/board" in answer.text
            assert any(key[0] == "default" for key in sim.commands)  # menu for strangers
        finally:
            process.send_signal(signal.SIGINT)
            output, _ = await asyncio.wait_for(process.communicate(), 30)
        assert process.returncode == 0, output.decode()
        assert "rectibot started as @rectibot_test_bot" in output.decode()
