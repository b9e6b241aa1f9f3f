"""The process's own counters and their Prometheus text exposition (format 0.0.4).

Written by hand rather than with prometheus-client: a dozen lines of the text format, no
dependency. Counters live in the process (each replica exposes its own); gauges about the
outbox, people and the tick come from the database at scrape time (the same for every replica).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from domain.health import ServiceState

UPDATE_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
TICK_BUCKETS = (0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 30.0, 120.0)


@dataclass
class Histogram:
    """Cumulative buckets, a sum and a count, as Prometheus histograms are."""

    bounds: Sequence[float]
    counts: list[int] = field(default_factory=list)
    total: float = 0.0
    count: int = 0

    def __post_init__(self) -> None:
        self.counts = [0] * len(self.bounds)

    def observe(self, seconds: float) -> None:
        """Record one observation."""
        self.total += seconds
        self.count += 1
        for i, bound in enumerate(self.bounds):
            if seconds <= bound:
                self.counts[i] += 1

    def lines(self, name: str) -> Iterator[str]:
        """The exposition lines of this histogram."""
        for bound, count in zip(self.bounds, self.counts, strict=True):
            yield f'{name}_bucket{{le="{bound}"}} {count}'
        yield f'{name}_bucket{{le="+Inf"}} {self.count}'
        yield f"{name}_sum {self.total:.6f}"
        yield f"{name}_count {self.count}"


@dataclass
class Metrics:
    """What this process counts while it runs."""

    updates: Histogram = field(default_factory=lambda: Histogram(UPDATE_BUCKETS))
    ticks: Histogram = field(default_factory=lambda: Histogram(TICK_BUCKETS))
    ticks_elsewhere: int = 0  # ticks skipped because another replica held the tick


@dataclass(frozen=True, slots=True)
class Sent:
    """The sender's totals since the process started."""

    messages: int
    failed: int
    rate_limited: int
    unreachable: int


Family = tuple[str, str, str, list[str]]  # name, type, help, samples


def exposition(metrics: Metrics, sent: Sent, state: ServiceState | None) -> str:
    """The /metrics page: HELP and TYPE for every family, then its samples."""
    families: list[Family] = [
        ("rectibot_up", "gauge", "1 when the database answered this scrape.",
         [f"rectibot_up {0 if state is None else 1}"]),
        ("rectibot_updates_handled_seconds", "histogram",
         "Time from an update's start to its last handler, per update.",
         list(metrics.updates.lines("rectibot_updates_handled_seconds"))),
        ("rectibot_messages_sent_total", "counter", "Messages the sender delivered.",
         [f"rectibot_messages_sent_total {sent.messages}"]),
        ("rectibot_messages_failed_total", "counter", "Deliveries given up on.",
         [f"rectibot_messages_failed_total {sent.failed}"]),
        ("rectibot_rate_limited_total", "counter", "429 answers (Telegram said: wait).",
         [f"rectibot_rate_limited_total {sent.rate_limited}"]),
        ("rectibot_unreachable_deliveries_total", "counter",
         "Deliveries to people who blocked the bot or whose account is gone.",
         [f"rectibot_unreachable_deliveries_total {sent.unreachable}"]),
        ("rectibot_tick_seconds", "histogram", "Duration of the rhythm's tick in this process.",
         list(metrics.ticks.lines("rectibot_tick_seconds"))),
        ("rectibot_ticks_elsewhere_total", "counter",
         "Ticks this process skipped because another process was ticking.",
         [f"rectibot_ticks_elsewhere_total {metrics.ticks_elsewhere}"]),
        *(_database_families(state) if state is not None else []),
    ]  # fmt: skip
    lines = []
    for name, kind, doc, samples in families:
        lines.extend([f"# HELP {name} {doc}", f"# TYPE {name} {kind}", *samples])
    return "\n".join(lines) + "\n"


def _database_families(state: ServiceState) -> list[Family]:
    backlog = state.backlog
    oldest = (state.now - backlog.oldest_due_at).total_seconds() if backlog.oldest_due_at else 0
    families: list[Family] = [
        ("rectibot_outbox_waiting", "gauge", "Messages waiting to be sent.",
         [f"rectibot_outbox_waiting {backlog.waiting}"]),
        ("rectibot_outbox_oldest_due_seconds", "gauge",
         "How long the oldest message that may be sent now has waited (0: none).",
         [f"rectibot_outbox_oldest_due_seconds {max(oldest, 0.0):.3f}"]),
        ("rectibot_outbox_failed", "gauge", "Messages given up on, kept in the outbox.",
         [f"rectibot_outbox_failed {backlog.failed}"]),
        ("rectibot_people_unreachable", "gauge",
         "Active linked people who blocked the bot or whose account is gone.",
         [f"rectibot_people_unreachable {state.unreachable}"]),
    ]  # fmt: skip
    if state.tick_age is not None:
        families.append(
            ("rectibot_last_tick_age_seconds", "gauge", "Seconds since any process ticked.",
             [f"rectibot_last_tick_age_seconds {state.tick_age.total_seconds():.3f}"])
        )  # fmt: skip
    return families
