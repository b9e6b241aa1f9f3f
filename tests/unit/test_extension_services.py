"""The extension (申请延期) service's rules on in-memory ports: who asks, who decides, what changes."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from bot.clock import ManualClock
from domain.errors import (
    BadExtensionDate,
    ExtensionPending,
    InvalidState,
    NotFound,
    OwnTask,
    PermissionDenied,
)
from domain.model import Notice, Person, Role, TaskStatus
from domain.work import extensions
from domain.work.extensions import ExtensionView
from tests.conftest import SHANGHAI
from tests.fakes import FakeStore, person

CLOCK = ManualClock(datetime(2026, 11, 30, 10, 0, tzinfo=SHANGHAI))
TODAY = date(2026, 11, 30)
GAO = person(1, Role.COORDINATOR)
LIU = person(2, Role.COORDINATOR, name="刘敏")
SUN = person(3, Role.LEADER, name="孙振邦")
WANG = person(4, Role.OFFICIAL, name="王建国")
LI = person(5, Role.OFFICIAL, name="李晓燕")


def store_with_task(**task: object) -> FakeStore:
    store = FakeStore()
    store.campaign("普陀区巡察")
    for someone in (GAO, LIU, SUN, WANG, LI):
        store.add_person(someone)
    store.task(7, WANG, **task)
    return store


def no_buttons(extension_id: int, lang: str) -> list[list[tuple[str, str]]]:
    return [[(f"decide {extension_id}", f"de:{extension_id}:{lang}")]]


async def ask(store: FakeStore, who: Person, body: str, task_id: int = 7) -> ExtensionView:
    return await extensions.request_extension(
        uow=store.uow(),
        clock=CLOCK,
        person=who,
        task_id=task_id,
        body=body,
        buttons=no_buttons,
        default_lang="zh",
        tz_today=TODAY,
    )


async def decide(
    store: FakeStore, who: Person, extension_id: int, *, approve: bool, **more: object
) -> ExtensionView:
    return await extensions.decide(
        uow=store.uow(),
        clock=CLOCK,
        person=who,
        extension_id=extension_id,
        approve=approve,
        default_lang="zh",
        **more,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("资金未到位", "no_date"),
        ("2027-02-30 资金未到位", "bad_date"),
        ("2026-11-30 资金未到位", "past"),
        ("2040-01-01 资金未到位", "too_far"),
        ("2027-03-31", "no_reason"),
    ],
)
def test_a_request_without_a_usable_date_and_reason_says_what_is_missing(
    body: str, problem: str
) -> None:
    with pytest.raises(BadExtensionDate) as bad:
        extensions.parse_request(body, TODAY)
    assert bad.value.params["problem"] == problem


def test_the_date_may_stand_anywhere_in_the_request() -> None:
    assert extensions.parse_request("资金未到位，申请延期至2027年3月31日", TODAY) == (
        date(2027, 3, 31),
        "资金未到位，申请延期至",
    )


async def test_the_owner_asks_and_every_other_active_coordinator_gets_the_request_with_buttons() -> (
    None
):
    store = store_with_task()
    asked = await ask(store, WANG, "2027-03-31 资金未到位")
    assert asked.extension.requested_due == date(2027, 3, 31)
    assert asked.extension.old_due == date(2026, 12, 31)
    sent = list(store.tables.outbox.values())
    assert sorted(m.person_id for m in sent if m.person_id is not None) == [GAO.id, LIU.id]
    assert all(m.kind == Notice.EXTENSION and m.buttons for m in sent)
    assert "资金未到位" in sent[0].parts[0]
    assert [e.action for e in store.tables.audit] == ["extension.requested"]


async def test_only_the_owner_may_ask_and_not_for_an_unknown_task() -> None:
    store = store_with_task()
    with pytest.raises(PermissionDenied):
        await ask(store, LI, "2027-03-31 资金未到位")
    with pytest.raises(NotFound):
        await ask(store, WANG, "2027-03-31 资金未到位", task_id=99)
    assert not store.tables.extensions
    assert not store.tables.outbox


async def test_a_second_request_waits_for_the_first_decision() -> None:
    store = store_with_task()
    await ask(store, WANG, "2027-03-31 资金未到位")
    with pytest.raises(ExtensionPending):
        await ask(store, WANG, "2027-04-30 仍未到位")
    assert len(store.tables.extensions) == 1


async def test_a_date_not_after_the_current_deadline_is_not_an_extension() -> None:
    store = store_with_task()
    with pytest.raises(BadExtensionDate) as bad:
        await ask(store, WANG, "2026-12-20 资金未到位")
    assert bad.value.params == {"problem": "not_later", "due": "2026-12-31"}
    assert not store.tables.extensions


async def test_a_signed_off_measure_cannot_be_extended() -> None:
    store = store_with_task(status=TaskStatus.CLOSED, percent=100)
    with pytest.raises(InvalidState):
        await ask(store, WANG, "2027-03-31 资金未到位")


async def test_approval_moves_the_deadline_and_tells_the_owner_once() -> None:
    store = store_with_task()
    asked = await ask(store, WANG, "2027-03-31 资金未到位")
    decided = await decide(store, GAO, asked.extension.id, approve=True)
    assert decided.extension.outcome == "approved"
    assert decided.task.due_on == date(2027, 3, 31)
    told = store.tables.outbox[f"extension-approved|{asked.extension.id}"]
    assert told.person_id == WANG.id
    assert "2027-03-31" in told.parts[0]
    with pytest.raises(InvalidState):  # a second coordinator pressing a moment later
        await decide(store, LIU, asked.extension.id, approve=False)
    assert store.tables.tasks[7].due_on == date(2027, 3, 31)


async def test_a_coordinator_may_approve_another_date_but_not_one_before_the_old_deadline() -> None:
    store = store_with_task()
    asked = await ask(store, WANG, "2027-03-31 资金未到位")
    with pytest.raises(BadExtensionDate):
        await decide(store, GAO, asked.extension.id, approve=True, new_due=date(2026, 12, 1))
    assert store.tables.extensions[asked.extension.id].outcome is None  # nothing was kept
    decided = await decide(store, GAO, asked.extension.id, approve=True, new_due=date(2027, 2, 28))
    assert decided.task.due_on == date(2027, 2, 28)


async def test_refusal_keeps_the_deadline_and_passes_the_note_on() -> None:
    store = store_with_task()
    asked = await ask(store, WANG, "2027-03-31 资金未到位")
    decided = await decide(store, GAO, asked.extension.id, approve=False, note="请按期完成")
    assert decided.extension.outcome == "refused"
    assert decided.task.due_on == date(2026, 12, 31)
    assert "请按期完成" in store.tables.outbox[f"extension-refused|{asked.extension.id}"].parts[0]


async def test_a_leader_or_the_asker_cannot_decide() -> None:
    store = store_with_task()
    asked = await ask(store, WANG, "2027-03-31 资金未到位")
    with pytest.raises(PermissionDenied):
        await decide(store, SUN, asked.extension.id, approve=True)
    store.add_person(person(4, Role.OFFICIAL, Role.COORDINATOR, name="王建国"))
    with pytest.raises(OwnTask):
        await decide(store, store.tables.people[4], asked.extension.id, approve=True)
    assert store.tables.extensions[asked.extension.id].outcome is None
