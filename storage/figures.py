"""Figures computed by the database: the lights rule in SQL, board counts by GROUP BY.

`light_case` is `domain.lights.light_of` clause for clause, fed the same `LightThresholds`;
`tests/integration/test_figures.py` checks the two agree on generated tasks of every status.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, case, false, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from domain.lights import LightThresholds
from domain.model import Light, TaskKind, TaskStatus
from domain.ports import TaskQuery
from domain.records.board import BoardCell, ProblemFigures
from storage.tables import CampaignRow, TaskRow, TaskSupportRow, UnitRow


def light_case(at: LightThresholds) -> ColumnElement[Any]:
    """The lights rule as a CASE over the tasks table (the first clause that holds decides)."""
    waiting = TaskRow.status == TaskStatus.PENDING_REVIEW.value
    last = func.coalesce(TaskRow.last_update_at, TaskRow.created_at)
    due = TaskRow.due_on.is_not(None)
    return case(
        (TaskRow.status == TaskStatus.CLOSED.value, literal(Light.GREEN.value)),
        (and_(due, TaskRow.due_on < at.today), literal(Light.RED.value)),
        (
            and_(~waiting, TaskRow.created_at < at.red_before, last < at.red_before),
            literal(Light.RED.value),
        ),
        (and_(due, TaskRow.due_on <= at.yellow_until), literal(Light.YELLOW.value)),
        (
            and_(~waiting, TaskRow.created_at < at.yellow_before, last < at.yellow_before),
            literal(Light.YELLOW.value),
        ),
        else_=literal(Light.GREEN.value),
    )


def overdue_case(at: LightThresholds) -> ColumnElement[Any]:
    """1 when the task is past its deadline and not signed off (`domain.lights.is_overdue`)."""
    return case(
        (
            and_(
                TaskRow.status != TaskStatus.CLOSED.value,
                TaskRow.due_on.is_not(None),
                TaskRow.due_on < at.today,
            ),
            1,
        ),
        else_=0,
    )


async def board_cells(
    session: AsyncSession, query: TaskQuery, at: LightThresholds
) -> list[BoardCell]:
    """Count the query's measures by unit, status, kind, light and overdue, in one query."""
    light = light_case(at).label("light")
    overdue = overdue_case(at).label("overdue")
    stmt = (
        select(UnitRow.name, TaskRow.status, TaskRow.kind, light, overdue, func.count())
        .join(UnitRow, UnitRow.id == TaskRow.unit_id)
        .where(query_filter(query))
        .group_by(UnitRow.name, TaskRow.status, TaskRow.kind, light, overdue)
    )
    return [
        BoardCell(unit, TaskStatus(status), TaskKind(kind), Light(lit), bool(late), int(n))
        for unit, status, kind, lit, late, n in await session.execute(stmt)
    ]


async def problem_figures(session: AsyncSession, query: TaskQuery) -> ProblemFigures:
    """Count the query's problems, and those whose measures (in it) are all signed off."""
    still_open = func.sum(case((TaskRow.status != TaskStatus.CLOSED.value, 1), else_=0))
    per_problem = (
        select(TaskRow.problem_id, still_open.label("still_open"))
        .where(query_filter(query))
        .group_by(TaskRow.problem_id)
        .subquery()
    )
    stmt = select(
        func.count(), func.coalesce(func.sum(case((per_problem.c.still_open == 0, 1), else_=0)), 0)
    ).select_from(per_problem)
    total, rectified = (await session.execute(stmt)).one()
    return ProblemFigures(int(total), int(rectified))


