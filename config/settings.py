"""The one settings object, read from the environment and `.env`."""

from __future__ import annotations

import difflib
import re
from datetime import time
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_API_BASE_URL = "https://api.telegram.org"


class Settings(BaseSettings):
    """Everything the bot can be configured with (see the README's table)."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str = DEFAULT_API_BASE_URL
    telegram_bot_username: str | None = None
    # Webhook mode when set (else long polling); Telegram sends the secret in a header.
    telegram_webhook_url: str = ""
    telegram_webhook_secret: SecretStr | None = None
    # Health, metrics and the webhook listen here; "off" turns the listener off (polling only).
    http_listen: str = "127.0.0.1:8080"
    database_url: str = ""
    data_dir: Path = Path("data")
    timezone: str = "Asia/Shanghai"
    default_language: Literal["zh", "en"] = "zh"
    admin_telegram_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    log_format: Literal["text", "json"] = "text"
    invite_valid_days: int = Field(default=14, ge=1, le=365)
    report_merge_seconds: int = Field(default=60, ge=0, le=3600)
    max_download_bytes: int = Field(default=20 * 1024 * 1024, ge=0)
    # Bot API uploads stop at 50 MB: dossiers are split into zips under this size.
    dossier_part_bytes: int = Field(default=45 * 1024 * 1024, ge=64 * 1024, le=49 * 1024 * 1024)
    # The rhythm (times in TIMEZONE; weekdays mon..sun)
    checkin_at: str = "fri 09:30"
    nudge_at: str = "fri 16:00"
    unit_head_notice_at: str = "mon 09:30"
    digest_at: str = "mon 09:00"
    # 约谈提醒: after the day's check-in and nudge; empty turns it off.
    escalation_at: str = "fri 17:00"
    escalation_periods: int = Field(default=2, ge=1, le=8)
    # Measures with nothing but "no change" reports this many weeks in a row are stalled.
    stalled_weeks: int = Field(default=4, ge=1, le=52)
    # The round's calendar, counted from the feedback date: d days, wd working days, m months.
    milestones_inspection: str = "plan=14d, report=2m"
    milestones_audit: str = "plan=15wd, report=2m"
    immediate_fix_within: str = "1m"
    # 回头看: rounds that switched it on (/lookback 自动 开) re-check measures this long after
    # their sign-off.
    lookback_months: int = Field(default=6, ge=1, le=36)
    # Grades at the end of a round: A when every GRADE_A condition holds, else B when every
    # GRADE_B one does, else C. Inputs: completion, on_time (percent), reopened, escalated,
    # milestones_missed.
    grade_a: str = "completion>=90, on_time>=80, reopened<=0, escalated<=1"
    grade_b: str = "completion>=60, on_time>=60"
    bulletin_time: time = time(16, 0)
    quarterly_time: time = time(16, 30)  # 季总结 on the last working day of each quarter
    deadline_warning_time: time = time(9, 0)
    working_hours: str = "08:30-18:00"
    catch_up_hours: int = Field(default=24, ge=0, le=24 * 14)
    signoff_pending_days: int = Field(default=3, ge=1, le=60)
    holiday_overrides_file: Path | None = None
    digest_group_chat_ids: Annotated[tuple[int, ...], NoDecode] = ()
    # Delivery
    send_rate_per_second: float = Field(default=25.0, gt=0, le=30)
    private_chat_interval_seconds: float = Field(default=1.0, ge=0)
    group_messages_per_minute: int = Field(default=20, ge=1, le=20)
    # Messages a process claimed this long ago and did not send are taken over by another.
    outbox_claim_timeout_seconds: int = Field(default=300, ge=10, le=3600)

    @field_validator("admin_telegram_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(numeric_ids(value, "a Telegram user id"))
        if isinstance(value, int):
            return frozenset({value})
        return value

    @field_validator("digest_group_chat_ids", mode="before")
    @classmethod
    def _split_chats(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(numeric_ids(value, "a group's chat id"))
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("log_format", "default_language", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        return async_database_url(value)

    @field_validator("checkin_at", "nudge_at", "unit_head_notice_at", "digest_at")
    @classmethod
    def _weekly(cls, value: str) -> str:
        parse_weekly(value)
        return value.strip().lower()

    @field_validator("escalation_at")
    @classmethod
    def _weekly_or_off(cls, value: str) -> str:
        if not value.strip():
            return ""
        parse_weekly(value)
        return value.strip().lower()

    @field_validator("working_hours")
    @classmethod
    def _hours(cls, value: str) -> str:
        start, end = parse_hours(value)
        if start >= end:
            raise ValueError("the start must come before the end, like 08:30-18:00")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        value = value.strip()
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}{zone_hint(value)}") from exc
        return value

    @field_validator("telegram_api_base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        value = value.strip()
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        # PTB's own convention ends the base URL with /bot; the bot adds /bot<token> itself.
        return re.sub(r"/bot(?:\d+:[\w-]+)?/*$", "", value.rstrip("/")).rstrip("/")

    @field_validator("telegram_webhook_url")
    @classmethod
    def _webhook_url(cls, value: str) -> str:
        value = value.strip()
        if value and not value.startswith(("https://", "http://")):
            raise ValueError("must be the public https:// address Telegram posts updates to")
        return value

    @field_validator("telegram_webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not re.fullmatch(
            r"[A-Za-z0-9_-]{1,256}", value.get_secret_value()
        ):
            raise ValueError(
                "Telegram allows 1-256 letters, digits, _ and -; make one with "
                "python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"
            )
        return value

    @field_validator("http_listen")
    @classmethod
    def _listen(cls, value: str) -> str:
        parse_listen(value)
        return value.strip()

    @model_validator(mode="after")
    def _webhook_complete(self) -> Settings:
        if self.telegram_webhook_url and self.telegram_webhook_secret is None:
            raise ValueError(
                "TELEGRAM_WEBHOOK_SECRET is required with TELEGRAM_WEBHOOK_URL (Telegram sends it "
                "with every update, so strangers cannot post fake ones); make one with "
                "python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"
            )
        if self.telegram_webhook_url and parse_listen(self.http_listen) is None:
            raise ValueError("HTTP_LISTEN cannot be off in webhook mode: updates arrive there")
        return self

    @property
    def listen(self) -> tuple[str, int] | None:
        """Where the HTTP listener binds, or None when it is off."""
        return parse_listen(self.http_listen)

    @property
    def webhook_path(self) -> str:
        """The path of the webhook URL, which the listener serves."""
        return urlsplit(self.telegram_webhook_url).path or "/"

    @field_validator("telegram_bot_username")
    @classmethod
    def _strip_at(cls, value: str | None) -> str | None:
        return value.lstrip("@") or None if value else None

    @property
    def tz(self) -> ZoneInfo:
        """Return the configured time zone."""
        return ZoneInfo(self.timezone)

    @property
    def effective_database_url(self) -> str:
        """Return DATABASE_URL, or the default SQLite file under the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'rectibot.sqlite3').resolve()}"

    @property
    def uses_local_bot_api(self) -> bool:
        """Tell whether a self-hosted Bot API server (no 20 MB download limit) is used."""
        return self.telegram_api_base_url != DEFAULT_API_BASE_URL

    def require_token(self) -> str:
        """Return the bot token or raise a one-sentence ConfigError."""
        if self.telegram_bot_token is None or not self.telegram_bot_token.get_secret_value():
            raise ConfigError(
                "TELEGRAM_BOT_TOKEN is not set: put it in .env or the environment "
                "(get one from @BotFather, see README)."
            )
        token = self.telegram_bot_token.get_secret_value()
        if ":" not in token:
            raise ConfigError("TELEGRAM_BOT_TOKEN looks wrong: it should be like 123456:ABC-DEF…")
        return token


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

