"""Settings: defaults, parsing and one-sentence errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.settings import ConfigError, load_settings, parse_listen


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name in (
        "TELEGRAM_BOT_TOKEN",
        "DATABASE_URL",
        "ADMIN_TELEGRAM_IDS",
        "TIMEZONE",
        "DEFAULT_LANGUAGE",
        "LOG_LEVEL",
        "TELEGRAM_API_BASE_URL",
        "TELEGRAM_WEBHOOK_URL",
        "TELEGRAM_WEBHOOK_SECRET",
        "HTTP_LISTEN",
    ):
        monkeypatch.delenv(name, raising=False)


def test_defaults_use_a_sqlite_file_under_data() -> None:
    settings = load_settings()
    assert settings.effective_database_url.startswith("sqlite+aiosqlite:///")
    assert settings.effective_database_url.endswith("data/rectibot.sqlite3")
    assert (settings.timezone, settings.default_language) == ("Asia/Shanghai", "zh")


def test_admin_ids_are_read_from_a_comma_separated_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADMIN_TELEGRAM_IDS", "1, 22 ,333")
    assert load_settings().admin_telegram_ids == frozenset({1, 22, 333})


def test_settings_come_from_the_env_file(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("TELEGRAM_BOT_TOKEN=1:abc\nDEFAULT_LANGUAGE=en\n")
    settings = load_settings()
    assert settings.require_token() == "1:abc"
    assert settings.default_language == "en"


@pytest.mark.parametrize(
    ("name", "value", "named"),
    [
        ("ADMIN_TELEGRAM_IDS", "12,abc", "ADMIN_TELEGRAM_IDS"),
        ("TIMEZONE", "Mars/Olympus", "TIMEZONE"),
        ("DEFAULT_LANGUAGE", "fr", "DEFAULT_LANGUAGE"),
        ("TELEGRAM_API_BASE_URL", "ftp://x", "TELEGRAM_API_BASE_URL"),
    ],
)
def test_an_invalid_value_is_one_sentence_naming_the_setting(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, named: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=named):
        load_settings()


def test_a_missing_token_is_explained() -> None:
    with pytest.raises(ConfigError, match="TELEGRAM_BOT_TOKEN is not set"):
        load_settings().require_token()


def test_the_listener_address_takes_the_usual_forms() -> None:
    assert parse_listen("127.0.0.1:8080") == ("127.0.0.1", 8080)
    assert parse_listen("0.0.0.0:9000") == ("0.0.0.0", 9000)
    assert parse_listen("8081") == ("127.0.0.1", 8081)
    assert parse_listen(":8082") == ("127.0.0.1", 8082)
    assert parse_listen("[::1]:8083") == ("::1", 8083)
    assert parse_listen("off") is None
    with pytest.raises(ValueError, match=r"should look like 127\.0\.0\.1:8080"):
        parse_listen("localhost:http")


def test_a_webhook_needs_its_secret_and_a_listener() -> None:
    with pytest.raises(ConfigError, match="TELEGRAM_WEBHOOK_SECRET is required"):
        load_settings(telegram_webhook_url="https://bot.example.org/hook")
    with pytest.raises(ConfigError, match="HTTP_LISTEN cannot be off"):
        load_settings(
            telegram_webhook_url="https://bot.example.org/hook",
            telegram_webhook_secret="abc",
            http_listen="off",
        )
    settings = load_settings(
        telegram_webhook_url="https://bot.example.org/tg/hook", telegram_webhook_secret="abc"
    )
    assert settings.webhook_path == "/tg/hook"
    with pytest.raises(ConfigError, match="TELEGRAM_WEBHOOK_SECRET is invalid: Telegram allows"):
        load_settings(telegram_webhook_url="https://x.org/h", telegram_webhook_secret="a b")
