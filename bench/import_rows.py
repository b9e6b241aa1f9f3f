"""Benchmark: importing a big task list (first import, then the same file again).

    python bench/import_rows.py            # 10,000 measures over 40 units, SQLite
    python bench/import_rows.py -n 2000

Builds the workbook in memory, reads it as the chat import does, then times the write of the
first import and of a re-import (every row updated by its number, progress kept).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import date, datetime
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import Workbook as XlWorkbook

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.clock import ManualClock  # noqa: E402
from domain.intake import importing  # noqa: E402
from domain.intake.workbook import read_workbook  # noqa: E402
from storage.database import make_engine, make_session_factory  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.uow import SqlUnitOfWork  # noqa: E402

TASK_HEADER = [
    "序号",
    "问题类别",
    "问题",
    "整改措施",
    "责任单位",
    "责任人",
    "牵头领导",
    "整改时限",
    "整改类型",
]


def workbook(rows: int) -> bytes:
    """A valid import workbook with `rows` measures, 10 per problem, over 40 units."""
    book = XlWorkbook()
    people = book.active
    assert people is not None
    people.title = "人员"
    people.append(["姓名", "单位", "角色"])
    people.append(["张三", "单位0", "责任人"])
    people.append(["李四", "区领导小组", "领导"])
    tasks = book.create_sheet("整改任务")
    tasks.append(TASK_HEADER)
    for i in range(rows):
        number = f"{i // 10 + 1}.{i % 10 + 1}"
        tasks.append(
            [
                number,
                "某方面",
                f"问题{i // 10 + 1}",
                f"措施{number}",
                f"单位{i % 40}",
                "张三",
                "李四",
                date(2027, 6, 30),
                "限期整改",
            ]
        )
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def run(rows: int) -> None:
    folder = tempfile.mkdtemp()
    url = f"sqlite+aiosqlite:///{folder}/bench.sqlite3"
    await upgrade(url)
    factory = make_session_factory(make_engine(url))
    data = workbook(rows)
    started = time.perf_counter()
    parsed = read_workbook(data, allow_admin=False)
    print(f"read {rows} rows: {time.perf_counter() - started:.1f} s")
    clock = ManualClock(datetime(2026, 11, 30, 10, tzinfo=ZoneInfo("Asia/Shanghai")))
    for label in ("first import", "re-import"):
        started = time.perf_counter()
        await importing.import_workbook(
            uow=SqlUnitOfWork(factory), clock=clock, workbook=parsed, campaign_name="bench"
        )
        print(f"{label}: {time.perf_counter() - started:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--rows", type=int, default=10_000)
    asyncio.run(run(parser.parse_args().rows))


if __name__ == "__main__":
    main()
