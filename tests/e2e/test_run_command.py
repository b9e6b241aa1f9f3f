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


def bot_env(sim: BotApiSimulator, database_url: str, tmp_path: Path) -> dict[str, str]:
    """The environment of a `python -m bot` process pointed at the simulator."""
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": sim.base_url.removesuffix("/bot"),
        "DATABASE_URL": database_url,
        "DATA_DIR": str(tmp_path / "data"),
        "ADMIN_TELEGRAM_IDS": str(ADMIN_ID),
    }


async def test_the_run_command_migrates_polls_and_answers(
    database_url: str, tmp_path: Path
) -> None:
    async with BotApiSimulator(token=TOKEN, bot_username=BOT_USERNAME) as sim:
        env = bot_env(sim, database_url, tmp_path)
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


async def test_a_second_bot_on_the_same_sqlite_file_is_refused_with_one_sentence(
    tmp_path: Path,
) -> None:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'data' / 'rectibot.sqlite3'}"
    async with BotApiSimulator(token=TOKEN, bot_username=BOT_USERNAME) as sim:
        env = bot_env(sim, database_url, tmp_path)

        async def start() -> asyncio.subprocess.Process:
            return await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                "run",
                cwd=tmp_path,
                env=env,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT,
            )

        first = await start()
        try:
            admin = sim.user(first_name="Admin", user_id=ADMIN_ID)
            await admin.command("help")
            await admin.next_message(timeout=30)  # the first one is up and polling
            second = await start()
            output, _ = await asyncio.wait_for(second.communicate(), 60)
            assert second.returncode == 2, output.decode()
            lines = output.decode().strip().splitlines()
            assert len(lines) == 1, lines
            assert f"pid {first.pid}" in lines[0]
            assert "PostgreSQL" in lines[0]
        finally:
            first.send_signal(signal.SIGINT)
            await asyncio.wait_for(first.communicate(), 30)
        assert first.returncode == 0
