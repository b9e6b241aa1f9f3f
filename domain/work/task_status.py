"""The task's status rules (整改—审核—销号): every transition, pure, refused with the reason.

Services load a task, ask a function here for the new state (or the refusal), and save it.
A refusal is `InvalidState(status=...)` naming the status it was refused in, so the user's
reply says why.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from domain.errors import InvalidState
from domain.model import TaskStatus, TaskView


@dataclass(frozen=True, slots=True)
class TaskState:
    """What the status rules read and change on a task."""

    status: TaskStatus
    percent: int
    owner_id: int
    percent_before_request: int | None = None  # what the official had reported before asking


def state_of(task: TaskView, *, percent_before_request: int | None = None) -> TaskState:
    """Take the rules' view of a loaded task."""
    return TaskState(task.status, task.percent, task.owner_id, percent_before_request)


def report(state: TaskState, percent: int | None) -> TaskState:
    """Take a progress report: the task is in progress, at `percent` if the report gives one.

    Refused once closed. A task waiting for sign-off keeps waiting: that state belongs to the
    review loop, only its percent follows the report.
    """
    _refuse_in(state, TaskStatus.CLOSED)
    status = state.status if state.status == TaskStatus.PENDING_REVIEW else TaskStatus.IN_PROGRESS
    return replace(state, status=status, percent=state.percent if percent is None else percent)


def report_no_change(state: TaskState) -> TaskState:
    """Take a "no change this week" (本周无新进展) report: a report without a percent.

    It counts as reporting, so an open task goes into progress like after any first update,
    and the percent stays; it is refused once closed, and a waiting task keeps waiting.
    """
    return report(state, None)


def replay(state: TaskState, *, before: TaskState, reported: Sequence[int | None]) -> TaskState:
    """Derive the task from the reports that still stand, over `before`, the task before them.

    `reported` holds each standing report's percent, oldest first (None when it gave none);
    only `before`'s status and percent are read. The latest percent wins, so correcting or
    withdrawing an older report never rolls the task back past a newer one. A closed task,
    and the status of one waiting for sign-off, belong to the review loop and stay.
    """
    if state.status == TaskStatus.CLOSED:
        return state
    percent = next((p for p in reversed(reported) if p is not None), before.percent)
    status: TaskStatus = state.status
    if status != TaskStatus.PENDING_REVIEW:
        status = TaskStatus.IN_PROGRESS if reported else before.status
    return replace(state, status=status, percent=percent)


def withdraw(
    state: TaskState, *, before: TaskState, standing: Sequence[int | None] = ()
) -> TaskState:
    """Take a report back: the task returns to what `before` and the reports left make it.

    `before` is the task before its first report; `standing` the percents of the reports still
    standing, as for `replay` (none: the task is back to `before`). Refused once closed: the
    sign-off stands. A task waiting for sign-off keeps waiting, as after a report.
    """
    _refuse_in(state, TaskStatus.CLOSED)
    return replay(state, before=before, reported=standing)


def ask_signoff(state: TaskState) -> TaskState:
    """Mark the task done and waiting for review, at 100%, remembering the percent before."""
    _refuse_in(state, TaskStatus.PENDING_REVIEW, TaskStatus.CLOSED)
    return replace(
        state,
        status=TaskStatus.PENDING_REVIEW,
        percent=100,
        percent_before_request=state.percent,
    )


def sign_off(state: TaskState) -> TaskState:
    """Close a task waiting for review (销号), at 100%."""
    _require(state, TaskStatus.PENDING_REVIEW)
    return replace(state, status=TaskStatus.CLOSED, percent=100, percent_before_request=None)


def send_back(state: TaskState) -> TaskState:
    """Return a task waiting for review to in progress, at the percent before the request."""
    _require(state, TaskStatus.PENDING_REVIEW)
    percent = state.percent_before_request
    return replace(
        state,
        status=TaskStatus.IN_PROGRESS,
        percent=state.percent if percent is None else percent,
        percent_before_request=None,
    )


def reopen(state: TaskState) -> TaskState:
    """Put a signed-off task back in progress (回头看 found it slipped); its percent stays.

    The percent is what the official last reported; they report again as the rework goes.
    """
    _require(state, TaskStatus.CLOSED)
    return replace(state, status=TaskStatus.IN_PROGRESS, percent_before_request=None)


def reassign(state: TaskState, *, to: int) -> TaskState:
    """Give the task to another person; not once closed, nor while waiting (send it back first)."""
    _refuse_in(state, TaskStatus.CLOSED, TaskStatus.PENDING_REVIEW)
    if state.owner_id == to:
        raise InvalidState(status="same_owner")
    return replace(state, owner_id=to)


def extend(state: TaskState) -> TaskState:
    """Let the task's deadline be moved (asked or decided): refused once closed; status stays."""
    _refuse_in(state, TaskStatus.CLOSED)
    return state


def _refuse_in(state: TaskState, *statuses: TaskStatus) -> None:
    if state.status in statuses:
        raise InvalidState(status=state.status.value)


def _require(state: TaskState, status: TaskStatus) -> None:
    if state.status != status:
        raise InvalidState(status=state.status.value)
