"""Reassigning a measure and retiring a person, on in-memory ports."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest

from bot.clock import ManualClock
from domain.errors import InvalidState, NotFound, PermissionDenied, PersonUnknown
from domain.model import Notice, Person, Role, TaskStatus
from domain.work import assignments
from tests.conftest import SHANGHAI
from tests.fakes import FakeStore, person

CLOCK = ManualClock(datetime(2026, 11, 30, 10, 0, tzinfo=SHANGHAI))
GAO = person(1, Role.COORDINATOR)
WANG = person(2, Role.OFFICIAL, name="王建国")
LI = person(3, Role.OFFICIAL, name="李晓燕")
WANG_WEI = person(4, Role.OFFICIAL, name="王伟")
SUN = person(5, Role.LEADER, name="孙振邦")


def store_with_tasks() -> FakeStore:
    store = FakeStore()
    store.campaign("普陀区巡察")
    for someone in (GAO, WANG, LI, WANG_WEI, SUN):
        store.add_person(someone)
    store.task(1, WANG)
    store.task(2, WANG, status=TaskStatus.CLOSED, percent=100)
    store.task(3, LI)
    return store


async def reassign(store: FakeStore, task_id: int, to: Person) -> assignments.Reassigned:
    return await assignments.reassign(
        uow=store.uow(),
        clock=CLOCK,
        coordinator=GAO,
        task_id=task_id,
        person_id=to.id,
        default_lang="zh",
    )


async def test_a_reassigned_measure_changes_owner_and_both_people_are_told() -> None:
    store = store_with_tasks()
    moved = await reassign(store, 1, LI)
    assert (moved.before, moved.after) == (WANG, LI)
    assert store.tables.tasks[1].owner_id == LI.id
    told = {m.person_id: m for m in store.tables.outbox.values()}
    assert set(told) == {WANG.id, LI.id}
    assert all(m.kind == Notice.REASSIGN for m in told.values())
    [event] = store.tables.audit
    assert (event.action, event.data) == ("task.reassigned", {"from": "王建国", "to": "李晓燕"})


async def test_a_signed_off_measure_or_a_retired_person_cannot_take_part() -> None:
    store = store_with_tasks()
    with pytest.raises(InvalidState):
        await reassign(store, 2, LI)
    store.add_person(replace(LI, active=False))  # retired meanwhile
    with pytest.raises(PersonUnknown):
        await reassign(store, 1, LI)
    assert store.tables.tasks[1].owner_id == WANG.id
    assert not store.tables.outbox


async def test_only_a_coordinator_reassigns() -> None:
    store = store_with_tasks()
    with pytest.raises(PermissionDenied):
        await assignments.reassign(
            uow=store.uow(), clock=CLOCK, coordinator=SUN, task_id=1, person_id=LI.id,
            default_lang="zh",
        )  # fmt: skip


async def test_an_open_measure_is_found_by_its_number_in_the_current_round() -> None:
    store = store_with_tasks()
    found = await assignments.open_task(uow=store.uow(), coordinator=GAO, number=" 1.1 ")
    assert found.id == 1
    with pytest.raises(NotFound):
        await assignments.open_task(uow=store.uow(), coordinator=GAO, number="9.9")
    with pytest.raises(InvalidState):
        await assignments.open_task(uow=store.uow(), coordinator=GAO, number="1.2")


async def test_candidates_prefer_an_exact_name_over_names_containing_it() -> None:
    store = store_with_tasks()
    found = await assignments.candidates(uow=store.uow(), coordinator=GAO, name="王伟")
    assert found == [WANG_WEI]
    found = await assignments.candidates(uow=store.uow(), coordinator=GAO, name="王")
    assert sorted(p.name for p in found) == ["王伟", "王建国"]


async def test_retiring_lists_the_open_measures_left_and_revokes_the_invites() -> None:
    store = store_with_tasks()
    preview = await assignments.retirement_preview(uow=store.uow(), coordinator=GAO, person_id=2)
    assert [t.number for t in preview.orphaned] == ["1.1"]  # 1.2 is signed off
    assert store.tables.people[WANG.id].active  # a preview changes nothing
    done = await assignments.retire(uow=store.uow(), clock=CLOCK, coordinator=GAO, person_id=2)
    assert [t.number for t in done.orphaned] == ["1.1"]
    assert not store.tables.people[WANG.id].active
    assert store.tables.revoked_invites == [WANG.id]
    assert store.tables.audit[-1].data == {"open_tasks": ["1.1"]}
    with pytest.raises(NotFound):  # retired already
        await assignments.retire(uow=store.uow(), clock=CLOCK, coordinator=GAO, person_id=2)


async def test_a_coordinator_cannot_retire_themselves() -> None:
    store = store_with_tasks()
    with pytest.raises(InvalidState):
        await assignments.retire(uow=store.uow(), clock=CLOCK, coordinator=GAO, person_id=GAO.id)
    assert store.tables.people[GAO.id].active
