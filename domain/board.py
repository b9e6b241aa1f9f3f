"""The summary board (整改总台账) computed from task views."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from domain.commands import may_see_board
from domain.errors import PermissionDenied
from domain.lights import LightPolicy, is_overdue, light_for
from domain.model import Light, Person, TaskKind, TaskStatus, TaskView
from domain.ports import Clock, UnitOfWork


@dataclass(frozen=True, slots=True)
class UnitLine:
    """One unit's row of the board."""

    unit: str
    total: int
    closed: int
    overdue: int
    lights: dict[Light, int]

    @property
    def rate(self) -> float:
        """Return the share of the unit's measures signed off."""
        return self.closed / self.total if self.total else 0.0


@dataclass(frozen=True, slots=True)
class Board:
    """Headline figures and breakdowns of one campaign."""

    campaign: str
    problems_total: int
    problems_rectified: int
    tasks_total: int
    tasks_closed: int
    overdue: int
    by_status: dict[TaskStatus, int]
    by_kind: dict[TaskKind, tuple[int, int]]  # kind -> (total, closed)
    lights: dict[Light, int]
    units: list[UnitLine] = field(default_factory=list)


def build_board(
    campaign: str, tasks: Sequence[TaskView], now: datetime, policy: LightPolicy
) -> Board:
    """Compute the board: a problem is rectified when all its measures are closed."""
    today = now.astimezone(policy.tz).date()
    problem_open: dict[int, bool] = {}
    by_unit: dict[str, list[TaskView]] = defaultdict(list)
    kinds: dict[TaskKind, list[int]] = {k: [0, 0] for k in TaskKind}
    light_of = {t.id: light_for(t, now, policy) for t in tasks}
    for t in tasks:
        closed = t.status == TaskStatus.CLOSED
        problem_open[t.problem_id] = problem_open.get(t.problem_id, False) or not closed
        by_unit[t.unit_name].append(t)
        kinds[t.kind][0] += 1
        kinds[t.kind][1] += closed
    units = [
        UnitLine(
            unit=name,
            total=len(ts),
            closed=sum(t.status == TaskStatus.CLOSED for t in ts),
            overdue=sum(is_overdue(t, today) for t in ts),
            lights=_count_lights(light_of[t.id] for t in ts),
        )
        for name, ts in by_unit.items()
    ]
    units.sort(key=lambda u: (-u.rate, u.overdue, u.unit))
    return Board(
        campaign=campaign,
        problems_total=len(problem_open),
        problems_rectified=sum(not still_open for still_open in problem_open.values()),
        tasks_total=len(tasks),
        tasks_closed=sum(t.status == TaskStatus.CLOSED for t in tasks),
        overdue=sum(is_overdue(t, today) for t in tasks),
        by_status=dict(Counter(t.status for t in tasks)),
        by_kind={k: (v[0], v[1]) for k, v in kinds.items() if v[0]},
        lights=_count_lights(light_of.values()),
        units=units,
    )


def _count_lights(lights: Iterable[Light]) -> dict[Light, int]:
    counts = Counter(lights)
    return {light: counts.get(light, 0) for light in Light}


async def boards_for(
    *, uow: UnitOfWork, clock: Clock, person: Person, policy: LightPolicy
) -> list[Board]:
    """Return the board of every open campaign, for coordinators, leaders and admins."""
    if not may_see_board(person):
        raise PermissionDenied()
    async with uow:
        now = clock.now()
        return [
            build_board(c.name, await uow.tasks.views_for_campaign(c.id), now, policy)
            for c in await uow.campaigns.open_campaigns()
        ]
