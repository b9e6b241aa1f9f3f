"""Figures and pages from SQL equal the Python rules on the same tasks, edges included."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import update

from bot.clock import ManualClock
from domain.intake import importing
from domain.lights import LightPolicy, is_overdue, light_of, thresholds
from domain.model import (
    Campaign,
    Light,
    Role,
    SheetPerson,
    SheetTask,
    TaskKind,
    TaskStatus,
    TaskView,
    Workbook,
)
from domain.ports import ListOrder, TaskQuery, UnitOfWork
from domain.records import board
from domain.records.board import BoardCell, board_from, cells_of, problems_of
from domain.rhythm.digest import needs_report, silent_since
from storage.tables import CampaignRow, TaskRow
from tests.conftest import SHANGHAI

Factory = Callable[[], UnitOfWork]
POLICY = LightPolicy(tz=SHANGHAI)
NOW = datetime(2026, 5, 13, 15, 0, tzinfo=SHANGHAI)  # a Wednesday
UNITS = ["区发展改革委", "区财政局", "区教育局", "区卫健委"]
MEASURES = 240


def workbook(rng: random.Random) -> Workbook:
    people = tuple(
        SheetPerson(2 + i, f"官员{i}", UNITS[i % len(UNITS)], frozenset({Role.OFFICIAL}))
        for i in range(12)
    )
    tasks = tuple(
        SheetTask(
            2 + i,
            f"{i // 4 + 1}.{i % 4 + 1}",  # four measures per problem
            "类别",
            f"问题{i // 4}",
            f"措施{i}",
            UNITS[i % len(UNITS)],
            f"官员{i % 12}",
            None,
            rng.choice([None, NOW.date() + timedelta(days=rng.randint(-20, 20))]),
            rng.choice([TaskKind.BOUNDED, TaskKind.IMMEDIATE, TaskKind.LONG_TERM]),
        )
        for i in range(MEASURES)
    )
    return Workbook(people=people, tasks=tasks)


async def scatter(uow_factory: Factory, rng: random.Random) -> None:
    """Give every task a random status and history, many of them exactly on a threshold."""
    at = thresholds(NOW, POLICY)
    edges = [at.red_before, at.yellow_before, NOW]
    async with uow_factory() as uow:
        session = uow.tasks.session  # type: ignore[attr-defined]
        ids = list(await session.scalars(TaskRow.__table__.select().with_only_columns(TaskRow.id)))
        for task_id in ids:
            created = rng.choice([*edges, NOW - timedelta(days=rng.randint(0, 40))])
            last = rng.choice([None, *edges, created + timedelta(days=rng.randint(0, 20))])
            if rng.random() < 0.5:  # some deadlines on the overdue and yellow edges
                due = rng.choice([at.today, at.today - timedelta(days=1), at.yellow_until])
                await session.execute(
                    update(TaskRow).where(TaskRow.id == task_id).values(due_on=due)
                )
            await session.execute(
                update(TaskRow)
                .where(TaskRow.id == task_id)
                .values(
                    status=rng.choice(list(TaskStatus)).value,
                    created_at=min(created, NOW),
                    last_update_at=last,
                )
            )
        await uow.commit()


async def generated_round(
    uow_factory: Factory, clock: ManualClock, *, seed: int
) -> tuple[Campaign, list[TaskView]]:
    """Import a generated round, scatter its tasks over every status and threshold; load it."""
    rng = random.Random(seed)
    await importing.import_workbook(
        uow=uow_factory(), clock=clock, workbook=workbook(rng), campaign_name="生成"
    )
    await scatter(uow_factory, rng)
    async with uow_factory() as uow:
        (campaign,) = await uow.campaigns.open_campaigns()
        return campaign, await uow.tasks.views_for_campaign(campaign.id)


def counted(cells: list[BoardCell]) -> Counter[tuple[object, ...]]:
    return Counter(
        {(c.unit, c.status, c.kind, c.light, c.overdue): c.count for c in cells if c.count}
    )


async def test_sql_board_counts_equal_the_python_rule_on_generated_tasks(
    uow_factory: Factory, clock: ManualClock
) -> None:
    campaign, views = await generated_round(uow_factory, clock, seed=20261201)
    async with uow_factory() as uow:
        for moment in (NOW, NOW + timedelta(days=3), NOW - timedelta(days=9)):
            at = thresholds(moment, POLICY)
            whole = TaskQuery(campaign_id=campaign.id)
            in_sql = await uow.tasks.board_cells(whole, at)
            assert counted(in_sql) == counted(cells_of(views, at))
            # A unit head's or lead leader's scope counts only the tasks it covers.
            scope = TaskQuery(campaign.id, everything=False, unit_id=views[3].unit_id, lead_id=1)
            covered = reference(views, scope)
            assert counted(await uow.tasks.board_cells(scope, at)) == counted(cells_of(covered, at))
            assert await uow.tasks.problem_figures(scope) == problems_of(covered)
        assert await uow.tasks.problem_figures(whole) == problems_of(views)
    lights = {c.light for c in cells_of(views, thresholds(NOW, POLICY))}
    assert lights == set(Light)  # the data reached every light, so every clause was compared
    assert {v.status for v in views} == set(TaskStatus)


async def test_the_board_command_reads_sql_counts_the_same_as_loading_every_task(
    uow_factory: Factory, clock: ManualClock
) -> None:
    campaign, views = await generated_round(uow_factory, clock, seed=7)
    async with uow_factory() as uow:
        at = thresholds(NOW, POLICY)
        from_sql = board_from(
            campaign.name,
            await uow.tasks.board_cells(TaskQuery(campaign_id=campaign.id), at),
            await uow.tasks.problem_figures(TaskQuery(campaign_id=campaign.id)),
        )
    assert from_sql == board.build_board(campaign.name, views, NOW, POLICY)


async def test_an_empty_campaign_has_an_empty_board(uow_factory: Factory) -> None:
    async with uow_factory() as uow:
        nothing = TaskQuery(campaign_id=999)
        assert await uow.tasks.board_cells(nothing, thresholds(NOW, POLICY)) == []
        figures = await uow.tasks.problem_figures(nothing)
    assert (figures.total, figures.rectified) == (0, 0)
    assert board_from("空", [], figures).tasks_total == 0


def reference(views: list[TaskView], query: TaskQuery) -> list[TaskView]:
    """The query in Python over tasks loaded in ledger order (a stable sort keeps ties so)."""
    at_day, since = query.overdue_on, query.silent_since
    chosen = [
        t
        for t in views
        if (
            query.everything
            or (query.unit_id is not None and t.unit_id == query.unit_id)
            or (query.lead_id is not None and t.lead_id == query.lead_id)
        )
        and (at_day is None or is_overdue(t, at_day))
        and (since is None or silent_since(t, since))
        and (query.status is None or t.status == query.status)
        and (query.of_owner is None or t.owner_id == query.of_owner)
        and tick_filters_hold(t, query)
    ]
    if query.order == ListOrder.URGENT:
        return sorted(chosen, key=lambda t: (t.due_on is None, t.due_on or NOW.date(), t.number))
    if query.order == ListOrder.DUE:
        return sorted(chosen, key=lambda t: (t.due_on is None, t.due_on or NOW.date()))
    if query.order == ListOrder.UNIT_OWNER:
        return sorted(chosen, key=lambda t: (t.unit_name, t.owner_name))
    return chosen


def tick_filters_hold(t: TaskView, query: TaskQuery) -> bool:
    """The filters the tick's runs use, in Python."""
    last = t.last_update_at
    window = query.not_reported_in
    return (
        (not query.needs_report or needs_report(t))
        and (query.due_on is None or t.due_on == query.due_on)
        and (query.created_before is None or t.created_at < query.created_before)
        and (query.no_report_since is None or last is None or last < query.no_report_since)
        and (window is None or last is None or not window[0] <= last < window[1])
        and (query.red_at is None or light_of(t, query.red_at) == Light.RED)
        and (query.owner_in is None or t.owner_id in query.owner_in)
    )


