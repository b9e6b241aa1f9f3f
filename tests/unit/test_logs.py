"""Log lines: tokens masked in text and JSON, one JSON object per line."""

from __future__ import annotations

import json
import logging
import sys

from bot import logs

REAL_SHAPED = "7212345678:AAH3kq9Zx-Yb2Lm4Np6Qr8St0Uv1Wx3Yz5Ab"


def record(message: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord("telegram.Bot", logging.INFO, __file__, 1, message, args, None)


def test_a_token_shaped_string_keeps_its_bot_id_and_loses_its_secret() -> None:
    line = logs.mask_tokens(f"POST https://api.telegram.org/bot{REAL_SHAPED}/getMe")
    assert line == "POST https://api.telegram.org/bot7212345678:***/getMe"


def test_the_configured_token_is_masked_whatever_its_shape() -> None:
    logs.configure("INFO", token="42:short-secret")
    try:
        formatted = logging.getLogger().handlers[0].format(record("url %s", "bot42:short-secret"))
    finally:
        logs.configure("WARNING")
    assert "short-secret" not in formatted
    assert "bot42:***" in formatted


def test_json_lines_are_one_object_each_and_masked() -> None:
    try:
        raise RuntimeError(f"failed at bot{REAL_SHAPED}")
    except RuntimeError:
        entry = record("call failed")
        entry.exc_info = sys.exc_info()
    line = logs.JsonFormatter().format(entry)
    assert "\n" not in line
    parsed = json.loads(line)
    assert parsed["level"] == "INFO"
    assert parsed["message"] == "call failed"
    assert "7212345678:***" in parsed["exception"]
    assert "AAH3kq9" not in line
