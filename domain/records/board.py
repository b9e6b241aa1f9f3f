"""The summary board (整改总台账) computed from task views."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from domain.errors import PermissionDenied
from domain.lights import LightPolicy, LightThresholds, is_overdue, light_of, thresholds
from domain.model import Campaign, Light, Person, TaskKind, TaskStatus, TaskView
from domain.people.commands import may_see_board
from domain.ports import Clock, TaskQuery, UnitOfWork
from domain.rhythm.milestones import MilestoneState, states_of
from domain.rhythm.policy import RhythmPolicy


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
    # The round's plan and report, as of `today` (shown when a date can be worked out).
    milestones: tuple[MilestoneState, ...] = ()
    today: date | None = None


@dataclass(frozen=True, slots=True)
class BoardCell:
    """How many of a campaign's measures share a unit, status, kind, light and overdue flag.

    The board is built from these few counts, so storage can compute them with one GROUP BY
    (`TaskRepository.board_cells`) instead of handing over every task.
    """

    unit: str
    status: TaskStatus
    kind: TaskKind
    light: Light
    overdue: bool
    count: int


@dataclass(frozen=True, slots=True)
class ProblemFigures:
    """How many problems a campaign has, and how many have every measure signed off."""

    total: int
    rectified: int


def build_board(
    campaign: str, tasks: Sequence[TaskView], now: datetime, policy: LightPolicy
) -> Board:
    """Compute the board from loaded tasks (a scope's share of a campaign)."""
    return board_from(campaign, cells_of(tasks, thresholds(now, policy)), problems_of(tasks))


def cells_of(tasks: Iterable[TaskView], at: LightThresholds) -> list[BoardCell]:
    """Count loaded tasks the way `TaskRepository.board_cells` counts them in SQL."""
    counts = Counter(
        (t.unit_name, t.status, t.kind, light_of(t, at), is_overdue(t, at.today)) for t in tasks
    )
    return [BoardCell(*key, count=n) for key, n in counts.items()]


def problems_of(tasks: Iterable[TaskView]) -> ProblemFigures:
    """A problem is rectified when all its measures are closed."""
    still_open: dict[int, bool] = {}
    for t in tasks:
        still_open[t.problem_id] = still_open.get(t.problem_id, False) or (
            t.status != TaskStatus.CLOSED
        )
    return ProblemFigures(len(still_open), sum(not o for o in still_open.values()))


def board_from(campaign: str, cells: Iterable[BoardCell], problems: ProblemFigures) -> Board:
    """Lay the counts out as the board; units by completion, then fewest overdue, then name."""
    by_unit: dict[str, list[BoardCell]] = defaultdict(list)
    kinds: dict[TaskKind, list[int]] = {k: [0, 0] for k in TaskKind}
    statuses: Counter[TaskStatus] = Counter()
    cells = list(cells)
    for c in cells:
        by_unit[c.unit].append(c)
        kinds[c.kind][0] += c.count
        kinds[c.kind][1] += c.count * (c.status == TaskStatus.CLOSED)
        statuses[c.status] += c.count
    units = [_unit_line(name, unit_cells) for name, unit_cells in by_unit.items()]
    units.sort(key=lambda u: (-u.rate, u.overdue, u.unit))
    return Board(
        campaign=campaign,
        problems_total=problems.total,
        problems_rectified=problems.rectified,
        tasks_total=sum(c.count for c in cells),
        tasks_closed=statuses[TaskStatus.CLOSED],
        overdue=sum(c.count for c in cells if c.overdue),
        by_status=dict(statuses),
        by_kind={k: (v[0], v[1]) for k, v in kinds.items() if v[0]},
        lights=_count_cells(cells),
        units=units,
    )


def _unit_line(name: str, cells: list[BoardCell]) -> UnitLine:
    return UnitLine(
        unit=name,
        total=sum(c.count for c in cells),
        closed=sum(c.count for c in cells if c.status == TaskStatus.CLOSED),
        overdue=sum(c.count for c in cells if c.overdue),
        lights=_count_cells(cells),
    )


def _count_cells(cells: Iterable[BoardCell]) -> dict[Light, int]:
    counts: Counter[Light] = Counter()
    for c in cells:
        counts[c.light] += c.count
    return {light: counts.get(light, 0) for light in Light}


async def boards_for(
    *,
    uow: UnitOfWork,
    clock: Clock,
    person: Person,
    policy: LightPolicy,
    rhythm: RhythmPolicy | None = None,
) -> list[Board]:
    """Return the board of every open campaign, for coordinators, leaders and admins.

    With the rhythm's policy, each board carries its round's milestones too.
    """
    if not may_see_board(person):
        raise PermissionDenied()
    async with uow:
        now = clock.now()
        boards = []
        for c in await uow.campaigns.open_campaigns():
            board = await counted_board(
                uow, c.name, TaskQuery(campaign_id=c.id), thresholds(now, policy)
            )
            if rhythm is not None:
                board = await with_milestones(uow, board, c, rhythm, now)
            boards.append(board)
        return boards


async def with_milestones(
    uow: UnitOfWork, board: Board, campaign: Campaign, rhythm: RhythmPolicy, now: datetime
) -> Board:
    """The board with its round's milestones as of now."""
    records = await uow.campaigns.milestones([campaign.id])
    states = states_of(campaign, records, rhythm.milestones, rhythm.calendar)
    return replace(board, milestones=tuple(states), today=now.astimezone(rhythm.tz).date())


async def counted_board(
    uow: UnitOfWork, campaign: str, query: TaskQuery, at: LightThresholds
) -> Board:
    """The board of the query's tasks, counted by the database."""
    cells = await uow.tasks.board_cells(query, at)
    return board_from(campaign, cells, await uow.tasks.problem_figures(query))
