"""How the service stands, for /healthz and /metrics: database, tick, outbox, reachability."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.model import Backlog
from domain.ports import Clock, UnitOfWork
from domain.rhythm.reminders import LAST_TICK

# The tick runs every minute; a few missed minutes mean it is stuck or no process holds it.
TICK_STALE = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class ServiceState:
    """What the database says about the service right now."""

    now: datetime
    last_tick_at: datetime | None
    backlog: Backlog
    unreachable: int

    @property
    def tick_age(self) -> timedelta | None:
        """How long ago any process last ticked (None before the first tick)."""
        return None if self.last_tick_at is None else self.now - self.last_tick_at

    @property
    def tick_stale(self) -> bool:
        """Whether the rhythm has stopped: no tick for TICK_STALE (a fresh start is not stale)."""
        age = self.tick_age
        return age is not None and age > TICK_STALE


async def service_state(*, uow: UnitOfWork, clock: Clock) -> ServiceState:
    """Read the service's state in one short transaction; raises when the database fails."""
    async with uow:
        now = clock.now()
        last = await uow.state.get_state(LAST_TICK)
        return ServiceState(
            now=now,
            last_tick_at=datetime.fromisoformat(last) if last else None,
            backlog=await uow.outbox.backlog(now),
            unreachable=await uow.people.unreachable_count(),
        )
