"""`python -m bot run` as a real process, pointed at the simulator through TELEGRAM_API_BASE_URL."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

import pytest

from simulator import BotApiSimulator
from storage.migrate import head_revision
from tests.e2e.conftest import ADMIN_ID, BOT_USERNAME, TOKEN

ROOT = Path(__file__).resolve().parents[2]


def bot_env(sim: BotApiSimulator, database_url: str, tmp_path: Path) -> dict[str, str]:
    """The environment of a `python -m bot` process pointed at the simulator."""
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": sim.base_url.removesuffix("/bot"),
        "HTTP_LISTEN": "127.0.0.1:0",  # any free port: tests side by side
        "DATABASE_URL": database_url,
        "DATA_DIR": str(tmp_path / "data"),
        "ADMIN_TELEGRAM_IDS": str(ADMIN_ID),
    }


async def start_run(env: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
    """`python -m bot run` in its own process, output collected."""
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=cwd, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip


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

        first = await start_run(env, tmp_path)
        try:
            admin = sim.user(first_name="Admin", user_id=ADMIN_ID)
            await admin.command("help")
            await admin.next_message(timeout=30)  # the first one is up and polling
            second = await start_run(env, tmp_path)
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


async def test_a_token_telegram_refuses_is_one_sentence(tmp_path: Path) -> None:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'data' / 'rectibot.sqlite3'}"
    async with BotApiSimulator(token=TOKEN, bot_username=BOT_USERNAME) as sim:
        env = bot_env(sim, database_url, tmp_path)
        env["TELEGRAM_BOT_TOKEN"] = "999999:ThisTokenIsNotTheSimulatorsOwnToken12345"
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", cwd=tmp_path, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        _, err = await asyncio.wait_for(process.communicate(), 60)
    lines = err.decode().strip().splitlines()
    assert process.returncode == 2, lines
    assert lines[-1].startswith("rectibot: TELEGRAM_BOT_TOKEN was refused by the Bot API")
    assert "@BotFather" in lines[-1]
    assert not any("Traceback" in line for line in lines)
    assert not any("ThisTokenIsNot" in line for line in lines)


async def test_the_base_url_in_ptbs_own_form_works_and_debug_logs_never_show_the_token(
    tmp_path: Path,
) -> None:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'data' / 'rectibot.sqlite3'}"
    async with BotApiSimulator(token=TOKEN, bot_username=BOT_USERNAME) as sim:
        env = bot_env(sim, database_url, tmp_path)
        env["TELEGRAM_API_BASE_URL"] = sim.base_url.removesuffix("/bot") + "/bot"
        env["LOG_LEVEL"] = "debug"  # any case
        log_file = tmp_path / "bot.log"  # a file, not a pipe: DEBUG fills a pipe's buffer
        with log_file.open("wb") as sink:
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", cwd=tmp_path, env=env,
                stdout=sink, stderr=asyncio.subprocess.STDOUT,
            )  # fmt: skip
            try:
                admin = sim.user(first_name="Admin", user_id=ADMIN_ID)
                await admin.command("help")
                assert "/board" in (await admin.next_message(timeout=30)).text
            finally:
                process.send_signal(signal.SIGINT)
                await asyncio.wait_for(process.wait(), 30)
    log = log_file.read_text(encoding="utf-8")
    assert process.returncode == 0, log
    assert "DEBUG" in log
    secret = TOKEN.split(":", 1)[1]
    assert secret not in log


async def rectibot(tmp_path: Path, env: dict[str, str], *argv: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *argv, cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    output, _ = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode is not None
    return process.returncode, output.decode()


async def test_doctor_reports_each_part_and_fails_only_on_what_stops_the_bot(
    database_url: str, tmp_path: Path
) -> None:
    async with BotApiSimulator(token=TOKEN, bot_username=BOT_USERNAME) as sim:
        env = bot_env(sim, database_url, tmp_path)
        code, report = await rectibot(tmp_path, env, "doctor")
        assert code == 0, report
        assert f"✓ token: accepted: the bot is @{BOT_USERNAME}" in report
        # The fixture's database is migrated to the newest revision.
        assert f"schema {head_revision()} (current)" in report
        assert "✓ webhook: none (long polling)" in report
        assert "✓ administrators: 1 in ADMIN_TELEGRAM_IDS" in report
        assert (
            "✓ round rules: plan/report 14d/2m after an inspection's feedback, 15wd/2m after an "
            "audit; grade A when completion>=90, on_time>=80, reopened<=0, escalated<=1, "
            "B when completion>=60, on_time>=60"
        ) in report
        assert "rectibot：检查通过，可以运行。" in report

        sim.state.webhook = {"url": "https://old.example.org/hook"}
        code, report = await rectibot(tmp_path, env, "doctor")
        assert code == 0, report
        assert "! webhook: set to https://old.example.org/hook while this bot polls" in report
        assert sim.state.webhook is not None  # read, not removed

        hook = {**env, "TELEGRAM_WEBHOOK_URL": "https://bot.example.org/tg",
                "TELEGRAM_WEBHOOK_SECRET": "s3cret"}  # fmt: skip
        code, report = await rectibot(tmp_path, hook, "doctor")
        assert "! webhook: set to https://old.example.org/hook; the bot sets" in report
        sim.state.webhook = {"url": "https://bot.example.org/tg"}
        code, report = await rectibot(tmp_path, hook, "doctor")
        assert code == 0, report
        assert "✓ webhook: https://bot.example.org/tg, 0 update(s) waiting" in report
        assert "long polling" not in report.split("webhook:")[0]

        refused = {
            **env,
            "TELEGRAM_BOT_TOKEN": "42:NotThisBotsToken",
            "ADMIN_TELEGRAM_IDS": "",
            "MILESTONES_AUDIT": "plan=三周",
        }
        code, report = await rectibot(tmp_path, refused, "doctor")
    assert code == 1, report
    assert "✗ token: TELEGRAM_BOT_TOKEN was refused by the Bot API" in report
    assert "! administrators: ADMIN_TELEGRAM_IDS is empty" in report
    assert "✗ round rules: MILESTONES_AUDIT cannot be used:" in report
    assert "✗ holiday calendar" not in report  # the calendar itself is fine
    assert "rectibot：有 2 个问题使机器人无法运行。" in report
    assert "NotThisBotsToken" not in report


async def test_a_second_poller_on_the_same_database_is_refused_and_the_first_keeps_answering(
    database_url: str, tmp_path: Path
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("on SQLite the second process is refused by the file lock (test above)")
    async with BotApiSimulator(token=TOKEN, bot_username=BOT_USERNAME) as sim:
        env = bot_env(sim, database_url, tmp_path)

        first = await start_run(env, tmp_path)
        try:
            admin = sim.user(first_name="Admin", user_id=ADMIN_ID)
            await admin.command("help")
            await admin.next_message(timeout=30)  # the first one is up and polling
            second = await start_run(env, tmp_path)
            output, _ = await asyncio.wait_for(second.communicate(), 60)
            assert second.returncode == 2, output.decode()
            last = output.decode().strip().splitlines()[-1]
            assert "another process is polling Telegram with this bot's token" in last
            assert "webhook mode" in last
            await admin.command("help")  # the first one never noticed
            assert "/board" in (await admin.next_message(timeout=30)).text
        finally:
            first.send_signal(signal.SIGINT)
            await asyncio.wait_for(first.communicate(), 30)
        assert first.returncode == 0


async def test_a_listener_port_already_taken_is_one_sentence(tmp_path: Path) -> None:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'data' / 'rectibot.sqlite3'}"
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        async with BotApiSimulator(token=TOKEN, bot_username=BOT_USERNAME) as sim:
            env = {**bot_env(sim, database_url, tmp_path), "HTTP_LISTEN": f"127.0.0.1:{port}"}
            code, output = await rectibot(tmp_path, env, "run")
    assert code == 2, output
    last = output.strip().splitlines()[-1]
    assert last.startswith(f"rectibot: HTTP_LISTEN 127.0.0.1:{port} cannot be used")
    assert "choose a free port" in last
    assert "Traceback" not in output
