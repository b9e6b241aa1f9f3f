"""Time travel through Spring Festival 2026: what the tick queues when, on a real database."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import event, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import ManualClock
from domain.intake import importing
from domain.lights import LightPolicy, thresholds
from domain.model import Role, SheetPerson, SheetTask, TaskKind, TaskStatus, Workbook
from domain.people import accounts
from domain.ports import TaskQuery, UnitOfWork
from domain.rhythm import reminders
from domain.rhythm.digest import BulletinInput
from domain.rhythm.policy import RhythmPolicy
from domain.rhythm.reminders import Audience, Renderers, TickResult, tick
from domain.rhythm.workdays import WorkCalendar
from domain.work import reporting
from domain.work.reporting import IncomingMessage
from storage.database import make_engine, make_session_factory
from storage.tables import AuditEventRow, OutboxRow, RhythmRunRow, TaskRow
from storage.uow import SqlUnitOfWork
from tests.conftest import SHANGHAI

Factory = Callable[[], UnitOfWork]
CALENDAR = WorkCalendar()
POLICY = RhythmPolicy(tz=SHANGHAI, calendar=CALENDAR)
LIGHTS = LightPolicy(tz=SHANGHAI)


def holiday_workbook() -> Workbook:
    people = (
        SheetPerson(2, "王建国", "区发展改革委", frozenset({Role.OFFICIAL})),
        SheetPerson(3, "李晓燕", "区发展改革委", frozenset({Role.OFFICIAL})),
        SheetPerson(4, "刘振华", "区发展改革委", frozenset({Role.UNIT_HEAD})),
        SheetPerson(5, "高飞", "区委巡察办", frozenset({Role.COORDINATOR})),
        SheetPerson(6, "孙振邦", "区领导小组", frozenset({Role.LEADER})),
    )
    tasks = (
        SheetTask(
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
        SheetTask(
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


# -- Escalation (约谈提醒) -------------------------------------------------------------------
# March 2026 has no holidays: the escalation runs on Fridays 6, 13, 20 and 27 at 17:00 (weeks
# W10 to W13). The tasks exist from Monday 2 March, so silence turns a task red from W11 on.

UNIT_A, UNIT_B = "区发展改革委", "区财政局"


def escalation_workbook() -> Workbook:
    people = (
        SheetPerson(2, "王建国", UNIT_A, frozenset({Role.OFFICIAL})),
        SheetPerson(3, "李晓燕", UNIT_A, frozenset({Role.OFFICIAL})),
        SheetPerson(4, "刘振华", UNIT_A, frozenset({Role.UNIT_HEAD})),
        SheetPerson(5, "许文", UNIT_A, frozenset({Role.UNIT_HEAD})),  # blocks the bot
        SheetPerson(6, "高飞", "区委巡察办", frozenset({Role.COORDINATOR})),
        SheetPerson(7, "孙振邦", "区领导小组", frozenset({Role.LEADER})),
        SheetPerson(8, "周敏", UNIT_B, frozenset({Role.OFFICIAL})),
        SheetPerson(9, "陈立", UNIT_B, frozenset({Role.UNIT_HEAD, Role.LEADER})),
        SheetPerson(10, "吴刚", UNIT_B, frozenset({Role.UNIT_HEAD})),  # never opens the invite
    )

    def row(n: int, number: str, unit: str, owner: str, lead: str, due: date) -> SheetTask:
        return SheetTask(
            n,
            number,
            "类别",
            f"问题{number[0]}",
            f"措施{number}",
            unit,
            owner,
            lead,
            due,
            TaskKind.BOUNDED,
        )

    tasks = (
        row(2, "1.1", UNIT_A, "王建国", "孙振邦", date(2026, 6, 30)),  # silent throughout
        row(3, "1.2", UNIT_A, "李晓燕", "孙振邦", date(2026, 6, 30)),  # reports on 16 March
        row(4, "2.1", UNIT_B, "周敏", "陈立", date(2026, 3, 10)),  # overdue from 11 March
        row(5, "2.2", UNIT_B, "周敏", "陈立", date(2026, 3, 10)),  # asks for sign-off 16 March
        row(6, "2.3", UNIT_B, "周敏", "陈立", date(2026, 3, 10)),  # signed off 16 March
    )
    return Workbook(people=people, tasks=tasks)


async def escalation_setup(uow_factory: Factory, clock: ManualClock) -> dict[str, int]:
    """Import the escalation workbook and bind everyone but 吴刚; 许文 then blocks the bot."""
    workbook = escalation_workbook()
    await importing.import_workbook(
        uow=uow_factory(), clock=clock, workbook=workbook, campaign_name="约谈"
    )
    ids: dict[str, int] = {}
    for n, person in enumerate(workbook.people, start=1):
        invite = await accounts.issue_invite(
            uow=uow_factory(), clock=clock, name=person.name, valid_days=14
        )
        ids[person.name] = invite.person.id
        if person.name == "吴刚":
            continue
        await accounts.bind_account(
            uow=uow_factory(),
            clock=clock,
            code=invite.code,
            telegram_user_id=2000 + n,
            username=None,
        )
    async with uow_factory() as uow:
        await uow.people.set_reachable(ids["许文"], False, clock.now())
        await uow.commit()
    await tick_at(uow_factory, clock)  # the first tick ever: the rhythm starts here
    return ids


async def task_id(uow_factory: Factory, owner_id: int, number: str) -> int:
    async with uow_factory() as uow:
        return next(t.id for t in await uow.tasks.views_for_owner(owner_id) if t.number == number)


async def week_16_march(uow_factory: Factory, clock: ManualClock, ids: dict[str, int]) -> None:
    """Monday 16 March: 李晓燕 reports, 周敏 asks to sign off 2.2, and 2.3 is signed off."""
    clock.set(datetime(2026, 3, 16, 10, 0, tzinfo=SHANGHAI))
    li = await _person(uow_factory, ids["李晓燕"])
    await reporting.receive_message(
        uow=uow_factory(),
        clock=clock,
        person=li,
        message=IncomingMessage(chat_id=2002, message_id=1, text="已完成制度起草，进度50%"),
        merge_seconds=60,
    )
    zhou = await _person(uow_factory, ids["周敏"])
    await reporting.request_signoff(
        uow=uow_factory(),
        clock=clock,
        person=zhou,
        task_id=await task_id(uow_factory, zhou.id, "2.2"),
    )
    closed = await task_id(uow_factory, zhou.id, "2.3")
    async with uow_factory() as uow:  # as the coordinators' sign-off (销号) leaves it
        await uow.tasks.set_progress(
            closed, percent=100, status=TaskStatus.CLOSED, last_update_at=clock.now()
        )
        await uow.commit()


async def friday(uow_factory: Factory, clock: ManualClock, day: int) -> TickResult:
    """Tick on Friday `day` March 2026 just after the 17:00 escalation run."""
    clock.set(datetime(2026, 3, day, 17, 5, tzinfo=SHANGHAI))
    return await tick_at(uow_factory, clock)


async def escalations(uow_factory: Factory) -> dict[str, dict[int, str]]:
    """Return the queued escalation messages: period -> person id -> text."""
    async with uow_factory() as uow:
        session = uow.outbox.session  # type: ignore[attr-defined]
        rows = await session.execute(
            select(OutboxRow.period, OutboxRow.person_id, OutboxRow.parts).where(
                OutboxRow.kind == "escalation"
            )
        )
        found: dict[str, dict[int, str]] = {}
        for period, person_id, parts in rows:
            assert person_id not in found.get(period, {}), "one message per person and period"
            found.setdefault(period, {})[person_id] = "\n".join(parts)
        return found


async def escalation_audit(uow_factory: Factory) -> list[tuple[int | None, dict[str, object]]]:
    async with uow_factory() as uow:
        session = uow.outbox.session  # type: ignore[attr-defined]
        rows = await session.execute(
            select(AuditEventRow.entity_id, AuditEventRow.data)
            .where(AuditEventRow.action == "task.escalated")
            .order_by(AuditEventRow.id)
        )
        return [(entity_id, data) for entity_id, data in rows]


async def test_a_task_red_for_one_period_is_not_escalated_but_for_two_it_is(
    uow_factory: Factory,
) -> None:
    clock = ManualClock(datetime(2026, 3, 2, 8, 0, tzinfo=SHANGHAI))
    ids = await escalation_setup(uow_factory, clock)
    await friday(uow_factory, clock, 6)  # W10: nothing red yet
    await friday(uow_factory, clock, 13)  # W11: 1.1, 1.2 silent and 2.x overdue: red once
    assert await escalations(uow_factory) == {}
    assert await escalation_audit(uow_factory) == []

    await week_16_march(uow_factory, clock, ids)
    await friday(uow_factory, clock, 20)  # W12: red for the second period running
    sent = await escalations(uow_factory)
    assert set(sent) == {"2026-W12"}
    bodies = sent["2026-W12"]
    # The unit heads and the lead leader; not the owners, the coordinator, the unreachable
    # head 许文, nor 吴刚 who never bound an account.
    assert set(bodies) == {ids["刘振华"], ids["孙振邦"], ids["陈立"]}
    head_a = bodies[ids["刘振华"]]
    assert "约谈提醒（2026-W12）" in head_a
    assert "建议对责任人进行约谈提醒" in head_a
    assert "<b>1.1</b> 措施1.1" in head_a
    assert "责任人：王建国" in head_a
    assert "时限：2026-06-30" in head_a
    assert "分派 18 天来未报送" in head_a
    assert "<b>1.2</b>" not in head_a  # 李晓燕 reported this period
    assert "<b>2.1</b>" not in head_a  # another unit's
    assert "<b>1.1</b>" in bodies[ids["孙振邦"]]
    assert "<b>2.1</b>" not in bodies[ids["孙振邦"]]  # he does not lead it

    audit = await escalation_audit(uow_factory)
    escalated = {entity_id: data for entity_id, data in audit}
    one_one = await task_id(uow_factory, ids["王建国"], "1.1")
    two_one = await task_id(uow_factory, ids["周敏"], "2.1")
    assert set(escalated) == {one_one, two_one}
    assert escalated[one_one]["period"] == "2026-W12"
    assert sorted(escalated[one_one]["recipients"]) == sorted(  # type: ignore[call-overload]
        [ids["刘振华"], ids["孙振邦"]]
    )
    assert escalated[two_one]["recipients"] == [ids["陈立"]]


async def test_closed_and_pending_review_tasks_are_never_escalated(uow_factory: Factory) -> None:
    clock = ManualClock(datetime(2026, 3, 2, 8, 0, tzinfo=SHANGHAI))
    ids = await escalation_setup(uow_factory, clock)
    await friday(uow_factory, clock, 6)
    await friday(uow_factory, clock, 13)  # 2.1, 2.2 and 2.3 all red (overdue)
    await week_16_march(uow_factory, clock, ids)
    await friday(uow_factory, clock, 20)  # 2.2 waits for sign-off, 2.3 is closed

    body = (await escalations(uow_factory))["2026-W12"][ids["陈立"]]
    assert "<b>2.1</b>" in body
    assert "<b>2.2</b>" not in body  # overdue, hence red, but the coordinators have it
    assert "<b>2.3</b>" not in body
    entities = {entity_id for entity_id, _ in await escalation_audit(uow_factory)}
    assert await task_id(uow_factory, ids["周敏"], "2.2") not in entities
    assert await task_id(uow_factory, ids["周敏"], "2.3") not in entities


async def test_a_person_who_is_both_unit_head_and_lead_leader_gets_one_message(
    uow_factory: Factory,
) -> None:
    clock = ManualClock(datetime(2026, 3, 2, 8, 0, tzinfo=SHANGHAI))
    ids = await escalation_setup(uow_factory, clock)
    for day in (6, 13, 20):
        await friday(uow_factory, clock, day)
    # 陈立 heads 区财政局 and leads its tasks: one message (escalations() checks there is one
    # row per person), listing each task once although he is told in both capacities.
    body = (await escalations(uow_factory))["2026-W12"][ids["陈立"]]
    assert body.count("<b>2.1</b>") == 1
    assert body.count("<b>2.2</b>") == 1  # nobody asked for sign-off in this story
    assert body.count("约谈提醒") == 2  # the title and the recommendation, not twice the header


async def test_escalation_is_sent_once_per_period_and_again_the_next_period_while_still_red(
    uow_factory: Factory,
) -> None:
    clock = ManualClock(datetime(2026, 3, 2, 8, 0, tzinfo=SHANGHAI))
    ids = await escalation_setup(uow_factory, clock)
    await friday(uow_factory, clock, 6)
    await friday(uow_factory, clock, 13)
    await week_16_march(uow_factory, clock, ids)
    first = await friday(uow_factory, clock, 20)
    assert ("escalation", "2026-W12") in {(r.kind.value, r.period) for r in first.done}
    before = await escalations(uow_factory)
    audit_before = await escalation_audit(uow_factory)

    # Later ticks in the same period, including a restart on Monday, add nothing.
    for moment in (datetime(2026, 3, 20, 17, 30), datetime(2026, 3, 23, 9, 45)):
        clock.set(moment.replace(tzinfo=SHANGHAI))
        result = await tick_at(uow_factory, clock)
        assert all(r.kind.value != "escalation" for r in result.done)
    assert await escalations(uow_factory) == before
    assert await escalation_audit(uow_factory) == audit_before

    await friday(uow_factory, clock, 27)  # W13: 1.1 and 2.1 are still red
    sent = await escalations(uow_factory)
    assert set(sent) == {"2026-W12", "2026-W13"}
    again = sent["2026-W13"]
    assert set(again) == {ids["刘振华"], ids["孙振邦"], ids["陈立"]}
    assert "<b>1.1</b>" in again[ids["刘振华"]]
    # 李晓燕's 1.2 is red again in W13 after her one report, but was not red in W12.
    assert "<b>1.2</b>" not in again[ids["刘振华"]]
    assert "<b>2.1</b>" in again[ids["陈立"]]
    assert "<b>2.2</b>" not in again[ids["陈立"]]
    periods = [data["period"] for _, data in await escalation_audit(uow_factory)]
    assert periods.count("2026-W13") == 2
    assert periods.count("2026-W12") == 2


async def test_nothing_is_escalated_on_the_strength_of_a_period_missed_while_down(
    uow_factory: Factory,
) -> None:
    # Down from Monday 2 to Thursday 19 March: the W10 and W11 runs are marked missed, so there
    # is no record of what was red in W11 and the first escalation waits for W13 rather than
    # trusting a replay of the lights over today's data.
    clock = ManualClock(datetime(2026, 3, 2, 8, 0, tzinfo=SHANGHAI))
    ids = await escalation_setup(uow_factory, clock)
    clock.set(datetime(2026, 3, 19, 10, 0, tzinfo=SHANGHAI))
    result = await tick_at(uow_factory, clock)
    assert ("escalation", "2026-W11") in {(r.kind.value, r.period) for r in result.missed}
    await friday(uow_factory, clock, 20)
    assert await escalations(uow_factory) == {}
    await friday(uow_factory, clock, 27)
    sent = await escalations(uow_factory)
    assert set(sent) == {"2026-W13"}
    assert "<b>1.1</b>" in sent["2026-W13"][ids["刘振华"]]


async def test_a_deadline_of_9999_12_31_in_the_database_does_not_stop_the_tick(
    uow_factory: Factory,
) -> None:
    clock = ManualClock(datetime(2026, 3, 5, 8, 0, tzinfo=SHANGHAI))
    await setup(uow_factory, clock)
    async with uow_factory() as uow:
        session = uow.tasks.session  # type: ignore[attr-defined]
        await session.execute(
            update(TaskRow).where(TaskRow.number == "1.2").values(due_on=date(9999, 12, 31))
        )
        await uow.commit()
    await tick_at(uow_factory, clock)
    clock.set(datetime(2026, 3, 6, 9, 30, tzinfo=SHANGHAI))  # Friday's check-in
    result = await tick_at(uow_factory, clock)
    assert "checkin" in [r.kind.value for r in result.done]
    assert result.failed == []
    kinds = [kind for kind, *_ in await outbox(uow_factory)]
    assert kinds.count("checkin") == 2  # both officials, the bad deadline's owner too


async def test_a_failing_run_is_reported_once_and_the_others_still_go_out(
    uow_factory: Factory,
) -> None:
    clock = ManualClock(datetime(2026, 3, 8, 8, 0, tzinfo=SHANGHAI))
    await setup(uow_factory, clock)

    def broken_chart(board: object, lang: str) -> bytes:
        raise RuntimeError("matplotlib is gone")

    async def tick_with_broken_chart() -> TickResult:
        return await tick(
            uow=uow_factory(),
            clock=clock,
            policy=POLICY,
            lights=LIGHTS,
            audience=Audience(),
            render=Renderers(chart=broken_chart),
        )

    await tick_with_broken_chart()
    clock.set(datetime(2026, 3, 9, 9, 45, tzinfo=SHANGHAI))  # Monday: digest 09:00, heads 09:30
    result = await tick_with_broken_chart()
    assert [r.kind.value for r in result.failed] == ["digest"]
    assert "unit_head" in [r.kind.value for r in result.done]  # due in the same tick
    clock.advance(timedelta(minutes=1))
    again = await tick_with_broken_chart()  # recorded as failed: not retried every minute
    assert again.failed == []
    notices = [key for kind, _, key, _ in await outbox(uow_factory) if kind == "run_failed"]
    assert len(notices) == 1  # the one coordinator, told once
    assert not [kind for kind, *_ in await outbox(uow_factory) if kind == "digest"]
    async with uow_factory() as uow:
        assert await uow.runs.run_status("digest", "2026-W11") == "failed"


async def test_two_tickers_starting_at_once_do_not_collide(uow_factory: Factory) -> None:
    clock = ManualClock(datetime(2026, 3, 5, 8, 0, tzinfo=SHANGHAI))
    await setup(uow_factory, clock)
    first, second = await asyncio.gather(
        tick_at(uow_factory, clock), tick_at(uow_factory, clock), return_exceptions=True
    )
    assert not isinstance(first, BaseException), first
    assert not isinstance(second, BaseException), second


def round_of(measures: int) -> Workbook:
    """One official with `measures` tasks, each with its own deadline."""
    people = (SheetPerson(2, "王建国", "区发展改革委", frozenset({Role.OFFICIAL})),)
    tasks = tuple(
        SheetTask(
            3 + i,
            f"{i + 1}.1",
            "类别",
            f"问题{i}",
            f"措施{i}",
            "区发展改革委",
            "王建国",
            None,
            date(2026, 6, 1) + timedelta(days=i),
            TaskKind.BOUNDED,
        )
        for i in range(measures)
    )
    return Workbook(people=people, tasks=tasks)


@contextmanager
def counting() -> Iterator[list[str]]:
    """Collect the SQL statements every engine issues inside the block."""
    seen: list[str] = []

    def listen(_c: object, _cur: object, statement: str, *_rest: object) -> None:
        seen.append(statement)

    event.listen(Engine, "before_cursor_execute", listen)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", listen)


async def test_a_tick_with_nothing_due_issues_the_same_few_statements_for_any_round_size(
    database_url: str,
) -> None:
    counts = []
    for measures in (3, 300):  # the second round comes on top: 3, then 303 open measures
        engine = make_engine(database_url)
        factory = make_session_factory(engine)

        def uow_factory(factory: async_sessionmaker[AsyncSession] = factory) -> UnitOfWork:
            return SqlUnitOfWork(factory)

        clock = ManualClock(datetime(2026, 3, 8, 2, 0, tzinfo=SHANGHAI))  # a Sunday night
        await importing.import_workbook(
            uow=uow_factory(),
            clock=clock,
            workbook=round_of(measures),
            campaign_name=f"轮{measures}",
        )
        await tick_at(uow_factory, clock)  # the first tick only notes the start
        clock.advance(timedelta(minutes=1))
        with counting() as seen:
            result = await tick_at(uow_factory, clock)
        await engine.dispose()
        assert not result.done
        assert not result.missed
        # Only the distinct deadlines are asked: no task row and no person is loaded.
        assert not any(s.startswith("SELECT tasks.id") or "FROM people" in s for s in seen)
        counts.append(len(seen))
    assert counts[0] == counts[1] <= 8  # state read and written, deadlines asked, nothing loaded


def officials_round(officials: int) -> Workbook:
    """`officials` officials of one unit with two measures each, none reported yet."""
    people = tuple(
        SheetPerson(2 + i, f"官员{officials}-{i:03d}", "区发展改革委", frozenset({Role.OFFICIAL}))
        for i in range(officials)
    )
    tasks = tuple(
        SheetTask(
            2 + i,
            f"{i // 2 + 1}.{i % 2 + 1}",
            "类别",
            f"问题{i // 2}",
            f"措施{i}",
            "区发展改革委",
            f"官员{officials}-{i // 2:03d}",
            None,
            date(2026, 6, 30),
            TaskKind.BOUNDED,
        )
        for i in range(2 * officials)
    )
    return Workbook(people=people, tasks=tasks)


async def test_the_friday_checkin_is_written_in_bulk_once_for_any_number_of_officials(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Rows are written every 100 messages while the quiet tasks are still being read: the
    # second round's 122 check-ins cross that line on both engines.
    monkeypatch.setattr(reminders, "OUTBOX_BATCH", 100)
    counts = []
    for week, officials in enumerate((2, 120)):  # the second round on top: 2, then 122
        engine = make_engine(database_url)
        factory = make_session_factory(engine)

        def uow_factory(factory: async_sessionmaker[AsyncSession] = factory) -> UnitOfWork:
            return SqlUnitOfWork(factory)

        thursday = datetime(2026, 3, 12, 9, 0, tzinfo=SHANGHAI) + timedelta(weeks=week)
        clock = ManualClock(thursday)
        await importing.import_workbook(
            uow=uow_factory(),
            clock=clock,
            workbook=officials_round(officials),
            campaign_name=f"轮{officials}",
        )
        async with uow_factory() as uow:
            for person in await uow.people.active():
                if person.telegram_user_id is None:
                    await uow.people.bind(person.id, 5000 + person.id, None)
            await uow.commit()
        await tick_at(uow_factory, clock)  # the first tick only notes the start
        clock.advance(timedelta(days=1, minutes=31))  # Friday 09:31: the check-in is due
        await tick_at(uow_factory, ManualClock(clock.now() - timedelta(minutes=2)))  # 09:29
        with counting() as seen:
            result = await tick_at(uow_factory, clock)
        assert "checkin" in [r.kind.value for r in result.done]
        checkins = [p for k, p, *_ in await outbox(uow_factory) if k == "checkin"]
        assert result.enqueued >= checkins.count(result.done[-1].period) == 2 + 120 * week
        again = await tick_at(uow_factory, clock)  # the same moment once more: nothing new
        assert again.enqueued == 0
        assert len([k for k, *_ in await outbox(uow_factory) if k == "checkin"]) == len(checkins)
        await engine.dispose()
        counts.append(len(seen))
    # The tasks are selected once and the rows inserted together: sixty times the officials
    # cost one more INSERT (the batch of 100), not one per official; which runs are already
    # recorded is one query however many fall in the window.
    assert counts[0] + 1 == counts[1] <= 16, counts


async def test_while_one_process_ticks_on_postgresql_another_tick_does_nothing(
    database_url: str, uow_factory: Factory
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite runs one process per file (bot/single.py); nothing to share")
    clock = ManualClock(datetime(2026, 3, 8, 2, 0, tzinfo=SHANGHAI))
    await tick_at(uow_factory, clock)  # the first tick only notes the start
    clock.advance(timedelta(minutes=1))
    async with uow_factory() as holder:  # another replica, in the middle of its tick
        assert await holder.runs.claim_tick()
        skipped = await tick_at(uow_factory, clock)
        assert skipped.elsewhere
        await holder.commit()  # its tick ends: the lock goes with its transaction
    assert not (await tick_at(uow_factory, clock)).elsewhere


async def test_the_months_bulletin_lists_the_red_items_its_digests_listed(
    uow_factory: Factory,
) -> None:
    clock = ManualClock(datetime(2026, 2, 2, 8, 0, tzinfo=SHANGHAI))
    await setup(uow_factory, clock)
    bulletins: list[BulletinInput] = []

    def keep(data: BulletinInput) -> bytes:
        bulletins.append(data)
        return b"docx"

    render = Renderers(bulletin_doc=keep)
    red_in_digests: dict[str, int] = {}
    while clock.now() < datetime(2026, 3, 3, 18, 0, tzinfo=SHANGHAI):
        clock.advance(timedelta(hours=1))
        result = await tick(uow=uow_factory(), clock=clock, policy=POLICY, lights=LIGHTS,
                            audience=Audience(), render=render)  # fmt: skip
        if any(r.kind.value == "digest" for r in result.done):
            async with uow_factory() as uow:
                [campaign] = await uow.campaigns.open_campaigns()
                red = await uow.tasks.page(
                    TaskQuery(campaign.id, red_at=thresholds(clock.now(), LIGHTS)),
                    limit=100,
                    offset=0,
                )
            if clock.now().month == 2:
                for t in red:
                    red_in_digests[t.number] = red_in_digests.get(t.number, 0) + 1
    [february] = [b for b in bulletins if b.month == "2026-02"]
    listed = {t.number: weeks for t, weeks in february.red_listed}
    assert listed  # the tasks due on 20 February were red in the digest after the holiday
    assert listed == red_in_digests
    async with uow_factory() as uow:
        session = uow.outbox.session  # type: ignore[attr-defined]
        bodies = await session.scalars(select(OutboxRow.parts).where(OutboxRow.kind == "bulletin"))
        text_of_bulletin = "".join(part for parts in bodies for part in parts)
    assert f"本月周报共列出红灯事项 {len(listed)} 项" in text_of_bulletin
