"""Status queries for coordinators, scoped for unit heads and lead leaders."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import IntEnum

from domain.campaigns import current_campaign
from domain.errors import NotFound, PermissionDenied
from domain.lights import LightPolicy, checkin_before, thresholds
from domain.model import Campaign, Person, Role, TaskStatus, TaskView
from domain.people.commands import may_query
from domain.people.names import named_pairs
from domain.ports import Clock, ListOrder, TaskQuery, UnitOfWork
from domain.records.board import Board, counted_board
from domain.records.history import TaskHistory, load_history

PAGE_SIZE = 10


@dataclass(frozen=True, slots=True)
class Scope:
    """Which tasks of a campaign a person may query."""

    campaign: Campaign
    everything: bool
    unit_id: int | None
    lead_id: int | None

    def covers(self, task: TaskView) -> bool:
        """Tell whether the task is inside the scope."""
        if self.everything:
            return True
        in_unit = self.unit_id is not None and task.unit_id == self.unit_id
        led = self.lead_id is not None and task.lead_id == self.lead_id
        return in_unit or led


@dataclass(frozen=True, slots=True)
class Listing:
    """One page of tasks and where it sits in the whole list."""

    campaign: str
    scope: Scope
    tasks: list[TaskView]
    page: int
    pages: int
    total: int
    supported: tuple[str, ...] = ()  # a unit's list: the numbers it supports (配合)


class Kind(IntEnum):
    """The paged lists (numbers travel in button data)."""

    OVERDUE = 1
    SILENT = 2
    PENDING = 3
    UNIT = 4
    PERSON = 5


def scope_of(person: Person, campaign: Campaign) -> Scope:
    """Coordinators and admins see everything; unit heads their unit; leaders what they lead."""
    if person.has(Role.COORDINATOR, Role.ADMIN):
        return Scope(campaign, True, None, None)
    unit_id = person.unit_id if person.has(Role.UNIT_HEAD) else None
    lead_id = person.id if person.has(Role.LEADER) else None
    if unit_id is None and lead_id is None:
        raise PermissionDenied()
    return Scope(campaign, False, unit_id, lead_id)


def require_query_rights(person: Person) -> None:
    """Refuse officials and strangers before anything about campaigns is said."""
    if not may_query(person):
        raise PermissionDenied()


async def person_scope(uow: UnitOfWork, person: Person) -> Scope:
    """Return the person's scope in their current campaign (refusing those without rights)."""
    require_query_rights(person)
    return scope_of(person, await current_campaign(uow, person))


async def status(
    *, uow: UnitOfWork, clock: Clock, person: Person, policy: LightPolicy
) -> tuple[Scope, Board, list[TaskView]]:
    """Return the board of the person's scope, and the measures a unit head's unit supports.

    Supported measures (配合) are listed apart: they count for their lead unit only.
    """
    async with uow:
        scope = await person_scope(uow, person)
        at = thresholds(clock.now(), policy)
        board = await counted_board(uow, scope.campaign.name, _scoped(scope), at)
        supported = (
            await uow.tasks.views_of(
                await uow.supports.supported_by(scope.campaign.id, scope.unit_id)
            )
            if scope.unit_id is not None
            else []
        )
        return scope, board, supported


async def units_matching(*, uow: UnitOfWork, person: Person, name: str) -> list[tuple[int, str]]:
    """Return the units (id, name) inside the scope whose name contains `name`."""
    async with uow:
        units = await uow.tasks.units_in(_scoped(await person_scope(uow, person)))
    return named_pairs(units, name)


async def people_matching(*, uow: UnitOfWork, person: Person, name: str) -> list[tuple[int, str]]:
    """Return the owners (id, name) of tasks inside the scope whose name contains `name`."""
    async with uow:
        owners = await uow.tasks.owners_in(_scoped(await person_scope(uow, person)))
    return named_pairs(owners, name)


async def listing(
    *,
    uow: UnitOfWork,
    clock: Clock,
    person: Person,
    policy: LightPolicy,
    kind: Kind,
    arg: int = 0,
    page: int = 0,
) -> Listing:
    """Return one page of a paged list, re-checking the scope on every page.

    Counted and paged by the database: page k costs what one page costs.
    """
    async with uow:
        scope = await person_scope(uow, person)
        query = _query(scope, kind, arg, clock.now(), policy)
        total = await uow.tasks.count(query)
        pages = max(1, -(-total // PAGE_SIZE))
        page = min(max(page, 0), pages - 1)
        tasks = await uow.tasks.page(query, limit=PAGE_SIZE, offset=page * PAGE_SIZE)
        supported: tuple[str, ...] = ()
        if kind == Kind.UNIT:
            ids = await uow.supports.supported_by(scope.campaign.id, arg)
            supported = tuple(v.number for v in await uow.tasks.views_of(ids) if scope.covers(v))
    return Listing(
        campaign=scope.campaign.name,
        scope=scope,
        tasks=tasks,
        page=page,
        pages=pages,
        total=total,
        supported=supported,
    )


def _scoped(scope: Scope) -> TaskQuery:
    """The tasks of the scope (`Scope.covers`, said in a query)."""
    return TaskQuery(
        campaign_id=scope.campaign.id,
        everything=scope.everything,
        unit_id=scope.unit_id,
        lead_id=scope.lead_id,
    )


def _query(scope: Scope, kind: Kind, arg: int, now: datetime, policy: LightPolicy) -> TaskQuery:
    base = _scoped(scope)
    if kind == Kind.OVERDUE:
        today = now.astimezone(policy.tz).date()
        return replace(base, overdue_on=today, order=ListOrder.DUE)
    if kind == Kind.SILENT:
        return replace(base, silent_since=checkin_before(now, policy), order=ListOrder.UNIT_OWNER)
    if kind == Kind.PENDING:
        return replace(base, status=TaskStatus.PENDING_REVIEW)
    if kind == Kind.UNIT:
        return replace(base, of_unit=arg)
    if kind == Kind.PERSON:
        return replace(base, of_owner=arg)
    raise NotFound()


async def task_record(*, uow: UnitOfWork, person: Person, number: str) -> TaskHistory:
    """Return a task of the current campaign with its history, if inside the person's scope."""
    async with uow:
        scope = await person_scope(uow, person)
        task_id = await uow.tasks.id_by_number(scope.campaign.id, number.strip())
        view = await uow.tasks.view(task_id) if task_id is not None else None
        if view is None or not (scope.covers(view) or await _supports(uow, scope, view)):
            raise NotFound(what=number)
        return await load_history(uow, view.id)


async def _supports(uow: UnitOfWork, scope: Scope, view: TaskView) -> bool:
    """Whether the scope's unit is a supporting unit (配合单位) of the task."""
    if scope.unit_id is None:
        return False
    return view.id in await uow.supports.supported_by(scope.campaign.id, scope.unit_id)