_SQLITE = ("sqlite", "sqlite+pysqlite", "sqlite+aiosqlite")
_POSTGRES = (
    "postgres",
    "postgresql",
    "postgresql+asyncpg",
    "postgresql+psycopg",
    "postgresql+psycopg2",
    "postgresql+pg8000",
)


def async_database_url(url: str) -> str:
    """Map the usual SQLAlchemy URL forms onto the async drivers rectibot ships with.

    `sqlite:///x.db` becomes `sqlite+aiosqlite:///x.db`; `postgres://`, `postgresql://` and the
    sync drivers' forms become `postgresql+asyncpg://` (libpq's `sslmode=` becomes `ssl=`).
    """
    value = url.strip()
    if not value:
        return ""
    scheme, sep, rest = value.partition("://")
    if not sep:
        raise ValueError(
            "it should look like sqlite:///./data/rectibot.sqlite3 or postgresql://user@host/db"
        )
    if scheme.lower() in _SQLITE:
        return f"sqlite+aiosqlite://{rest}"
    if scheme.lower() in _POSTGRES:
        return "postgresql+asyncpg://" + re.sub(r"([?&])sslmode=", r"\1ssl=", rest)
    raise ValueError(
        f"{scheme}:// databases are not supported: use sqlite:///PATH or postgresql://USER@HOST/DB"
    )


