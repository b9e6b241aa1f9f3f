"""Time travel through Spring Festival 2026: what the tick queues when, on a real database."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from sqlalchemy import select

from bot.clock import ManualClock
from domain import accounts, importing, reporting
from domain.lights import LightPolicy
from domain.model import PersonRow, Role, TaskKind, TaskRow, Workbook
from domain.ports import UnitOfWork
from domain.reminders import Audience, Renderers, TickResult, tick
from domain.reporting import IncomingMessage
from domain.rhythm import RhythmPolicy
from domain.workdays import WorkCalendar
from storage.tables import OutboxRow, RhythmRunRow
from tests.conftest import SHANGHAI

Factory = Callable[[], UnitOfWork]
CALENDAR = WorkCalendar()
POLICY = RhythmPolicy(tz=SHANGHAI, calendar=CALENDAR)
LIGHTS = LightPolicy(tz=SHANGHAI)


def holiday_workbook() -> Workbook:
    people = (
        PersonRow(2, "王建国", "区发展改革委", frozenset({Role.OFFICIAL})),
        PersonRow(3, "李晓燕", "区发展改革委", frozenset({Role.OFFICIAL})),
        PersonRow(4, "刘振华", "区发展改革委", frozenset({Role.UNIT_HEAD})),
        PersonRow(5, "高飞", "区委巡察办", frozenset({Role.COORDINATOR})),
        PersonRow(6, "孙振邦", "区领导小组", frozenset({Role.LEADER})),
    )
    tasks = (
        TaskRow(
            2,
            "1.1",
            "类别",
            "问题甲",
            "措施一",
            "区发展改革委",
            "王建国",
            "孙振邦",
            date(2026, 2, 20),
            TaskKind.BOUNDED,
        ),
        TaskRow(
            3,
            "1.2",
            "类别",
            "问题甲",
            "措施二",
            "区发展改革委",
            "李晓燕",
            "孙振邦",
            date(2026, 6, 30),
            TaskKind.BOUNDED,
        ),
    )
    return Workbook(people=people, tasks=tasks)


async def setup(uow_factory: Factory, clock: ManualClock) -> dict[str, int]:
    await importing.import_workbook(
        uow=uow_factory(), clock=clock, workbook=holiday_workbook(), campaign_name="春节"
    )
    ids = {}
    for n, name in enumerate(("王建国", "李晓燕", "刘振华", "高飞", "孙振邦"), start=1):
        invite = await accounts.issue_invite(
            uow=uow_factory(), clock=clock, name=name, valid_days=14
        )
        person = await accounts.bind_account(
            uow=uow_factory(),
            clock=clock,
            code=invite.code,
            telegram_user_id=1000 + n,
            username=None,
        )
        ids[name] = person.id
    return ids


async def tick_at(uow_factory: Factory, clock: ManualClock) -> TickResult:
    """Run the tick at the clock's now, without attachments."""
    return await tick(
        uow=uow_factory(),
        clock=clock,
        policy=POLICY,
        lights=LIGHTS,
        audience=Audience(),
        render=Renderers(),
    )


async def run_ticks(
    uow_factory: Factory, clock: ManualClock, until: datetime, step: timedelta
) -> None:
    while clock.now() < until:
        clock.advance(step)
        await tick_at(uow_factory, clock)


async def outbox(uow_factory: Factory) -> list[tuple[str, str, str, datetime]]:
    async with uow_factory() as uow:
        session = uow.outbox.session  # type: ignore[attr-defined]
        rows = await session.execute(
            select(OutboxRow.kind, OutboxRow.period, OutboxRow.key, OutboxRow.created_at)
        )
        return [tuple(r) for r in rows]


