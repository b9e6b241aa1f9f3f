"""The round's milestones through Spring Festival 2026: reminders, submissions, a missed one."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from bot.clock import ManualClock
from domain.model import Person
from domain.rhythm.milestones import (
    Change,
    Milestone,
    MilestoneCommand,
    RoundCalendar,
    round_calendar,
)
from storage.tables import OutboxRow
from tests.conftest import SHANGHAI
from tests.integration.test_rhythm_tick import (
    CALENDAR,
    POLICY,
    Factory,
    _person,
    run_ticks,
    setup,
)


async def change(
    uow_factory: Factory, clock: ManualClock, person: Person, command: MilestoneCommand
) -> RoundCalendar:
    return await round_calendar(
        uow=uow_factory(),
        clock=clock,
        person=person,
        rules=POLICY.milestones,
        work=CALENDAR,
        tz=SHANGHAI,
        command=command,
    )


async def milestone_rows(uow_factory: Factory) -> list[tuple[str, str, str, date, list[str]]]:
    async with uow_factory() as uow:
        session = uow.outbox.session  # type: ignore[attr-defined]
        rows = await session.execute(
            select(
                OutboxRow.kind,
                OutboxRow.period,
                OutboxRow.key,
                OutboxRow.created_at,
                OutboxRow.parts,
            ).where(OutboxRow.kind.like("milestone%"))
        )
        return [(k, p, key, c.astimezone(SHANGHAI).date(), parts) for k, p, key, c, parts in rows]


async def test_plan_reminders_skip_the_holiday_a_submitted_plan_stops_them_a_missed_report_is_flagged(
    uow_factory: Factory,
) -> None:
    clock = ManualClock(datetime(2026, 2, 2, 8, 0, tzinfo=SHANGHAI))
    ids = await setup(uow_factory, clock)
    gao = await _person(uow_factory, ids["高飞"])
    # Feedback on Monday 2 February: the plan is due 14 days later, the 16th, which is New
    # Year's Eve, so on the first working day after the holiday, Tuesday the 24th.
    calendar = await change(
        uow_factory, clock, gao, MilestoneCommand(Change.FEEDBACK, day=date(2026, 2, 2))
    )
    plan, report = calendar.states
    assert plan.due_on == date(2026, 2, 24)
    assert report.due_on == date(2026, 4, 2)
    # The report's date is set by hand: 3 March.
    await change(
        uow_factory, clock, gao, MilestoneCommand(Change.DUE, Milestone.REPORT, date(2026, 3, 3))
    )
    await run_ticks(
        uow_factory, clock, datetime(2026, 2, 24, 8, 0, tzinfo=SHANGHAI), timedelta(hours=3)
    )
    # The plan goes in on the morning it is due, before the day's 09:00 reminder.
    calendar = await change(
        uow_factory, clock, gao, MilestoneCommand(Change.SUBMITTED, Milestone.PLAN)
    )
    assert calendar.states[0].submitted_on == date(2026, 2, 24)
    await run_ticks(
        uow_factory, clock, datetime(2026, 3, 5, 18, 0, tzinfo=SHANGHAI), timedelta(hours=3)
    )

    rows = await milestone_rows(uow_factory)
    campaign = plan.campaign_id
    sent = sorted((kind, period, day) for kind, period, _key, day, _parts in rows)
    plan_period, report_period = f"c{campaign}:plan:2026-02-24", f"c{campaign}:report:2026-03-03"
    assert sorted(set(sent)) == sorted(
        [
            # A week and a day before the plan both fall in the holiday: one reminder, on the
            # swapped working Saturday 14 February; nothing on the day, since it went in that morning.
            ("milestone1", plan_period, date(2026, 2, 14)),
            ("milestone0", report_period, date(2026, 3, 3)),
            ("milestone1", report_period, date(2026, 3, 2)),
            ("milestone7", report_period, date(2026, 2, 24)),
            ("milestone_missed", report_period, date(2026, 3, 4)),
        ]
    )
    readers = {
        kind: sorted(key.rsplit("|p", 1)[1] for k, _p, key, _d, _parts in rows if k == kind)
        for kind in ("milestone1", "milestone_missed")
    }
    # Coordinators and the head of a unit with measures in the round; the missed one: only
    # coordinators.
    both = sorted(str(ids[n]) for n in ("高飞", "刘振华"))
    assert readers["milestone1"] == sorted(both + both)  # the plan's and the report's
    assert readers["milestone_missed"] == [str(ids["高飞"])]
    body = next(
        parts[0] for k, p, _key, _d, parts in rows if k == "milestone1" and p == plan_period
    )
    assert "整改方案应于 2026-02-24（周二）前报送，还有 10 天" in body
    assert "依据：反馈日期 2026-02-02 后14天内" in body
    missed = next(parts[0] for k, *_rest, parts in rows if k == "milestone_missed")
    assert "整改情况报告应于 2026-03-03 前报送，尚未记录报送" in missed

    # The board shows one submitted, one missed.
    calendar = await change(uow_factory, clock, gao, MilestoneCommand())
    today = calendar.today
    assert [s.standing(today).value for s in calendar.states] == ["submitted", "missed"]


async def test_a_date_moved_after_its_week_reminder_gets_its_own_reminders(
    uow_factory: Factory,
) -> None:
    clock = ManualClock(datetime(2026, 11, 16, 8, 0, tzinfo=SHANGHAI))
    ids = await setup(uow_factory, clock)
    gao = await _person(uow_factory, ids["高飞"])
    await change(uow_factory, clock, gao, MilestoneCommand(Change.FEEDBACK, day=date(2026, 11, 13)))
    # Plan due Friday 27 November; its week reminder goes on the 20th.
    await run_ticks(
        uow_factory, clock, datetime(2026, 11, 23, 8, 0, tzinfo=SHANGHAI), timedelta(hours=3)
    )
    await change(
        uow_factory, clock, gao, MilestoneCommand(Change.DUE, Milestone.PLAN, date(2026, 12, 11))
    )
    await run_ticks(
        uow_factory, clock, datetime(2026, 12, 4, 10, 0, tzinfo=SHANGHAI), timedelta(hours=3)
    )
    plans = sorted(
        (day, kind, period)
        for kind, period, key, day, _parts in await milestone_rows(uow_factory)
        if ":plan:" in period and key.endswith(f"p{ids['高飞']}")
    )
    campaign = (await change(uow_factory, clock, gao, MilestoneCommand())).campaign.id
    assert plans == [
        (date(2026, 11, 20), "milestone7", f"c{campaign}:plan:2026-11-27"),
        # The old date's day-before reminder (26 November) is not sent; the new date's are.
        (date(2026, 12, 4), "milestone7", f"c{campaign}:plan:2026-12-11"),
    ]
