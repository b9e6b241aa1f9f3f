"""Logging: one line per event, as text or JSON, with bot tokens masked wherever they appear."""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime

# A bot token is "<bot id>:<35 characters>"; URLs of the Bot API carry it whole.
_TOKEN = re.compile(r"(?<!\d)(\d{5,}):[A-Za-z0-9_-]{30,}")


_SECRETS: list[str] = []  # the configured token's secret part, masked whatever its shape


def mask_tokens(line: str) -> str:
    """Keep a token's bot id (which bot) and hide its secret part."""
    for secret in _SECRETS:
        line = line.replace(secret, "***")
    return _TOKEN.sub(r"\1:***", line)


class TextFormatter(logging.Formatter):
    """The usual text line, tokens masked (in tracebacks too)."""

    def format(self, record: logging.LogRecord) -> str:
        return mask_tokens(super().format(record))


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for log collectors; tokens masked."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return mask_tokens(json.dumps(entry, ensure_ascii=False))


def configure(level: str, fmt: str = "text", token: str | None = None) -> None:
    """Set up the root logger once for the process; `token` is never written whole."""
    secret = token.partition(":")[2] if token else ""
    _SECRETS[:] = [secret] if len(secret) >= 4 else []
    handler = logging.StreamHandler()
    handler.setFormatter(
        JsonFormatter()
        if fmt == "json"
        else TextFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per API call is noise
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # "Adding job tentatively"…