async def test_spring_festival_2026_sends_only_on_working_days_in_working_hours(
    uow_factory: Factory,
) -> None:
    clock = ManualClock(datetime(2026, 2, 2, 8, 0, tzinfo=SHANGHAI))
    ids = await setup(uow_factory, clock)
    await tick_at(uow_factory, clock)
    # 李晓燕 reports on Wednesday 11 February, so Friday's check-in skips her.
    clock.set(datetime(2026, 2, 11, 10, 0, tzinfo=SHANGHAI))
    li = await _person(uow_factory, ids["李晓燕"])
    await reporting.receive_message(
        uow=uow_factory(),
        clock=clock,
        person=li,
        message=IncomingMessage(chat_id=1002, message_id=1, text="进度50%"),
        merge_seconds=60,
    )
    clock.set(datetime(2026, 2, 2, 8, 0, tzinfo=SHANGHAI))
    await run_ticks(
        uow_factory, clock, datetime(2026, 3, 3, 18, 0, tzinfo=SHANGHAI), timedelta(hours=1)
    )

    rows = await outbox(uow_factory)
    assert rows
    for kind, period, _key, created in rows:
        local = created.astimezone(SHANGHAI)
        assert CALENDAR.is_working_day(local.date()), (kind, period, local)
        assert POLICY.window_start <= local.time() < POLICY.window_end, (kind, period, local)

    def days(kind: str) -> dict[str, set[date]]:
        found: dict[str, set[date]] = {}
        for k, period, _key, created in rows:
            if k == kind:
                found.setdefault(period, set()).add(created.astimezone(SHANGHAI).date())
        return found

    checkins = days("checkin")
    assert checkins["2026-W07"] == {date(2026, 2, 13)}
    assert checkins["2026-W08"] == {date(2026, 2, 24)}  # the holiday week, after it
    assert checkins["2026-W09"] == {date(2026, 2, 27)}
    assert days("due7") == {"2026-02-20": {date(2026, 2, 13)}}
    assert days("due1") == {"2026-02-20": {date(2026, 2, 14)}}  # the swapped Saturday
    assert days("overdue") == {"2026-02-20": {date(2026, 2, 24)}}
    bulletins = {period.split("#")[0]: d for period, d in days("bulletin").items()}
    assert bulletins == {"2026-02": {date(2026, 2, 28)}}

    w07 = [key for kind, period, key, _ in rows if kind == "checkin" and period == "2026-W07"]
    assert w07 == [f"checkin|2026-W07|p{ids['王建国']}"]  # 李晓燕 had reported that week
    overdue = sorted(key for kind, _p, key, _c in rows if kind == "overdue")
    assert overdue == sorted(f"overdue|2026-02-20|p{ids[n]}" for n in ("王建国", "刘振华", "高飞"))
    unit_head = [key for kind, _p, key, _c in rows if kind == "unit_head"]
    assert f"unit_head|2026-W09|p{ids['刘振华']}" in unit_head


async def test_a_tick_repeated_at_the_same_moment_queues_nothing_new(uow_factory: Factory) -> None:
    clock = ManualClock(datetime(2026, 3, 5, 8, 0, tzinfo=SHANGHAI))
    await setup(uow_factory, clock)
    await run_ticks(
        uow_factory, clock, datetime(2026, 3, 6, 10, 0, tzinfo=SHANGHAI), timedelta(hours=1)
    )
    before = await outbox(uow_factory)
    for _ in range(3):
        await tick_at(uow_factory, clock)
    assert await outbox(uow_factory) == before
    assert any(kind == "checkin" for kind, *_ in before)


async def test_a_run_missed_while_down_is_caught_up_within_24_hours_else_reported(
    uow_factory: Factory,
) -> None:
    clock = ManualClock(datetime(2026, 3, 5, 17, 0, tzinfo=SHANGHAI))
    ids = await setup(uow_factory, clock)
    await tick_at(uow_factory, clock)
    # Down from Thursday 17:00 to Monday 10:00: Friday's check-in (09:30) is 3 days old.
    clock.set(datetime(2026, 3, 9, 10, 0, tzinfo=SHANGHAI))
    result = await tick_at(uow_factory, clock)
    assert {r.kind.value for r in result.missed} >= {"checkin", "nudge"}
    assert {r.kind.value for r in result.done} >= {"digest", "unit_head"}
    rows = await outbox(uow_factory)
    assert f"missed|20260309T1000|p{ids['高飞']}" in [key for _k, _p, key, _c in rows]
    async with uow_factory() as uow:
        session = uow.outbox.session  # type: ignore[attr-defined]
        statuses = dict(
            (tuple(r[:2]), r[2])
            for r in await session.execute(
                select(RhythmRunRow.kind, RhythmRunRow.period, RhythmRunRow.status)
            )
        )
    assert statuses[("checkin", "2026-W10")] == "missed"

    # Down from Monday 12:00 to Friday 08:00: Thursday's nothing, but a restart on Friday
    # 20:00 after a 09:30 check-in waits for Monday? No: it is older than 24 hours by then.
    clock.set(datetime(2026, 3, 13, 9, 0, tzinfo=SHANGHAI))
    await tick_at(uow_factory, clock)
    clock.set(datetime(2026, 3, 13, 19, 0, tzinfo=SHANGHAI))  # restart after hours
    result = await tick_at(uow_factory, clock)
    assert not result.done  # waits for the window
    clock.set(datetime(2026, 3, 16, 8, 30, tzinfo=SHANGHAI))
    result = await tick_at(uow_factory, clock)
    assert ("checkin", "2026-W11") in {(r.kind.value, r.period) for r in result.missed}


async def _person(uow_factory: Factory, person_id: int):  # type: ignore[no-untyped-def]
    async with uow_factory() as uow:
        return await uow.people.get(person_id)
