"""The task's status rules: every transition from every status, allowed and refused."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from itertools import product
from typing import cast

import pytest

from domain.errors import InvalidState
from domain.model import TaskKind, TaskStatus, TaskView
from domain.work.task_status import (
    TaskState,
    ask_signoff,
    extend,
    reassign,
    reopen,
    replay,
    report,
    report_no_change,
    send_back,
    sign_off,
    state_of,
    withdraw,
)
from tests.conftest import SHANGHAI

OWNER, OTHER = 1, 2
OPEN = TaskState(TaskStatus.OPEN, 0, OWNER)
IN_PROGRESS = TaskState(TaskStatus.IN_PROGRESS, 40, OWNER)
WAITING = TaskState(TaskStatus.PENDING_REVIEW, 100, OWNER, percent_before_request=60)
CLOSED = TaskState(TaskStatus.CLOSED, 100, OWNER)
BEFORE_REPORTS = OPEN  # the task as it was before its first report


def at(
    status: TaskStatus, percent: int, *, owner: int = OWNER, asked: int | None = None
) -> TaskState:
    return TaskState(status, percent, owner, percent_before_request=asked)


Transition = Callable[[TaskState], TaskState]
TRANSITIONS: dict[str, Transition] = {
    "report": lambda s: report(s, 70),
    "report_no_change": report_no_change,
    "withdraw": lambda s: withdraw(s, before=BEFORE_REPORTS),
    "ask_signoff": ask_signoff,
    "sign_off": sign_off,
    "send_back": send_back,
    "reassign": lambda s: reassign(s, to=OTHER),
    "extend": extend,
    "reopen": reopen,
}

ALLOWED = [
    pytest.param(
        "report",
        OPEN,
        at(TaskStatus.IN_PROGRESS, 70),
        id="a report moves an open task into progress at its percent",
    ),
    pytest.param(
        "report",
        IN_PROGRESS,
        at(TaskStatus.IN_PROGRESS, 70),
        id="a report on a task in progress updates its percent",
    ),
    pytest.param(
        "report",
        WAITING,
        at(TaskStatus.PENDING_REVIEW, 70, asked=60),
        id="a report on a task waiting for sign-off keeps it waiting",
    ),
    pytest.param(
        "report_no_change",
        OPEN,
        at(TaskStatus.IN_PROGRESS, 0),
        id="a no-change report moves an open task into progress and keeps its percent",
    ),
    pytest.param(
        "report_no_change",
        IN_PROGRESS,
        IN_PROGRESS,
        id="a no-change report leaves a task in progress as it is",
    ),
    pytest.param(
        "report_no_change",
        WAITING,
        WAITING,
        id="a no-change report leaves a task waiting for sign-off as it is",
    ),
    pytest.param(
        "withdraw",
        at(TaskStatus.OPEN, 10),
        OPEN,
        id="withdrawing from an open task puts it back as it was before",
    ),
    pytest.param(
        "withdraw",
        IN_PROGRESS,
        OPEN,
        id="withdrawing the only report puts the task back where it was",
    ),
    pytest.param(
        "withdraw",
        WAITING,
        at(TaskStatus.PENDING_REVIEW, 0, asked=60),
        id="withdrawing a report while waiting for sign-off keeps the task waiting",
    ),
    pytest.param(
        "ask_signoff",
        OPEN,
        at(TaskStatus.PENDING_REVIEW, 100, asked=0),
        id="an open task may ask for sign-off straight away",
    ),
    pytest.param(
        "ask_signoff",
        IN_PROGRESS,
        at(TaskStatus.PENDING_REVIEW, 100, asked=40),
        id="asking for sign-off sets 100 percent and remembers the percent before",
    ),
    pytest.param(
        "sign_off",
        WAITING,
        at(TaskStatus.CLOSED, 100),
        id="signing off closes a waiting task at 100 percent",
    ),
    pytest.param(
        "send_back",
        WAITING,
        at(TaskStatus.IN_PROGRESS, 60),
        id="sending back returns the task to progress at the percent before the request",
    ),
    pytest.param(
        "reassign", OPEN, at(TaskStatus.OPEN, 0, owner=OTHER), id="an open task may change hands"
    ),
    pytest.param(
        "reassign",
        IN_PROGRESS,
        at(TaskStatus.IN_PROGRESS, 40, owner=OTHER),
        id="a task in progress may change hands with its percent",
    ),
    pytest.param(
        "reopen",
        CLOSED,
        at(TaskStatus.IN_PROGRESS, 100),
        id="a look-back that finds a closed task slipped puts it back in progress",
    ),
    pytest.param("extend", OPEN, OPEN, id="an open task's deadline may be extended"),
    pytest.param(
        "extend", IN_PROGRESS, IN_PROGRESS, id="a task in progress may have its deadline extended"
    ),
    pytest.param(
        "extend", WAITING, WAITING, id="a task waiting for sign-off may have its deadline extended"
    ),
]

REFUSED = [
    pytest.param("report", CLOSED, "closed", id="a closed task takes no report"),
    pytest.param(
        "report_no_change", CLOSED, "closed", id="a closed task takes no no-change report"
    ),
    pytest.param("withdraw", CLOSED, "closed", id="no report is withdrawn from a closed task"),
    pytest.param(
        "ask_signoff",
        WAITING,
        "pending_review",
        id="a task already waiting cannot ask for sign-off again",
    ),
    pytest.param("ask_signoff", CLOSED, "closed", id="a closed task cannot ask for sign-off"),
    pytest.param("sign_off", OPEN, "open", id="an open task cannot be signed off"),
    pytest.param(
        "sign_off",
        IN_PROGRESS,
        "in_progress",
        id="a task in progress cannot be signed off before asking",
    ),
    pytest.param("sign_off", CLOSED, "closed", id="a closed task cannot be signed off twice"),
    pytest.param("send_back", OPEN, "open", id="an open task cannot be sent back"),
    pytest.param(
        "send_back", IN_PROGRESS, "in_progress", id="a task in progress cannot be sent back"
    ),
    pytest.param("send_back", CLOSED, "closed", id="a closed task cannot be sent back"),
    pytest.param(
        "reassign",
        WAITING,
        "pending_review",
        id="a task waiting for sign-off must be sent back before it changes hands",
    ),
    pytest.param("reassign", CLOSED, "closed", id="a closed task does not change hands"),
    pytest.param("extend", CLOSED, "closed", id="a closed task's deadline is not extended"),
    pytest.param("reopen", OPEN, "open", id="an open task is not reopened"),
    pytest.param("reopen", IN_PROGRESS, "in_progress", id="a task in progress is not reopened"),
    pytest.param(
        "reopen", WAITING, "pending_review", id="a task waiting for sign-off is not reopened"
    ),
]


@pytest.mark.parametrize(("name", "before", "after"), ALLOWED)
def test_an_allowed_transition_gives_the_new_state(
    name: str, before: TaskState, after: TaskState
) -> None:
    assert TRANSITIONS[name](before) == after


@pytest.mark.parametrize(("name", "before", "status"), REFUSED)
def test_a_refused_transition_names_the_status_it_was_refused_in(
    name: str, before: TaskState, status: str
) -> None:
    with pytest.raises(InvalidState) as refused:
        TRANSITIONS[name](before)
    assert refused.value.params == {"status": status}


def test_the_tables_cover_every_transition_from_every_status() -> None:
    covered = [
        (row.values[0], cast(TaskState, row.values[1]).status) for row in [*ALLOWED, *REFUSED]
    ]
    assert sorted(covered) == sorted(product(TRANSITIONS, TaskStatus))


def test_a_report_without_a_percent_keeps_the_percent() -> None:
    assert report(IN_PROGRESS, None) == IN_PROGRESS


def test_a_no_change_report_is_a_report_without_a_percent() -> None:
    for state in (OPEN, IN_PROGRESS, WAITING):
        assert report_no_change(state) == report(state, None)


def test_withdrawing_an_older_report_keeps_the_newer_one_standing() -> None:
    after = withdraw(TaskState(TaskStatus.IN_PROGRESS, 70, OWNER), before=OPEN, standing=[50])
    assert after == TaskState(TaskStatus.IN_PROGRESS, 50, OWNER)


def test_withdrawing_goes_back_to_the_state_before_the_first_report() -> None:
    sent_back_earlier = TaskState(TaskStatus.IN_PROGRESS, 30, OWNER)
    assert withdraw(IN_PROGRESS, before=sent_back_earlier) == sent_back_earlier


def test_the_latest_standing_percent_wins_over_older_ones() -> None:
    assert replay(IN_PROGRESS, before=OPEN, reported=[20, 80, None]).percent == 80


def test_standing_reports_without_a_percent_keep_the_percent_before_them() -> None:
    assert replay(OPEN, before=OPEN, reported=[None]) == TaskState(TaskStatus.IN_PROGRESS, 0, OWNER)


def test_with_no_report_standing_the_task_is_as_before_its_first_report() -> None:
    assert replay(IN_PROGRESS, before=OPEN, reported=[]) == OPEN


def test_replaying_reports_leaves_a_closed_task_alone() -> None:
    assert replay(CLOSED, before=OPEN, reported=[30]) == CLOSED


def test_replaying_reports_keeps_a_task_waiting_for_sign_off_waiting() -> None:
    assert replay(WAITING, before=OPEN, reported=[30]).status == TaskStatus.PENDING_REVIEW


def test_sending_back_without_a_remembered_percent_keeps_the_percent() -> None:
    unknown = TaskState(TaskStatus.PENDING_REVIEW, 100, OWNER)
    assert send_back(unknown) == TaskState(TaskStatus.IN_PROGRESS, 100, OWNER)


def test_a_task_is_not_reassigned_to_its_own_owner() -> None:
    with pytest.raises(InvalidState) as refused:
        reassign(IN_PROGRESS, to=OWNER)
    assert refused.value.params == {"status": "same_owner"}


def test_a_task_sent_back_can_ask_again_and_be_signed_off() -> None:
    asked = ask_signoff(IN_PROGRESS)
    again = ask_signoff(report(send_back(asked), 90))
    assert again.percent_before_request == 90
    assert sign_off(again) == TaskState(TaskStatus.CLOSED, 100, OWNER)


def test_the_rules_read_status_percent_and_owner_from_a_loaded_task() -> None:
    created = datetime(2026, 11, 2, 9, 0, tzinfo=SHANGHAI)
    task = TaskView(
        id=7,
        campaign_id=1,
        number="1.1",
        problem_id=1,
        category=None,
        problem="问题",
        measure="措施",
        unit_id=1,
        unit_name="区科委",
        owner_id=OWNER,
        owner_name="王",
        lead_id=None,
        lead_name=None,
        kind=TaskKind.BOUNDED,
        due_on=date(2027, 3, 31),
        status=TaskStatus.PENDING_REVIEW,
        percent=100,
        created_at=created,
        last_update_at=created,
    )
    assert state_of(task, percent_before_request=60) == WAITING
    assert state_of(task) == TaskState(TaskStatus.PENDING_REVIEW, 100, OWNER)
