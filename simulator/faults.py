"""Injected failures: rules consulted before every Bot API call."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class FaultRule:
    """One injected failure; ``None`` filters match anything.

    With ``delay > 0`` the rule is a slow answer: the server sleeps, then handles the call
    normally, even if the client timed out and hung up meanwhile - the real API would have
    delivered the message too. So a client that gives up and retries has sent the message
    twice, and ``inbox``/``sent`` show both copies. Otherwise the rule answers with
    ``error_code``/``description``; injected 429s are not listed in ``rate_limited``.
    ``times == 0`` keeps the rule active until :meth:`Faults.clear`.
    """

    method: str | None = None
    chat_id: int | None = None
    error_code: int = 500
    description: str = "Internal Server Error"
    retry_after: int | None = None
    times: int = 1
    delay: float = 0.0
    hits: int = 0

    def matches(self, method: str, params: dict[str, Any]) -> bool:
        """Tell whether this rule applies to a call of ``method`` with ``params``."""
        if self.method is not None and self.method.lower() != method.lower():
            return False
        if self.chat_id is None:
            return True
        try:
            return int(params.get("chat_id", "")) == self.chat_id
        except (TypeError, ValueError):
            return False

    def payload(self) -> dict[str, Any]:
        """Build the error body Telegram would send for this rule."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


class Faults:
    """Ordered list of :class:`FaultRule`; the first matching rule fires."""

    def __init__(self) -> None:
        self.rules: list[FaultRule] = []
        self.fired: list[tuple[str, FaultRule]] = []

    def add(
        self,
        method: str | None = None,
        chat_id: int | None = None,
        error_code: int = 500,
        description: str = "Internal Server Error",
        retry_after: int | None = None,
        times: int = 1,
        delay: float = 0.0,
    ) -> FaultRule:
        """Make the next ``times`` matching calls fail (or answer slowly with ``delay``)."""
        if error_code == 429 and retry_after is None:
            retry_after = 1
        if error_code == 429 and description == "Internal Server Error":
            description = f"Too Many Requests: retry after {retry_after}"
        rule = FaultRule(method, chat_id, error_code, description, retry_after, times, delay)
        self.rules.append(rule)
        return rule

    def clear(self) -> None:
        """Drop every pending rule."""
        self.rules.clear()

    def take(self, method: str, params: dict[str, Any]) -> FaultRule | None:
        """Consume and return the first rule matching this call, if any."""
        for rule in self.rules:
            if rule.matches(method, params):
                rule.hits += 1
                if rule.times and rule.hits >= rule.times:
                    self.rules.remove(rule)
                self.fired.append((method, rule))
                return rule
        return None
