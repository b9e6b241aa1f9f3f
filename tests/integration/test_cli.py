"""The rectibot command line on a real database."""

from __future__ import annotations

import asyncio
import io
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from bot.cli import main
from bot.clock import SystemClock
from domain.intake.workbook import read_workbook
from domain.people import accounts
from storage.database import make_engine, make_session_factory
from storage.uow import SqlUnitOfWork
from tests.conftest import PUTUO_XLSX

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database_url: str) -> str:
    """Point the CLI at the test database, with no token and no stray .env."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("TELEGRAM_BOT_USERNAME", "rectibot_test_bot")
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.delenv("ADMIN_TELEGRAM_IDS", raising=False)
    monkeypatch.setenv("DEFAULT_LANGUAGE", "zh")  # the CLI speaks the bot's default language
    return database_url


async def cli(*argv: str) -> int:
    """Run the CLI in a worker thread (it runs its own event loop)."""
    return await asyncio.to_thread(main, list(argv))


async def campaign_count(url: str, name: str) -> int:
    engine = make_engine(url)
    try:
        async with SqlUnitOfWork(make_session_factory(engine)) as uow:
            campaign = await uow.campaigns.by_name(name)
            return len(await uow.tasks.views_for_campaign(campaign.id)) if campaign else -1
    finally:
        await engine.dispose()


async def test_import_loads_the_putuo_workbook_and_reimport_changes_nothing(
    env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await cli("import", str(PUTUO_XLSX), "--campaign", "普陀") == 0
    said = capsys.readouterr().out
    assert "已导入到“普陀”（新建）：41 个问题，新增任务 152 条，更新 0 条；新增人员 55 人" in said
    assert await cli("import", str(PUTUO_XLSX)) == 0  # the only open campaign by default
    assert "新增任务 0 条，更新 152 条" in capsys.readouterr().out
    assert await campaign_count(env, "普陀") == 152


async def test_a_bad_workbook_is_rejected_with_row_column_and_reason(
    env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = openpyxl.load_workbook(io.BytesIO(PUTUO_XLSX.read_bytes()))
    book["整改任务"]["H5"] = "明年春天"
    book["整改任务"]["F7"] = "查无此人"
    bad = tmp_path / "bad.xlsx"
    book.save(bad)
    assert await cli("import", str(bad), "--campaign", "普陀") == 1
    err = capsys.readouterr().err
    assert "工作簿未导入（未写入任何数据）" in err
    assert "整改任务 第 5 行 [整改时限]：整改时限无法识别：“明年春天”" in err
    assert await campaign_count(env, "普陀") == -1


async def test_an_owner_missing_from_the_people_sheet_rejects_the_file(
    env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = openpyxl.load_workbook(io.BytesIO(PUTUO_XLSX.read_bytes()))
    book["整改任务"]["F7"] = "查无此人"
    bad = tmp_path / "bad.xlsx"
    book.save(bad)
    assert await cli("import", str(bad), "--campaign", "普陀") == 1
    assert "第 7 行 [责任人]：“查无此人”不在人员名单中" in capsys.readouterr().err
    assert await campaign_count(env, "普陀") == -1


async def test_a_missing_file_is_one_clear_sentence(
    env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await cli("import", "nope.xlsx", "--campaign", "x") == 1
    assert "无法读取 nope.xlsx" in capsys.readouterr().err


async def test_template_writes_an_importable_workbook(env: str, tmp_path: Path) -> None:
    assert await cli("template", "-o", "t.xlsx") == 0
    data = (tmp_path / "t.xlsx").read_bytes()
    parsed = read_workbook(data, allow_admin=False)
    assert (len(parsed.people), len(parsed.tasks)) == (1, 1)


async def test_invite_prints_a_working_single_use_link(
    env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await cli("import", str(PUTUO_XLSX), "--campaign", "普陀") == 0
    capsys.readouterr()
    assert await cli("invite", "王建国") == 0
    out = capsys.readouterr().out
    assert "https://t.me/rectibot_test_bot?start=" in out
    code = out.split("?start=")[1].split()[0]
    engine = make_engine(env)
    try:
        person = await accounts.bind_account(
            uow=SqlUnitOfWork(make_session_factory(engine)),
            clock=SystemClock(),
            code=code,
            telegram_user_id=42,
            username=None,
        )
    finally:
        await engine.dispose()
    assert person.name == "王建国"


async def test_invite_all_writes_a_workbook_of_links(env: str, tmp_path: Path) -> None:
    assert await cli("import", str(PUTUO_XLSX), "--campaign", "普陀") == 0
    assert await cli("invite", "--all", "-o", "links.xlsx") == 0
    sheet = openpyxl.load_workbook(tmp_path / "links.xlsx").active
    links = [row[3] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(links) == 55
    assert all(str(link).startswith("https://t.me/rectibot_test_bot?start=") for link in links)


async def test_invite_for_an_unknown_name_says_so(
    env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await cli("import", str(PUTUO_XLSX), "--campaign", "普陀") == 0
    capsys.readouterr()
    assert await cli("invite", "华") == 1  # five names contain 华
    assert "您要找的是否是：" in (said := capsys.readouterr().err)
    assert "、" in said  # the names listed the Chinese way
    assert await cli("invite", "不存在的人") == 1
    assert "没有唯一与“不存在的人”匹配的人员" in capsys.readouterr().err


async def test_run_without_a_token_says_what_is_missing(
    env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await cli("run") == 2
    err = capsys.readouterr().err
    assert "TELEGRAM_BOT_TOKEN is not set" in err
    assert "Traceback" not in err


def test_python_m_bot_with_an_invalid_setting_prints_one_sentence(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env={"PATH": "", "PYTHONPATH": str(ROOT), "ADMIN_TELEGRAM_IDS": "12,abc"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "ADMIN_TELEGRAM_IDS" in result.stderr


async def test_export_writes_a_ledger_that_reads_back_as_the_import_workbook(
    env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await cli("import", str(PUTUO_XLSX), "--campaign", "普陀") == 0
    capsys.readouterr()
    assert await cli("export", "-o", "ledger.xlsx") == 0  # the only open campaign by default
    assert "“普陀”的台账已写入 ledger.xlsx" in capsys.readouterr().out
    ledger = read_workbook((tmp_path / "ledger.xlsx").read_bytes(), allow_admin=False)
    original = read_workbook(PUTUO_XLSX.read_bytes(), allow_admin=True)
    assert [t.number for t in ledger.tasks] == [t.number for t in original.tasks]
    sheets = openpyxl.load_workbook(tmp_path / "ledger.xlsx").sheetnames
    assert sheets == ["整改任务", "汇总", "人员"]


async def test_export_without_a_file_name_writes_a_dated_ledger(
    env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await cli("import", str(PUTUO_XLSX), "--campaign", "普陀") == 0
    assert await cli("export", "--campaign", "普陀") == 0
    [written] = await asyncio.to_thread(lambda: list(tmp_path.glob("整改台账-普陀-*.xlsx")))
    assert written.name in capsys.readouterr().out


async def test_export_of_an_unknown_campaign_names_the_open_ones(
    env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await cli("import", str(PUTUO_XLSX), "--campaign", "普陀") == 0
    capsys.readouterr()
    assert await cli("export", "--campaign", "不存在") == 1
    assert "未关闭的轮次：普陀" in capsys.readouterr().err


async def test_report_writes_the_rounds_report_and_names_the_open_rounds_when_unclear(
    env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from domain.intake import notices

    assert await cli("import", str(PUTUO_XLSX), "--campaign", "普陀") == 0
    output = tmp_path / "report.docx"
    assert await cli("report", "--kind", "final", "-o", str(output)) == 0
    assert f"报告已写入 {output}" in capsys.readouterr().out
    outline = notices.read_outline(output.read_bytes(), output.name)
    assert len(outline.problems) == 41
    assert await cli("report", "--campaign", "不存在") == 1
    assert "未关闭的轮次：普陀" in capsys.readouterr().err


async def test_with_english_as_the_default_language_the_cli_speaks_english_throughout(
    env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DEFAULT_LANGUAGE", "en")
    book = openpyxl.load_workbook(io.BytesIO(PUTUO_XLSX.read_bytes()))
    book["整改任务"]["H5"] = "明年春天"
    bad = tmp_path / "bad.xlsx"
    book.save(bad)
    assert await cli("import", str(bad), "--campaign", "普陀") == 1
    err = capsys.readouterr().err
    assert "the workbook was not imported (nothing was written)" in err
    assert "整改任务 row 5 [整改时限]: cannot read the deadline “明年春天”; write a date" in err
    assert await cli("import", str(PUTUO_XLSX), "--campaign", "普陀") == 0
    said = capsys.readouterr().out
    assert "Imported into '普陀' (new): 41 problems, 152 tasks added, 0 updated" in said
    assert await cli("invite", "不存在的人") == 1
    assert "no single person matches '不存在的人'" in capsys.readouterr().err
    assert await cli("export", "--campaign", "不存在") == 1
    assert "(open: 普陀)" in capsys.readouterr().err
