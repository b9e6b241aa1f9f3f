"""The review (审核—销号) service's rules on in-memory ports: who reviews, what a decision changes."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.clock import ManualClock
from domain.errors import InvalidState, NotFound, OwnTask, PermissionDenied
from domain.model import Notice, Person, Role, TaskStatus
from domain.work import review
from tests.conftest import SHANGHAI
from tests.fakes import FakeStore, person

CLOCK = ManualClock(datetime(2026, 11, 30, 10, 0, tzinfo=SHANGHAI))
GAO = person(1, Role.COORDINATOR)
LIU = person(2, Role.COORDINATOR, name="刘敏")
ADMIN = person(3, Role.ADMIN, Role.LEADER, name="孙振邦")
WANG = person(4, Role.OFFICIAL, name="王建国")


def store_with_waiting_tasks() -> FakeStore:
    """Problem 1 has measures 1.7 (waiting for sign-off) and 1.8 (in progress)."""
    store = FakeStore()
    store.campaign("普陀区巡察")
    for someone in (GAO, LIU, ADMIN, WANG):
        store.add_person(someone)
    store.task(7, WANG, status=TaskStatus.PENDING_REVIEW, percent=100)
    store.task(8, WANG)
    return store


async def sign_off(store: FakeStore, who: Person, task_id: int = 7) -> review.ReviewOutcome:
    return await review.sign_off(
        uow=store.uow(), clock=CLOCK, reviewer=who, task_id=task_id, default_lang="zh"
    )


async def send_back(
    store: FakeStore, who: Person, reason: str, task_id: int = 7
) -> review.ReviewOutcome:
    return await review.send_back(
        uow=store.uow(),
        clock=CLOCK,
        reviewer=who,
        task_id=task_id,
        reason=reason,
        default_lang="zh",
    )


async def test_sign_off_closes_the_measure_stamps_it_and_tells_the_official() -> None:
    store = store_with_waiting_tasks()
    outcome = await sign_off(store, GAO)
    assert outcome.task.status == TaskStatus.CLOSED
    assert outcome.task.closed_at == CLOCK.now()
    assert not outcome.problem_rectified  # 1.8 is still open
    [told] = store.tables.outbox.values()
    assert (told.person_id, told.kind) == (WANG.id, Notice.REVIEW)
    assert [e.action for e in store.tables.audit] == ["task.signed_off"]


async def test_the_last_measure_signed_off_rectifies_its_problem() -> None:
    store = store_with_waiting_tasks()
    store.task(8, WANG, status=TaskStatus.CLOSED, percent=100)
    assert (await sign_off(store, GAO)).problem_rectified


async def test_of_two_coordinators_pressing_at_once_only_the_first_decides() -> None:
    store = store_with_waiting_tasks()
    await sign_off(store, GAO)
    with pytest.raises(InvalidState):
        await send_back(store, LIU, "材料不全")
    assert store.tables.tasks[7].status == TaskStatus.CLOSED
    assert len(store.tables.outbox) == 1


async def test_only_a_coordinator_reviews_not_an_admin_or_leader_by_those_roles() -> None:
    store = store_with_waiting_tasks()
    with pytest.raises(PermissionDenied):
        await sign_off(store, ADMIN)
    with pytest.raises(NotFound):
        await sign_off(store, GAO, task_id=99)
    assert store.tables.tasks[7].status == TaskStatus.PENDING_REVIEW


async def test_a_coordinator_who_reported_on_the_measure_may_not_review_it() -> None:
    store = store_with_waiting_tasks()
    store.report(store.tables.tasks[7], GAO, "代为报送：已完成")
    with pytest.raises(OwnTask):
        await sign_off(store, GAO)
    assert not review.may_review(GAO, store.tables.tasks[7], [GAO.id])
    assert (await sign_off(store, LIU)).task.status == TaskStatus.CLOSED


async def test_send_back_needs_a_reason_and_returns_the_percent_reported_before_asking() -> None:
    store = store_with_waiting_tasks()
    async with store.uow() as uow:
        await uow.audit.record(
            at=CLOCK.now(),
            actor_id=WANG.id,
            action="task.signoff_requested",
            entity="task",
            entity_id=7,
            data={"previous_percent": 80},
        )
        await uow.commit()
    with pytest.raises(InvalidState):
        await send_back(store, GAO, "   ")
    outcome = await send_back(store, GAO, "佐证材料不全，请补充会议纪要")
    assert (outcome.task.status, outcome.task.percent) == (TaskStatus.IN_PROGRESS, 80)
    assert store.tables.review_requested[7] is None
    [told] = store.tables.outbox.values()
    assert "佐证材料不全" in told.parts[0]


async def test_a_measure_not_waiting_for_review_cannot_be_signed_off() -> None:
    store = store_with_waiting_tasks()
    with pytest.raises(InvalidState):
        await sign_off(store, GAO, task_id=8)
    assert store.tables.tasks[8].status == TaskStatus.IN_PROGRESS
    assert not store.tables.outbox