def numeric_ids(value: str, what: str) -> list[int]:
    """Split "123, 456; -100789" into ids; anything else is one sentence naming it."""
    ids = []
    for part in re.split(r"[,;，；\s]+", value.strip()):
        if not part:
            continue
        if not re.fullmatch(r"-?\d+", part):
            raise ValueError(
                f"{part!r} is not {what}: list numbers separated by commas, like 123456789 "
                "(a person's number shows in the bot's /start reply to an unknown user)"
            )
        ids.append(int(part))
    return ids


# What people type for China's time zone.
_CHINA = {
    "beijing", "china", "shanghai", "cst", "utc+8", "gmt+8", "utc+08:00", "+08:00", "+8",
    "北京", "北京时间", "中国", "上海", "chongqing", "asia/beijing",
}  # fmt: skip


def zone_hint(value: str) -> str:
    """A suggestion for an unknown time zone name ("" when nothing is close)."""
    if value.strip().lower() in _CHINA:
        return "; China's time zone is Asia/Shanghai"
    from zoneinfo import available_timezones

    close = difflib.get_close_matches(value, sorted(available_timezones()), n=1, cutoff=0.75)
    return f"; did you mean {close[0]}?" if close else "; use a name like Asia/Shanghai"


def parse_weekly(value: str) -> tuple[int, time]:
    """Parse "fri 09:30" into (weekday with Monday = 0, time)."""
    parts = value.strip().lower().split()
    if len(parts) != 2 or parts[0][:3] not in WEEKDAYS:
        raise ValueError(f"{value!r} should look like 'fri 09:30'")
    return WEEKDAYS.index(parts[0][:3]), time.fromisoformat(parts[1])


def parse_listen(value: str) -> tuple[str, int] | None:
    """Parse "127.0.0.1:8080", "0.0.0.0:8080" (every interface) or "8080" (loopback); "off" is None."""
    text = value.strip()
    if text.lower() in ("off", "none", "no", "false", ""):
        return None
    host, sep, port = text.rpartition(":")
    if not sep:
        host, port = "127.0.0.1", text
    host = host.strip("[]") or "127.0.0.1"
    if not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ValueError(f"{value!r} should look like 127.0.0.1:8080 (or off)")
    return host, int(port)


def parse_hours(value: str) -> tuple[time, time]:
    """Parse "08:30-18:00" into two times."""
    start, sep, end = value.partition("-")
    if not sep:
        raise ValueError(f"{value!r} should look like '08:30-18:00'")
    return time.fromisoformat(start.strip()), time.fromisoformat(end.strip())


class ConfigError(Exception):
    """A setting is missing or invalid; the message is one sentence naming it."""


def load_settings(**overrides: object) -> Settings:
    """Read the settings, turning validation errors into one clear ConfigError."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        message = str(first["msg"]).removeprefix("Value error, ").rstrip(".")
        if not first["loc"]:  # a rule between settings names them itself
            raise ConfigError(f"{message}.") from None
        raise ConfigError(
            f"Setting {str(first['loc'][0]).upper()} is invalid: {message}."
        ) from None
    except ValueError as exc:  # e.g. a non-integer in ADMIN_TELEGRAM_IDS
        raise ConfigError(f"A setting is invalid: {exc}.") from None
