"""A hard kill of the bot process loses no incoming report (durable intake)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections import Counter
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from bot.clock import SystemClock
from domain.intake import importing
from domain.model import Role, SheetPerson, SheetTask, TaskKind, Workbook
from simulator import BotApiSimulator, SimUser
from storage.database import make_engine, make_session_factory
from storage.migrate import upgrade
from storage.tables import ProgressUpdateRow
from storage.uow import SqlUnitOfWork
from tests.e2e.conftest import BOT_USERNAME, TOKEN

ROOT = Path(__file__).resolve().parents[2]
OFFICIALS = 40


def workbook() -> Workbook:
    people = tuple(
        SheetPerson(2 + i, f"官员{i}", "区发展改革委", frozenset({Role.OFFICIAL}))
        for i in range(OFFICIALS)
    )
    tasks = tuple(
        SheetTask(
            2 + i,
            f"{i + 1}.1",
            None,
            f"问题{i}",
            f"措施{i}",
            "区发展改革委",
            f"官员{i}",
            None,
            date(2027, 6, 30),
            TaskKind.BOUNDED,
        )
        for i in range(OFFICIALS)
    )
    return Workbook(people=people, tasks=tasks)


async def start_bot(env: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=cwd,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )


async def test_a_bot_killed_while_reports_arrive_loses_none_of_them(
    database_url: str, tmp_path: Path
) -> None:
    await upgrade(database_url)
    engine = make_engine(database_url)
    factory = make_session_factory(engine)

    def uow() -> SqlUnitOfWork:
        return SqlUnitOfWork(factory)

    await importing.import_workbook(
        uow=uow(), clock=SystemClock(), workbook=workbook(), campaign_name="耐久"
    )
    async with BotApiSimulator(token=TOKEN, bot_username=BOT_USERNAME) as sim:
        users: list[SimUser] = []
        async with uow() as work:
            for person in await work.people.active():
                user = sim.user(first_name=person.name)
                await work.people.bind(person.id, user.id, None)
                users.append(user)
            await work.commit()
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": sim.base_url.removesuffix("/bot"),
            "HTTP_LISTEN": "127.0.0.1:0",
            "DATABASE_URL": database_url,
            "DATA_DIR": str(tmp_path / "data"),
        }
        # The second half's acknowledgements hang, so the kill surely lands mid-way (the bot
        # answers 40 reports faster than a kill can follow the fifth answer).
        for user in users[OFFICIALS // 2 :]:
            sim.faults.add(method="sendMessage", chat_id=user.id, delay=30.0)
        first = await start_bot(env, tmp_path)
        try:
            for user in users:
                await user.send("已完成调研，进度60%")
            # Kill -9 once some reports are answered and others are still on their way.
            await sim.wait_until(lambda: len(sim.sent) >= 5, timeout=60)
            first.send_signal(signal.SIGKILL)
            await first.wait()
            answered_before = len(sim.sent)
            second = await start_bot(env, tmp_path)
            try:
                await sim.wait_until(lambda: all(u.inbox for u in users), timeout=90)
            finally:
                second.send_signal(signal.SIGINT)
                await asyncio.wait_for(second.wait(), 30)
        finally:
            if first.returncode is None:
                first.kill()
    async with uow() as work:
        session = work.reports.session
        stored = (
            await session.execute(select(func.count()).select_from(ProgressUpdateRow))
        ).scalar()
    await engine.dispose()
    assert answered_before < OFFICIALS  # the kill did land mid-way
    assert stored == OFFICIALS  # every report stored once
    acks = Counter(m.chat_id for m in sim.sent if "60%" in (m.text or ""))
    assert set(acks) == {u.id for u in users}  # everyone was answered
    print(
        f"killed after {answered_before} answers; {sum(acks.values()) - OFFICIALS} answered twice"
    )
