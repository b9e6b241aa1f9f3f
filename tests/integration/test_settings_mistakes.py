"""Settings written by habit are forgiven; real mistakes are one sentence naming the setting.

Each case runs the real command line (`python -m bot`) in a fresh process with a clean
environment, and checks the answer is one line, names the setting and the fix, and shows no
traceback.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PG_URL

ROOT = Path(__file__).resolve().parents[2]
FAKE_TOKEN = "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghi"


def rectibot(tmp_path: Path, *argv: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *argv],
        cwd=tmp_path,
        env={
            "PATH": "",
            "PYTHONPATH": str(ROOT),
            "DATA_DIR": str(tmp_path / "data"),
            "HTTP_LISTEN": "127.0.0.1:0",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def one_sentence(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if "alembic" not in line]
    assert len(lines) == 1, result.stderr
    return lines[0]


def plain(url: str) -> str:
    """The usual SQLAlchemy form of a test URL (without the async driver)."""
    return url.replace("+aiosqlite", "").replace("+asyncpg", "")


async def test_the_usual_url_forms_reach_the_async_drivers(
    database_url: str, tmp_path: Path
) -> None:
    result = rectibot(tmp_path, "db", "upgrade", DATABASE_URL=plain(database_url))
    assert result.returncode == 0, result.stderr
    assert "数据库结构已是最新版本" in result.stdout
    if database_url.startswith("postgresql"):  # Heroku's and libpq's spelling too
        heroku = plain(database_url).replace("postgresql://", "postgres://")
        assert rectibot(tmp_path, "db", "upgrade", DATABASE_URL=heroku).returncode == 0


@pytest.mark.parametrize(
    ("setting", "value", "expected"),
    [
        ("TIMEZONE", "Beijing", "China's time zone is Asia/Shanghai"),
        ("TIMEZONE", "Asia/Shangai", "did you mean Asia/Shanghai?"),
        ("ADMIN_TELEGRAM_IDS", "abc", "'abc' is not a Telegram user id"),
        ("ADMIN_TELEGRAM_IDS", "@wangjg", "'@wangjg' is not a Telegram user id"),
        ("DIGEST_GROUP_CHAT_IDS", "领导群", "is not a group's chat id"),
        ("DATABASE_URL", "mysql://root@localhost/x", "mysql:// databases are not supported"),
        ("TELEGRAM_API_BASE_URL", "localhost:8081", "must start with http:// or https://"),
    ],
)
def test_a_setting_written_wrong_is_one_sentence_naming_it(
    tmp_path: Path, setting: str, value: str, expected: str
) -> None:
    line = one_sentence(rectibot(tmp_path, "run", **{setting: value}))
    assert setting in line
    assert expected in line


def test_a_postgresql_port_where_nothing_listens_is_one_sentence(tmp_path: Path) -> None:
    url = "postgresql://postgres@127.0.0.1:9/rectibot"  # port 9 (discard) is closed
    line = one_sentence(rectibot(tmp_path, "run", DATABASE_URL=url, TELEGRAM_BOT_TOKEN=FAKE_TOKEN))
    assert line == (
        "rectibot: DATABASE_URL: nothing answers at 127.0.0.1:9 (connection refused); "
        "is PostgreSQL running there?"
    )


def test_an_unknown_database_host_is_one_sentence(tmp_path: Path) -> None:
    url = "postgresql://postgres@no-such-host.invalid/rectibot"
    line = one_sentence(rectibot(tmp_path, "db", "upgrade", DATABASE_URL=url))
    assert "the host 'no-such-host.invalid' is unknown" in line


def test_a_database_that_does_not_exist_says_how_to_create_it(tmp_path: Path) -> None:
    from tests.conftest import _postgres_problem

    if _postgres_problem():
        pytest.skip("PostgreSQL unavailable")
    url = plain(PG_URL).rsplit("/", 1)[0] + "/rectibot_no_such_database"
    line = one_sentence(rectibot(tmp_path, "db", "upgrade", DATABASE_URL=url))
    assert "the database 'rectibot_no_such_database' does not exist" in line
    assert "createdb" in line


def test_a_sqlite_file_in_a_folder_that_cannot_be_made_is_one_sentence(tmp_path: Path) -> None:
    blocker = tmp_path / "plain-file"
    blocker.write_text("not a folder")
    url = f"sqlite:///{blocker}/rectibot.sqlite3"
    line = one_sentence(rectibot(tmp_path, "run", DATABASE_URL=url, TELEGRAM_BOT_TOKEN=FAKE_TOKEN))
    assert f"DATABASE_URL: cannot create the SQLite file {blocker}/rectibot.sqlite3" in line
    line = one_sentence(rectibot(tmp_path, "db", "upgrade", DATABASE_URL=url))
    assert "DATABASE_URL" in line


def test_no_route_to_telegram_says_so_and_how_mainland_offices_get_there(tmp_path: Path) -> None:
    line = one_sentence(
        rectibot(
            tmp_path,
            "run",
            TELEGRAM_BOT_TOKEN=FAKE_TOKEN,
            TELEGRAM_API_BASE_URL="http://127.0.0.1:9/bot",
        )
    )
    assert "Cannot reach the Bot API at http://127.0.0.1:9" in line
    assert "mainland China" in line
    assert FAKE_TOKEN.split(":")[1] not in line


def test_a_holiday_file_that_is_not_toml_is_one_sentence(tmp_path: Path) -> None:
    holidays = tmp_path / "holidays.toml"
    holidays.write_text("2027 = 国务院办公厅通知", encoding="utf-8")
    line = one_sentence(
        rectibot(
            tmp_path, "run", TELEGRAM_BOT_TOKEN=FAKE_TOKEN, HOLIDAY_OVERRIDES_FILE=str(holidays)
        )
    )
    assert line.startswith("rectibot: HOLIDAY_OVERRIDES_FILE cannot be used:")
    assert "not valid TOML" in line


def test_a_milestone_limit_written_as_words_is_one_sentence_saying_how_to_write_it(
    tmp_path: Path,
) -> None:
    line = one_sentence(
        rectibot(
            tmp_path, "run", TELEGRAM_BOT_TOKEN=FAKE_TOKEN, MILESTONES_AUDIT="plan=三周, report=2m"
        )
    )
    assert line.startswith("rectibot: MILESTONES_AUDIT cannot be used:")
    assert "e.g. 14d, 15wd, 2m" in line


def test_a_grade_rule_with_a_strict_comparison_is_one_sentence_naming_the_inputs(
    tmp_path: Path,
) -> None:
    line = one_sentence(
        rectibot(tmp_path, "run", TELEGRAM_BOT_TOKEN=FAKE_TOKEN, GRADE_A="completion>90")
    )
    assert line.startswith("rectibot: GRADE_A cannot be used:")
    assert "completion, on_time, reopened, escalated, milestones_missed" in line
