"""/remind on in-memory ports: whom a nudge reaches, and that it is sent once."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.clock import ManualClock
from domain.errors import NotFound, PermissionDenied
from domain.lights import LightPolicy
from domain.model import Notice, Role, TaskStatus
from domain.rhythm import nudges
from domain.rhythm.nudges import Choices, Reach, Target
from tests.conftest import SHANGHAI
from tests.fakes import FakeStore, person

CLOCK = ManualClock(datetime(2026, 11, 30, 10, 0, tzinfo=SHANGHAI))  # a Monday
POLICY = LightPolicy(tz=SHANGHAI)
GAO = person(1, Role.COORDINATOR)
WANG = person(2, Role.OFFICIAL, name="王建国")
WANG_WEI = person(3, Role.OFFICIAL, name="王伟")
LI = person(4, Role.OFFICIAL, name="李晓燕")
ZHAO = replace(person(5, Role.OFFICIAL, name="赵明"), telegram_user_id=None)  # never linked
REPORTED = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)


def store_with_tasks() -> FakeStore:
    store = FakeStore()
    store.campaign("普陀区巡察")
    for someone in (GAO, WANG, WANG_WEI, LI, ZHAO):
        store.add_person(someone)
    store.task(1, WANG)  # silent since it was created
    store.task(2, WANG, last_update_at=REPORTED)
    store.task(3, WANG_WEI)
    store.task(4, LI, last_update_at=REPORTED)
    store.task(5, LI, status=TaskStatus.CLOSED, percent=100)
    store.task(6, ZHAO)
    return store


async def resolve(store: FakeStore, words: str) -> Target | Choices:
    return await nudges.resolve(
        uow=store.uow(), clock=CLOCK, coordinator=GAO, policy=POLICY, words=words
    )


async def send(store: FakeStore, found: Target, token: str) -> Target:
    return await nudges.send(
        uow=store.uow(),
        clock=CLOCK,
        coordinator=GAO,
        policy=POLICY,
        scope=found.scope,
        target_id=found.target_id,
        focus_button=lambda task_id: f"ft:{task_id}",
        default_lang="zh",
        token=token,
    )


async def test_silent_reaches_whoever_has_not_reported_since_the_last_check_in() -> None:
    found = await resolve(store_with_tasks(), "未报送")
    assert isinstance(found, Target)
    assert [p.name for p in found.people] == ["王建国", "王伟"]
    assert [p.name for p in found.unreachable] == ["赵明"]  # named, not silently skipped
    assert [t.number for t in found.tasks[WANG.id]] == ["1.1"]  # 1.2 was reported


async def test_a_unique_name_reaches_that_person_and_a_shared_fragment_asks_which() -> None:
    store = store_with_tasks()
    found = await resolve(store, "李晓燕")
    assert isinstance(found, Target)
    assert (found.scope, found.label) == (Reach.PERSON, "李晓燕")
    assert [t.number for t in found.tasks[LI.id]] == ["1.4"]  # the signed-off 1.5 is not named
    choices = await resolve(store, "王")
    assert isinstance(choices, Choices)
    assert sorted(name for _, name in choices.people) == ["王伟", "王建国"]
    with pytest.raises(NotFound):
        await resolve(store, "钱")


async def test_a_nudge_is_queued_once_per_person_with_a_button_per_measure() -> None:
    store = store_with_tasks()
    found = await resolve(store, "王建国")
    assert isinstance(found, Target)
    sent = await send(store, found, token="t1")
    await send(store, found, token="t1")  # the confirmation pressed twice
    [message] = store.tables.outbox.values()
    assert (message.person_id, message.kind) == (WANG.id, Notice.REMIND)
    assert message.buttons == [[("✍️ 1.1", "ft:1"), ("✍️ 1.2", "ft:2")]]
    assert "高飞" in message.parts[0]
    assert [p.name for p in sent.people] == ["王建国"]
    assert [e.action for e in store.tables.audit] == ["remind.sent"]  # the second sent nothing


async def test_only_a_coordinator_nudges() -> None:
    with pytest.raises(PermissionDenied):
        await nudges.resolve(
            uow=store_with_tasks().uow(), clock=CLOCK, coordinator=LI, policy=POLICY, words="未报送"
        )