async def test_the_tick_selections_from_sql_equal_the_python_rules(
    uow_factory: Factory, clock: ManualClock
) -> None:
    campaign, views = await generated_round(uow_factory, clock, seed=5)
    at = thresholds(NOW, POLICY)
    async with uow_factory() as uow:
        base = TaskQuery(campaign_id=campaign.id)
        queries = [
            replace(base, red_at=at, order=ListOrder.URGENT),  # the digest's red list
            replace(base, needs_report=True, red_at=at),  # escalation
            replace(base, overdue_on=at.today, order=ListOrder.URGENT),  # the bulletin's
            replace(  # the check-in
                base, needs_report=True, no_report_since=at.yellow_before, created_before=NOW
            ),
            replace(  # silent in a week (unit heads, digest)
                base, needs_report=True, not_reported_in=(at.red_before, at.yellow_before)
            ),
            replace(base, needs_report=True, due_on=at.today),  # deadline reminders
            replace(base, status=TaskStatus.PENDING_REVIEW),  # sign-off reminders
            replace(base, needs_report=True, owner_in=(views[0].owner_id, views[5].owner_id)),
        ]
        for query in queries:
            expected = [t.id for t in reference(views, query)]
            assert expected, query  # the generated data reaches every selection
            assert [t.id for t in await uow.tasks.matching(query)] == expected
            by_id = {t.id: t for t in views}
            lines = await uow.tasks.lines(query)  # what reminders list: the same, slimmer
            assert [t.id for t in lines] == expected
            assert all(
                (t.number, t.problem, t.measure, t.unit_name, t.owner_name, t.due_on, t.percent)
                == (v.number, v.problem, v.measure, v.unit_name, v.owner_name, v.due_on, v.percent)
                for t in lines
                for v in (by_id[t.id],)
            )
            # None is every open round: here the one round (a closed one would drop out).
            every = await uow.tasks.matching(replace(query, campaign_id=None))
            assert [t.id for t in every] == expected
            first = await uow.tasks.page(query, limit=5, offset=0)
            assert [t.id for t in first] == expected[:5]
        quiet = replace(base, needs_report=True, no_report_since=at.yellow_before)
        expected_lines = reference(views, quiet)
        owners = sorted({t.owner_id for t in expected_lines})
        streamed = [lines async for lines in uow.tasks.lines_by_owner(quiet)]
        assert [[t.id for t in lines] for lines in streamed] == [
            [t.id for t in expected_lines if t.owner_id == owner] for owner in owners
        ]
        grouped: dict[tuple[str, str], list[str]] = {}
        for t in expected_lines:
            grouped.setdefault((t.owner_name, t.unit_name), []).append(t.number)
        assert await uow.tasks.numbers_by_owner(quiet) == [
            (name, unit, numbers)
            for (name, unit), numbers in sorted(grouped.items(), key=lambda kv: kv[0][::-1])
        ]
        due: Counter[str] = Counter(
            t.unit_name for t in views if t.due_on is not None and t.due_on < at.today
        )
        assert await uow.tasks.due_before(base, at.today) == dict(due)


