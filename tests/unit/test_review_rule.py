"""Who may sign a task off or send it back: one rule for the service and the /task view."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from domain.model import Person, Role, TaskKind, TaskStatus, TaskView
from domain.work.review import may_review

TASK = TaskView(
    id=1, campaign_id=1, number="1.1", problem_id=1, category=None, problem="问题",
    measure="措施", unit_id=1, unit_name="区委办", owner_id=10, owner_name="王建国",
    lead_id=None, lead_name=None, kind=TaskKind.BOUNDED, due_on=None,
    status=TaskStatus.PENDING_REVIEW, percent=100, created_at=datetime(2026, 1, 1, tzinfo=UTC),
    last_update_at=None,
)  # fmt: skip


def person(person_id: int, *roles: Role, active: bool = True) -> Person:
    return Person(id=person_id, name=f"p{person_id}", unit_id=1, unit_name="区委办",
                  roles=frozenset(roles), telegram_user_id=None, telegram_username=None,
                  phone=None, language=None, reachable=True, active=active)  # fmt: skip


@pytest.mark.parametrize(
    ("who", "authors", "allowed"),
    [
        (person(20, Role.COORDINATOR), [10], True),  # a coordinator, the owner reported
        (person(20, Role.ADMIN), [10], False),  # an admin alone does not review
        (person(20, Role.LEADER, Role.UNIT_HEAD), [10], False),  # nor a leader
        (person(10, Role.COORDINATOR, Role.OFFICIAL), [10], False),  # not one's own task
        (person(20, Role.COORDINATOR), [10, 20], False),  # nor one reported on (reassigned)
        (person(20, Role.COORDINATOR, active=False), [10], False),  # nor when deactivated
        (person(20, Role.COORDINATOR, Role.ADMIN), [], True),
    ],
)
def test_who_may_review_a_task(who: Person, authors: list[int], allowed: bool) -> None:
    assert may_review(who, TASK, authors) is allowed


def test_a_coordinator_who_reported_before_a_reassignment_still_may_not_review() -> None:
    reassigned = replace(TASK, owner_id=30)  # 20 reported while owning it, then it moved
    assert not may_review(person(20, Role.COORDINATOR), reassigned, [20, 30])
    assert may_review(person(40, Role.COORDINATOR), reassigned, [20, 30])
