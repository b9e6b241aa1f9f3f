"""Domain services on a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from sqlalchemy import text as sql

from bot.clock import ManualClock
from domain.delivery.inbox import Closing, already_done, close, pending, store_update, store_updates
from domain.errors import (
    InviteInvalid,
    NoOpenTasks,
    NotFound,
    PermissionDenied,
    WorkbookRejected,
)
from domain.intake import importing
from domain.intake.workbook import read_workbook
from domain.lights import LightPolicy
from domain.model import (
    CampaignSource,
    Role,
    SheetPerson,
    SheetTask,
    TaskKind,
    TaskStatus,
    Workbook,
)
from domain.people import accounts
from domain.ports import TaskQuery, UnitOfWork
from domain.records.board import build_board
from domain.work import reporting
from domain.work.reporting import IncomingMessage
from tests.conftest import SHANGHAI

Factory = Callable[[], UnitOfWork]
POLICY = LightPolicy(tz=SHANGHAI)


def small_workbook(*, owner_of_second: str = "王建国") -> Workbook:
    """Two officials, a coordinator and a leader; three tasks on two problems."""
    people = (
        SheetPerson(2, "王建国", "区发展改革委", frozenset({Role.OFFICIAL})),
        SheetPerson(3, "李晓燕", "区发展改革委", frozenset({Role.OFFICIAL})),
        SheetPerson(4, "高飞", "区委巡察办", frozenset({Role.COORDINATOR})),
        SheetPerson(5, "孙振邦", "区领导小组", frozenset({Role.LEADER})),
    )
    tasks = (
        SheetTask(
            2,
            "1.1",
            "类别一",
            "问题甲",
            "措施一",
            "区发展改革委",
            "王建国",
            "孙振邦",
            date(2026, 12, 31),
            TaskKind.BOUNDED,
        ),
        SheetTask(
            3,
            "1.2",
            "类别一",
            "问题甲",
            "措施二",
            "区发展改革委",
            owner_of_second,
            "孙振邦",
            date(2027, 1, 29),
            TaskKind.BOUNDED,
        ),
        SheetTask(
            4,
            "2.1",
            "类别一",
            "问题乙",
            "措施三",
            "区发展改革委",
            "李晓燕",
            None,
            None,
            TaskKind.LONG_TERM,
        ),
    )
    return Workbook(people=people, tasks=tasks)


async def seed(uow_factory: Factory, clock: ManualClock, workbook: Workbook | None = None) -> None:
    await importing.import_workbook(
        uow=uow_factory(),
        clock=clock,
        workbook=workbook or small_workbook(),
        campaign_name="第一轮",
    )


async def person(uow_factory: Factory, name: str):  # type: ignore[no-untyped-def]
    async with uow_factory() as uow:
        found = await uow.people.by_name(name)
    assert found is not None
    return found


def msg(message_id: int, text: str, **kw: object) -> IncomingMessage:
    return IncomingMessage(chat_id=1001, message_id=message_id, text=text, **kw)  # type: ignore[arg-type]


async def test_putuo_workbook_imports_41_problems_and_152_tasks(
    uow_factory: Factory, clock: ManualClock, putuo_bytes: bytes
) -> None:
    workbook = read_workbook(putuo_bytes, allow_admin=True)
    summary = await importing.import_workbook(
        uow=uow_factory(), clock=clock, workbook=workbook, campaign_name="普陀区巡视整改"
    )
    assert (summary.problems, summary.tasks_added, summary.tasks_updated) == (41, 152, 0)
    async with uow_factory() as uow:
        campaign = await uow.campaigns.by_name("普陀区巡视整改")
        assert campaign is not None
        tasks = await uow.tasks.views_for_campaign(campaign.id)
    assert len(tasks) == 152
    assert len({t.unit_name for t in tasks}) == 12
    assert len({t.owner_name for t in tasks}) == 24


async def test_reimport_updates_plans_and_keeps_progress(
    uow_factory: Factory, clock: ManualClock
) -> None:
    await seed(uow_factory, clock)
    official = await person(uow_factory, "李晓燕")
    await reporting.receive_message(
        uow=uow_factory(), clock=clock, person=official, message=msg(1, "进度60%"), merge_seconds=0
    )
    summary = await importing.import_workbook(
        uow=uow_factory(), clock=clock, workbook=small_workbook(), campaign_name=None
    )
    assert (summary.tasks_added, summary.tasks_updated) == (0, 3)
    async with uow_factory() as uow:
        tasks = await uow.tasks.views_for_owner(official.id)
    assert [(t.number, t.percent, t.status) for t in tasks] == [("2.1", 60, TaskStatus.IN_PROGRESS)]


async def test_unknown_owner_rejects_the_whole_workbook_and_writes_nothing(
    uow_factory: Factory, clock: ManualClock
) -> None:
    with pytest.raises(WorkbookRejected) as caught:
        await seed(uow_factory, clock, small_workbook(owner_of_second="张无名"))
    assert [(e.row, e.column) for e in caught.value.errors] == [(3, "责任人")]
    assert "张无名" in caught.value.errors[0].reason.plain("zh")
    async with uow_factory() as uow:
        assert await uow.campaigns.open_campaigns() == []
        assert await uow.people.active() == []


async def test_invite_binds_once_and_a_new_invite_revokes_the_old(
    uow_factory: Factory, clock: ManualClock
) -> None:
    await seed(uow_factory, clock)
    first = await accounts.issue_invite(uow=uow_factory(), clock=clock, name="王建", valid_days=14)
    second = await accounts.issue_invite(
        uow=uow_factory(), clock=clock, name="王建国", valid_days=14
    )
    with pytest.raises(InviteInvalid):
        await accounts.bind_account(
            uow=uow_factory(), clock=clock, code=first.code, telegram_user_id=7, username=None
        )
    bound = await accounts.bind_account(
        uow=uow_factory(), clock=clock, code=second.code, telegram_user_id=7, username="wjg"
    )
    assert (bound.name, bound.telegram_user_id) == ("王建国", 7)
    with pytest.raises(InviteInvalid):  # single use
        await accounts.bind_account(
            uow=uow_factory(), clock=clock, code=second.code, telegram_user_id=8, username=None
        )


async def test_expired_invite_is_refused(uow_factory: Factory, clock: ManualClock) -> None:
    await seed(uow_factory, clock)
    invite = await accounts.issue_invite(uow=uow_factory(), clock=clock, name="高飞", valid_days=14)
    clock.advance(timedelta(days=14, seconds=1))
    with pytest.raises(InviteInvalid):
        await accounts.bind_account(
            uow=uow_factory(), clock=clock, code=invite.code, telegram_user_id=9, username=None
        )


async def test_report_from_an_official_with_one_task_goes_to_that_task(
    uow_factory: Factory, clock: ManualClock
) -> None:
    await seed(uow_factory, clock)
    official = await person(uow_factory, "李晓燕")
    outcome = await reporting.receive_message(
        uow=uow_factory(),
        clock=clock,
        person=official,
        message=msg(1, "已完成八成"),
        merge_seconds=60,
    )
    assert outcome.task is not None
    assert (outcome.task.number, outcome.task.percent) == ("2.1", 80)
    assert outcome.task.status == TaskStatus.IN_PROGRESS


async def test_report_from_an_official_with_several_tasks_asks_which_then_applies(
    uow_factory: Factory, clock: ManualClock
) -> None:
    await seed(uow_factory, clock)
    official = await person(uow_factory, "王建国")
    outcome = await reporting.receive_message(
        uow=uow_factory(),
        clock=clock,
        person=official,
        message=msg(1, "完成一半"),
        merge_seconds=60,
    )
    assert outcome.task is None
    assert [t.number for t in outcome.choices] == ["1.1", "1.2"]
    placed = await reporting.assign_report(
        uow=uow_factory(),
        clock=clock,
        person=official,
        report_id=outcome.report.id,
        task_id=outcome.choices[1].id,
    )
    assert placed.task is not None
    assert (placed.task.number, placed.task.percent) == ("1.2", 50)


async def test_two_parts_within_the_window_make_one_report(
    uow_factory: Factory, clock: ManualClock
) -> None:
    await seed(uow_factory, clock)
    official = await person(uow_factory, "李晓燕")
    first = await reporting.receive_message(
        uow=uow_factory(),
        clock=clock,
        person=official,
        message=msg(1, "第一部分"),
        merge_seconds=60,
    )
    clock.advance(timedelta(seconds=2))
    second = await reporting.receive_message(
        uow=uow_factory(),
        clock=clock,
        person=official,
        message=msg(2, "第二部分，进度70%"),
        merge_seconds=60,
    )
    assert second.merged
    assert second.report.id == first.report.id
    assert second.report.text == "第一部分\n第二部分，进度70%"
    assert second.task is not None
    assert second.task.percent == 70


async def test_an_edit_reparses_the_report_instead_of_adding_one(
    uow_factory: Factory, clock: ManualClock
) -> None:
    await seed(uow_factory, clock)
    official = await person(uow_factory, "李晓燕")
    await reporting.receive_message(
        uow=uow_factory(),
        clock=clock,
        person=official,
        message=msg(1, "进度30%"),
        merge_seconds=60,
    )
    edited = await reporting.edit_message(
        uow=uow_factory(),
        clock=clock,
        person=official,
        chat_id=1001,
        message_id=1,
        text="进度40%",
    )
    assert edited is not None
    assert edited.task is not None
    assert edited.task.percent == 40


async def test_withdrawing_the_latest_report_restores_the_task(
    uow_factory: Factory, clock: ManualClock
) -> None:
    await seed(uow_factory, clock)
    official = await person(uow_factory, "李晓燕")
    outcome = await reporting.receive_message(
        uow=uow_factory(),
        clock=clock,
        person=official,
        message=msg(1, "进度90%"),
        merge_seconds=60,
    )
    _, task = await reporting.withdraw_report(
        uow=uow_factory(), clock=clock, person=official, report_id=outcome.report.id
    )
    assert task is not None
    assert (task.percent, task.status, task.last_update_at) == (0, TaskStatus.OPEN, None)


async def test_officials_cannot_touch_each_others_reports_or_tasks(
    uow_factory: Factory, clock: ManualClock
) -> None:
    await seed(uow_factory, clock)
    wang = await person(uow_factory, "王建国")
    li = await person(uow_factory, "李晓燕")
    outcome = await reporting.receive_message(
        uow=uow_factory(), clock=clock, person=li, message=msg(1, "进度90%"), merge_seconds=60
    )
    assert outcome.task is not None
    with pytest.raises(NotFound):
        await reporting.withdraw_report(
            uow=uow_factory(), clock=clock, person=wang, report_id=outcome.report.id
        )
    with pytest.raises(PermissionDenied):
        await reporting.request_signoff(
            uow=uow_factory(), clock=clock, person=wang, task_id=outcome.task.id
        )


async def test_signoff_request_marks_the_task_pending_and_names_the_reviewers(
    uow_factory: Factory, clock: ManualClock
) -> None:
    await seed(uow_factory, clock)
    li = await person(uow_factory, "李晓燕")
    outcome = await reporting.receive_message(
        uow=uow_factory(), clock=clock, person=li, message=msg(1, "已整改到位"), merge_seconds=60
    )
    assert outcome.report.done
    assert outcome.task is not None
    request = await reporting.request_signoff(
        uow=uow_factory(), clock=clock, person=li, task_id=outcome.task.id
    )
    assert request.task.status == TaskStatus.PENDING_REVIEW
    assert [p.name for p in request.reviewers] == ["高飞"]


async def test_a_person_without_open_tasks_is_told_so(
    uow_factory: Factory, clock: ManualClock
) -> None:
    await seed(uow_factory, clock)
    coordinator = await person(uow_factory, "高飞")
    with pytest.raises(NoOpenTasks):
        await reporting.receive_message(
            uow=uow_factory(),
            clock=clock,
            person=coordinator,
            message=msg(1, "hello"),
            merge_seconds=60,
        )


async def test_board_counts_problems_as_rectified_only_when_all_measures_close(
    uow_factory: Factory, clock: ManualClock
) -> None:
    await seed(uow_factory, clock)
    async with uow_factory() as uow:
        campaign = await uow.campaigns.by_name("第一轮")
        assert campaign is not None
        tasks = await uow.tasks.views_for_campaign(campaign.id)
        first = next(t for t in tasks if t.number == "2.1")
        await uow.tasks.set_progress(
            first.id, percent=100, status=TaskStatus.CLOSED, last_update_at=clock.now()
        )
        await uow.commit()
        tasks = await uow.tasks.views_for_campaign(campaign.id)
    board = build_board("第一轮", tasks, clock.now(), POLICY)
    assert (board.problems_total, board.problems_rectified) == (2, 1)
    assert (board.tasks_total, board.tasks_closed) == (3, 1)


async def test_uncommitted_work_is_rolled_back(uow_factory: Factory, clock: ManualClock) -> None:
    async with uow_factory() as uow:
        await uow.campaigns.add(name="草稿", source=CampaignSource.AUDIT, now=clock.now())
    async with uow_factory() as uow:
        assert await uow.campaigns.by_name("草稿") is None


async def test_the_audit_log_refuses_updates_and_deletes(
    uow_factory: Factory, clock: ManualClock
) -> None:
    await seed(uow_factory, clock)
    for statement in ("UPDATE audit_events SET action = 'x'", "DELETE FROM audit_events"):
        async with uow_factory() as uow:
            session = uow.audit.session  # type: ignore[attr-defined]
            with pytest.raises(Exception, match="append-only"):
                await session.execute(sql(statement))


async def test_editing_an_older_report_never_rolls_the_task_back(
    uow_factory: Factory, clock: ManualClock
) -> None:
    await seed(uow_factory, clock)
    li = await person(uow_factory, "李晓燕")
    await reporting.receive_message(
        uow=uow_factory(), clock=clock, person=li, message=msg(1, "已开始整改"), merge_seconds=60
    )
    clock.advance(timedelta(hours=1))
    await reporting.receive_message(
        uow=uow_factory(), clock=clock, person=li, message=msg(2, "完成60%"), merge_seconds=60
    )
    edited = await reporting.edit_message(
        uow=uow_factory(), clock=clock, person=li, chat_id=1001, message_id=1, text="已开始整改了"
    )
    assert edited is not None
    assert edited.task is not None
    assert edited.task.percent == 60


async def test_withdrawing_reports_in_any_order_restores_the_last_standing_one(
    uow_factory: Factory, clock: ManualClock
) -> None:
    await seed(uow_factory, clock)
    li = await person(uow_factory, "李晓燕")
    ids = []
    for n, text in enumerate(("进度50%", "进度80%", "进度90%"), start=1):
        clock.advance(timedelta(hours=1))
        outcome = await reporting.receive_message(
            uow=uow_factory(), clock=clock, person=li, message=msg(n, text), merge_seconds=60
        )
        ids.append(outcome.report.id)
    _, task = await reporting.withdraw_report(
        uow=uow_factory(), clock=clock, person=li, report_id=ids[1]
    )
    assert task is not None
    assert task.percent == 90
    _, task = await reporting.withdraw_report(
        uow=uow_factory(), clock=clock, person=li, report_id=ids[2]
    )
    assert task is not None
    assert task.percent == 50


async def test_a_reassigned_task_can_no_longer_be_changed_by_its_former_owner(
    uow_factory: Factory, clock: ManualClock
) -> None:
    await seed(uow_factory, clock)
    wang = await person(uow_factory, "王建国")
    outcome = await reporting.receive_message(
        uow=uow_factory(), clock=clock, person=wang, message=msg(1, "进度30%"), merge_seconds=60
    )
    await reporting.assign_report(
        uow=uow_factory(),
        clock=clock,
        person=wang,
        report_id=outcome.report.id,
        task_id=outcome.choices[1].id,
    )
    await importing.import_workbook(  # 1.2 moves to 李晓燕
        uow=uow_factory(),
        clock=clock,
        workbook=small_workbook(owner_of_second="李晓燕"),
        campaign_name="第一轮",
    )
    with pytest.raises(PermissionDenied):
        await reporting.set_report_percent(
            uow=uow_factory(), clock=clock, person=wang, report_id=outcome.report.id, percent=0
        )
    with pytest.raises(PermissionDenied):
        await reporting.withdraw_report(
            uow=uow_factory(), clock=clock, person=wang, report_id=outcome.report.id
        )


async def test_a_signoff_request_is_timestamped_for_the_pending_reminder(
    uow_factory: Factory, clock: ManualClock
) -> None:
    await seed(uow_factory, clock)
    li = await person(uow_factory, "李晓燕")
    async with uow_factory() as uow:
        (task,) = await uow.tasks.views_for_owner(li.id)
    await reporting.request_signoff(uow=uow_factory(), clock=clock, person=li, task_id=task.id)
    async with uow_factory() as uow:
        asked = await uow.tasks.review_requests(TaskQuery(task.campaign_id))
    assert asked == {task.id: clock.now()}


async def test_an_update_is_stored_once_replayed_until_done_then_forgotten(
    uow_factory: Factory, clock: ManualClock
) -> None:
    payload = {"update_id": 77, "message": {"text": "进度60%"}}
    assert await store_update(uow=uow_factory(), clock=clock, update_id=77, payload=payload)
    assert not await store_update(uow=uow_factory(), clock=clock, update_id=77, payload=payload)
    assert not await already_done(uow=uow_factory(), update_id=77)
    assert await pending(uow=uow_factory()) == [payload]
    await close(uow=uow_factory(), clock=clock, closings=[Closing(77)])
    assert await already_done(uow=uow_factory(), update_id=77)
    assert await pending(uow=uow_factory()) == []


async def test_a_polled_batch_is_stored_in_one_go_and_names_the_updates_handled_before(
    uow_factory: Factory, clock: ManualClock
) -> None:
    first = [(80, {"update_id": 80}), (81, {"update_id": 81})]
    assert await store_updates(uow=uow_factory(), clock=clock, updates=first) == set()
    await close(uow=uow_factory(), clock=clock, closings=[Closing(80)])
    # Telegram delivers 80 and 81 again (not confirmed before a crash) with a new one.
    again = [*first, (82, {"update_id": 82})]
    assert await store_updates(uow=uow_factory(), clock=clock, updates=again) == {80}
    assert await pending(uow=uow_factory()) == [{"update_id": 81}, {"update_id": 82}]
