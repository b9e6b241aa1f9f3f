"""Telegram's flood limits: token buckets per chat and for the whole bot.

Telegram documents three limits: about 30 messages per second overall, one message per
second in a single chat ("we may allow short bursts that go over this limit"), and 20
messages per minute in a group. Each is modelled as a token bucket (in its GCRA form: one
"theoretical arrival time" per key) that refills at the limit's rate and holds
``max(burst, one window's allowance)`` tokens:

* overall: 30 per second, holding 30 - the whole bot may send 30 at once, then 30/s;
* private chat: 1 per second, holding ``burst`` (3) - a reply made of a text, a document
  and a keyboard goes through, a loop of notifications to one user does not;
* group (negative chat id): 20 per minute, holding 20 - a group may take 20 at once, then
  one every 3 s.

So no limit is stricter than its own wording, and a sender paced exactly at a limit keeps
a bucket's worth less one (at least ``burst - 1``) of slack for network and scheduling
jitter. The price: after a quiet spell, a full bucket plus its refill lets up to twice the
allowance through in the first window (e.g. 40 messages in a group's first minute); a
sustained flood is refused as soon as one bucket is spent.

A call is counted when it is accepted: a refused call (429, or any other error) costs
nothing, and an album (sendMediaGroup) costs one token however many items it has.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# Sending methods that Telegram counts; reads, callback answers and chat actions are free.
LIMITED_METHODS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendMediaGroup",
        "sendAudio",
        "sendVideo",
        "sendVoice",
        "sendAnimation",
        "sendVideoNote",
        "sendSticker",
        "sendLocation",
        "sendVenue",
        "sendContact",
        "sendPoll",
        "sendDice",
        "copyMessage",
        "copyMessages",
        "forwardMessage",
        "forwardMessages",
        "editMessageText",
        "editMessageCaption",
        "editMessageMedia",
        "editMessageReplyMarkup",
    }
)
# Arrivals this much early still pass: float noise must not turn a paced sender into a 429.
_SLACK = 1e-6


@dataclass(frozen=True)
class RateLimits:
    """Telegram's rate limits; ``math.inf`` switches one of them off.

    ``burst`` is how many messages a chat may take back-to-back; each bucket holds
    ``max(burst, one window's allowance)``, so per-second and per-minute allowances may
    also arrive at once (see the module docstring for why).
    """

    global_per_second: float = 30
    private_per_second: float = 1
    group_per_minute: int = 20
    burst: int = 3
    methods: frozenset[str] = LIMITED_METHODS

    def __post_init__(self) -> None:
        rates = (self.global_per_second, self.private_per_second, self.group_per_minute)
        if min(rates) <= 0 or self.burst < 1:
            raise ValueError("rates must be positive and burst at least 1")


class _Bucket:
    """A token bucket of ``capacity`` tokens refilled at ``rate`` per second, per key."""

    def __init__(self, rate: float, capacity: int) -> None:
        self.interval = 1.0 / rate  # 0.0 for an infinite rate: never waits
        # How far ahead of now the theoretical arrival time may run: the burst tolerance.
        self.tolerance = (capacity - 1) * self.interval
        self.arrivals: dict[int, float] = {}

    def wait(self, key: int, now: float) -> float:
        """Return the seconds until ``key`` may send (0.0 when it may send now)."""
        arrival = self.arrivals.get(key, now)
        late = max(arrival, now) - now - self.tolerance
        return late if late > _SLACK else 0.0

    def take(self, key: int, now: float) -> None:
        """Spend one token of ``key``."""
        self.arrivals[key] = max(self.arrivals.get(key, now), now) + self.interval

    def give_back(self, key: int) -> None:
        """Return the token of a call that was refused after all."""
        if key in self.arrivals:
            self.arrivals[key] -= self.interval


class RateLimiter:
    """Decide whether a sending call fits Telegram's limits, and count the ones that do."""

    def __init__(self, limits: RateLimits) -> None:
        self.limits = limits
        self._global = self._bucket(limits.global_per_second, limits.global_per_second)
        self._private = self._bucket(limits.private_per_second, limits.private_per_second)
        self._group = self._bucket(limits.group_per_minute / 60, limits.group_per_minute)

    def _bucket(self, rate: float, allowance: float) -> _Bucket:
        """Build a bucket holding one window's ``allowance``, but at least ``burst`` tokens."""
        capacity = math.floor(allowance) if math.isfinite(allowance) else 1
        return _Bucket(rate, max(self.limits.burst, capacity))

    def counts(self, method: str) -> bool:
        """Tell whether calls of ``method`` are rate limited."""
        return method in self.limits.methods

    def _chat_bucket(self, chat_id: int) -> _Bucket:
        return self._group if chat_id < 0 else self._private

    def acquire(self, chat_id: int | None, now: float) -> int | None:
        """Spend a token for a call to ``chat_id``; return retry_after (s) if it must wait."""
        wait = self._global.wait(0, now)
        if chat_id is not None:
            wait = max(wait, self._chat_bucket(chat_id).wait(chat_id, now))
        if wait > 0:
            # Telegram answers whole seconds, and never 0 (that would invite a busy loop).
            return max(1, math.ceil(wait - _SLACK))
        self._global.take(0, now)
        if chat_id is not None:
            self._chat_bucket(chat_id).take(chat_id, now)
        return None

    def release(self, chat_id: int | None) -> None:
        """Give back the token of an accepted call that then failed (e.g. a 400)."""
        self._global.give_back(0)
        if chat_id is not None:
            self._chat_bucket(chat_id).give_back(chat_id)
