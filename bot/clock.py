"""Clocks: the real one, and a settable one for tests and the demo."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class SystemClock:
    """The wall clock (UTC, aware)."""

    def now(self) -> datetime:
        """Return the current time."""
        return datetime.now(UTC)


class ManualClock:
    """A clock that only moves when told to."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = start

    def now(self) -> datetime:
        """Return the current virtual time."""
        return self._now

    def set(self, moment: datetime) -> None:
        """Jump to a moment."""
        self._now = moment

    def advance(self, delta: timedelta) -> None:
        """Move forward by `delta`."""
        self._now += delta
