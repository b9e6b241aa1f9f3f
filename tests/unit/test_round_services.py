"""The round services' rules on in-memory ports: which round, who may change its calendar."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from bot.clock import ManualClock
from domain import campaigns
from domain.errors import AmbiguousCampaign, BadMilestoneCommand, NotFound, PermissionDenied
from domain.model import CampaignSource, Person, Role
from domain.rhythm.milestones import (
    Change,
    Milestone,
    MilestoneCommand,
    MilestoneRules,
    RoundCalendar,
    round_calendar,
)
from domain.rhythm.workdays import WorkCalendar
from tests.conftest import SHANGHAI
from tests.fakes import FakeStore, person

CLOCK = ManualClock(datetime(2026, 11, 30, 10, 0, tzinfo=SHANGHAI))
GAO = person(1, Role.COORDINATOR)
SUN = person(2, Role.LEADER, name="孙振邦")
WANG = person(3, Role.OFFICIAL, name="王建国")


async def calendar_of(store: FakeStore, who: Person, command: MilestoneCommand) -> RoundCalendar:
    return await round_calendar(
        uow=store.uow(),
        clock=CLOCK,
        person=who,
        rules=MilestoneRules(),
        work=WorkCalendar(),
        tz=SHANGHAI,
        command=command,
    )


async def test_the_only_open_round_is_current_and_a_closed_one_never_is() -> None:
    store = FakeStore()
    store.campaign("第一轮", is_open=False)
    second = store.campaign("第二轮")
    async with store.uow() as uow:
        assert await campaigns.current_campaign(uow, GAO) == second


async def test_with_two_open_rounds_the_chosen_one_is_current_and_unchosen_is_ambiguous() -> None:
    store = FakeStore()
    store.campaign("区委第一轮巡察")
    second = store.campaign("区委第二轮巡察")
    async with store.uow() as uow:
        with pytest.raises(AmbiguousCampaign) as unclear:
            await campaigns.current_campaign(uow, GAO)
    assert unclear.value.params["open"] == ["区委第一轮巡察", "区委第二轮巡察"]
    found = await campaigns.switch_campaign(uow=store.uow(), person=GAO, name="第二轮")
    assert found == second
    async with store.uow() as uow:
        assert await campaigns.current_campaign(uow, GAO) == second
        with pytest.raises(AmbiguousCampaign):  # the choice is the coordinator's own
            await campaigns.current_campaign(uow, SUN)


async def test_a_partial_name_matching_several_rounds_returns_them_and_unknown_is_not_found() -> (
    None
):
    store = FakeStore()
    store.campaign("区委第一轮巡察")
    store.campaign("区委第二轮巡察")
    found = await campaigns.switch_campaign(uow=store.uow(), person=GAO, name="巡察")
    assert isinstance(found, list)
    assert [c.name for c in found] == ["区委第一轮巡察", "区委第二轮巡察"]
    with pytest.raises(NotFound):
        await campaigns.switch_campaign(uow=store.uow(), person=GAO, name="审计")


async def test_a_coordinator_changes_the_calendar_and_each_change_is_committed_and_audited() -> (
    None
):
    store = FakeStore()
    store.campaign("第一轮")
    shown = await calendar_of(store, GAO, MilestoneCommand(Change.FEEDBACK, day=date(2026, 11, 20)))
    assert [s.due_on for s in shown.states] == [date(2026, 12, 4), date(2027, 1, 20)]
    await calendar_of(store, GAO, MilestoneCommand(Change.SOURCE, source=CampaignSource.AUDIT))
    shown = await calendar_of(store, GAO, MilestoneCommand(Change.SUBMITTED, Milestone.PLAN))
    assert shown.campaign.source == CampaignSource.AUDIT
    assert shown.states[0].due_on == date(2026, 12, 11)  # 15 working days
    assert shown.states[0].submitted_on == date(2026, 11, 30)  # today, by default
    assert [e.action for e in store.tables.audit] == [
        "milestone.feedback",
        "milestone.source",
        "milestone.submitted",
    ]


async def test_a_refused_change_writes_nothing() -> None:
    store = FakeStore()
    store.campaign("第一轮")
    with pytest.raises(BadMilestoneCommand) as refused:
        await calendar_of(
            store, GAO, MilestoneCommand(Change.SUBMITTED, Milestone.PLAN, date(2026, 12, 25))
        )
    assert refused.value.key == "error.milestone_future"
    assert store.tables.milestones == {}
    assert store.tables.audit == []


@pytest.mark.parametrize(
    ("who", "command", "allowed"),
    [
        (SUN, MilestoneCommand(), True),
        (SUN, MilestoneCommand(Change.FEEDBACK, day=date(2026, 11, 20)), False),
        (WANG, MilestoneCommand(), False),
        (person(4, Role.UNIT_HEAD, name="刘振华"), MilestoneCommand(), False),
        (
            person(5, Role.ADMIN, name="管理员"),
            MilestoneCommand(Change.DUE, Milestone.REPORT),
            True,
        ),
    ],
)
async def test_who_may_read_and_who_may_change_the_calendar(
    who: Person, command: MilestoneCommand, allowed: bool
) -> None:
    store = FakeStore()
    store.campaign("第一轮")
    if allowed:
        await calendar_of(store, who, command)
        return
    with pytest.raises(PermissionDenied):
        await calendar_of(store, who, command)
    assert store.tables.audit == []