async def test_paged_lists_from_sql_equal_the_python_filters_page_by_page(
    uow_factory: Factory, clock: ManualClock
) -> None:
    campaign, views = await generated_round(uow_factory, clock, seed=11)
    async with uow_factory() as uow:
        some = views[5]
        base = TaskQuery(campaign_id=campaign.id)
        queries = [
            replace(base, overdue_on=NOW.date(), order=ListOrder.DUE),
            replace(
                base, silent_since=thresholds(NOW, POLICY).yellow_before, order=ListOrder.UNIT_OWNER
            ),
            replace(base, status=TaskStatus.PENDING_REVIEW),
            replace(base, of_owner=some.owner_id),
            replace(base, everything=False, unit_id=some.unit_id, order=ListOrder.DUE),
            replace(base, everything=False),  # a scope of nothing holds nothing
        ]
        for query in queries:
            expected = reference(views, query)
            assert await uow.tasks.count(query) == len(expected)
            pages = [
                await uow.tasks.page(query, limit=7, offset=offset)
                for offset in range(0, len(expected) + 7, 7)
            ]
            assert [t.id for page in pages for t in page] == [t.id for t in expected]
            assert pages[-1] == []  # one page past the end is empty, not an error
            units = sorted({(t.unit_id, t.unit_name) for t in expected})
            owners = sorted({(t.owner_id, t.owner_name) for t in expected})
            if query.overdue_on is None and query.silent_since is None and query.status is None:
                assert await uow.tasks.units_in(query) == units  # the names /status matches
                assert await uow.tasks.owners_in(query) == owners
    assert any(reference(views, q) for q in queries[:2])  # the lists were not all empty


async def test_near_deadlines_are_the_distinct_deadlines_of_open_rounds_in_the_window(
    uow_factory: Factory, clock: ManualClock
) -> None:
    _, views = await generated_round(uow_factory, clock, seed=3)
    async with uow_factory() as uow:
        days = sorted({t.due_on for t in views if t.due_on is not None})
        assert len(days) > 5
        for first, last in [
            (days[0], days[-1]),  # every deadline
            (days[2], days[4]),  # the edges count
            (days[1] + timedelta(days=1), days[1] + timedelta(days=1)),  # maybe none
            (days[-1] + timedelta(days=1), days[-1] + timedelta(days=60)),  # after them all
        ]:
            expected = {d for d in days if first <= d <= last}
            assert await uow.tasks.near_deadlines(first, last) == expected
        session = uow.tasks.session  # type: ignore[attr-defined]
        await session.execute(update(CampaignRow).values(is_open=False))
        assert await uow.tasks.near_deadlines(days[0], days[-1]) == set()  # closed rounds: none