def query_filter(query: TaskQuery) -> ColumnElement[bool]:
    """The WHERE clause of a task query: its round, its scope, then each filter given."""
    clauses: list[ColumnElement[bool]] = [
        TaskRow.campaign_id.in_(select(CampaignRow.id).where(CampaignRow.is_open.is_(True)))
        if query.campaign_id is None
        else TaskRow.campaign_id == query.campaign_id
    ]
    if not query.everything:
        scope: list[ColumnElement[bool]] = []
        if query.unit_id is not None:
            scope.append(TaskRow.unit_id == query.unit_id)
        if query.lead_id is not None:
            scope.append(TaskRow.lead_id == query.lead_id)
        clauses.append(or_(*scope) if scope else false())
    if query.overdue_on is not None:
        clauses += [
            TaskRow.status != TaskStatus.CLOSED.value,
            TaskRow.due_on.is_not(None),
            TaskRow.due_on < query.overdue_on,
        ]
    if query.silent_since is not None:
        since = query.silent_since
        clauses += [
            TaskRow.status.in_([TaskStatus.OPEN.value, TaskStatus.IN_PROGRESS.value]),
            TaskRow.created_at < since,
            or_(TaskRow.last_update_at.is_(None), TaskRow.last_update_at < since),
        ]
    if query.status is not None:
        clauses.append(TaskRow.status == query.status.value)
    if query.of_unit is not None:
        clauses.append(TaskRow.unit_id == query.of_unit)
    if query.supported:
        clauses.append(TaskRow.id.in_(select(TaskSupportRow.task_id)))
    if query.of_owner is not None:
        clauses.append(TaskRow.owner_id == query.of_owner)
    return and_(*clauses, *_tick_filters(query))


def _tick_filters(query: TaskQuery) -> list[ColumnElement[bool]]:
    """The filters the tick's runs select their tasks by."""
    clauses: list[ColumnElement[bool]] = []
    if query.needs_report:
        clauses.append(TaskRow.status.in_([TaskStatus.OPEN.value, TaskStatus.IN_PROGRESS.value]))
    if query.due_on is not None:
        clauses.append(TaskRow.due_on == query.due_on)
    if query.created_before is not None:
        clauses.append(TaskRow.created_at < query.created_before)
    if query.no_report_since is not None:
        last = TaskRow.last_update_at
        clauses.append(or_(last.is_(None), last < query.no_report_since))
    if query.not_reported_in is not None:
        start, end = query.not_reported_in
        last = TaskRow.last_update_at
        clauses.append(or_(last.is_(None), last < start, last >= end))
    if query.red_at is not None:
        clauses.append(light_case(query.red_at) == Light.RED.value)
    if query.owner_in is not None:
        clauses.append(TaskRow.owner_id.in_(query.owner_in))
    return clauses


async def near_deadlines(session: AsyncSession, first: date, last: date) -> set[date]:
    """The distinct deadlines of open rounds within [first, last], by a loose index scan.

    Each step asks the index `ix_tasks_due_on` for the next deadline after the previous one,
    so the cost follows the number of distinct days in the window, not of tasks.
    """
    open_rounds = select(CampaignRow.id).where(CampaignRow.is_open.is_(True))
    # ORDER BY … LIMIT 1, not MIN(): both engines then walk the index and stop at the first
    # row of an open round (PostgreSQL would otherwise join the whole table at every step).
    earliest = (
        select(TaskRow.due_on)
        .where(TaskRow.due_on >= first, TaskRow.campaign_id.in_(open_rounds))
        .order_by(TaskRow.due_on)
        .limit(1)
        .scalar_subquery()
    )
    days = select(earliest.label("day")).cte("days", recursive=True)
    later = aliased(TaskRow)
    following = (
        select(later.due_on)
        .where(later.due_on > days.c.day, later.campaign_id.in_(open_rounds))
        .order_by(later.due_on)
        .limit(1)
        .scalar_subquery()
    )
    days = days.union_all(select(following).where(days.c.day < last))
    found = await session.scalars(
        select(days.c.day).where(days.c.day.is_not(None), days.c.day <= last)
    )
    return {d for d in found if d is not None}


async def due_before(session: AsyncSession, query: TaskQuery, day: date) -> dict[str, int]:
    """Count the query's tasks per unit name whose deadline was before `day`."""
    stmt = (
        select(UnitRow.name, func.count())
        .select_from(TaskRow)
        .join(UnitRow, UnitRow.id == TaskRow.unit_id)
        .where(query_filter(query), TaskRow.due_on.is_not(None), TaskRow.due_on < day)
        .group_by(UnitRow.name)
    )
    return {unit: int(n) for unit, n in await session.execute(stmt)}
