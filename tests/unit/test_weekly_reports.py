"""Matching a weekly message's items to measures (pure rules of domain.work.weekly_reports)."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.model import TaskKind, TaskStatus, TaskView
from domain.work.report_split import split_report
from domain.work.weekly_reports import REST_LABEL, no_change_items, resolve


def task(
    task_id: int, number: str, status: TaskStatus = TaskStatus.OPEN, campaign: int = 1
) -> TaskView:
    return TaskView(
        id=task_id,
        campaign_id=campaign,
        number=number,
        problem_id=1,
        category=None,
        problem="问题",
        measure="措施",
        unit_id=1,
        unit_name="区发展改革委",
        owner_id=7,
        owner_name="王建国",
        lead_id=None,
        lead_name=None,
        kind=TaskKind.BOUNDED,
        due_on=None,
        status=status,
        percent=30,
        created_at=datetime(2026, 11, 1, tzinfo=UTC),
        last_update_at=None,
    )


MINE = [task(1, "1.1"), task(2, "1.3"), task(3, "2.1", TaskStatus.PENDING_REVIEW)]


def test_numbers_and_positions_name_the_same_measures() -> None:
    by_number = resolve(split_report("1.1 完成50%；1.3 完成60%"), MINE, MINE)
    by_position = resolve(split_report("第1项 完成50%；第2项 完成60%"), MINE, MINE)
    assert [i.task_id for i in by_number] == [i.task_id for i in by_position] == [1, 2]
    assert [i.current_percent for i in by_number] == [30, 30]


def test_an_unknown_number_or_a_position_past_the_list_is_refused() -> None:
    items = resolve(split_report("9.9 完成；第7项 完成20%"), MINE, MINE)
    assert [i.refused for i in items] == ["not_reportable", "no_position"]


def test_a_measure_waiting_for_sign_off_is_refused_and_the_rest_skips_it() -> None:
    items = resolve(split_report("2.1 完成90%；其余按计划推进"), MINE, MINE)
    assert [(i.number, i.refused) for i in items] == [
        ("2.1", "pending_review"),
        ("1.1", None),
        ("1.3", None),
    ]
    assert all(i.no_change and i.label == REST_LABEL for i in items[1:])


def test_a_measure_named_twice_is_kept_once() -> None:
    items = resolve(split_report("1.1 完成50%；第1项 完成60%"), MINE, MINE)
    assert [(i.task_id, i.refused) for i in items] == [(1, None), (None, "duplicate")]


def test_a_number_in_two_open_rounds_is_ambiguous() -> None:
    two_rounds = [task(1, "1.1"), task(9, "1.1", campaign=2)]
    items = resolve(split_report("1.1 完成50%；第2项 完成10%"), two_rounds, two_rounds)
    assert [(i.task_id, i.refused) for i in items] == [(None, "ambiguous"), (9, None)]


def test_no_change_covers_every_listed_measure_that_still_needs_a_report() -> None:
    items = no_change_items(MINE, "本周按计划推进，无新进展")
    assert [(i.number, i.no_change, i.percent) for i in items] == [
        ("1.1", True, None),
        ("1.3", True, None),
    ]
