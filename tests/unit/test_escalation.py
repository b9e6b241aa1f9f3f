"""Escalation (约谈提醒): which tasks stayed red, who is told, and what the notice says."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

from domain.lights import LightPolicy
from domain.model import Person, Role, TaskKind, TaskStatus, TaskView
from domain.rhythm.escalation import Notice, days_since_report, escalated, notice_text, notices
from tests.conftest import SHANGHAI

LIGHTS = LightPolicy(tz=SHANGHAI)
FRIDAY = datetime(2026, 3, 20, 17, 0, tzinfo=SHANGHAI)  # the escalation run of 2026-W12
CREATED = datetime(2026, 2, 2, 9, 0, tzinfo=SHANGHAI)
SILENT_SINCE = datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)  # before the last two check-ins


def task(task_id: int, **changes: object) -> TaskView:
    base = TaskView(
        id=task_id,
        campaign_id=1,
        number=f"1.{task_id}",
        problem_id=1,
        category=None,
        problem="问题",
        measure="建立健全采购内控制度",
        unit_id=10,
        unit_name="区发展改革委",
        owner_id=1,
        owner_name="王建国",
        lead_id=3,
        lead_name="孙振邦",
        kind=TaskKind.BOUNDED,
        due_on=date(2026, 6, 30),
        status=TaskStatus.IN_PROGRESS,
        percent=30,
        created_at=CREATED,
        last_update_at=SILENT_SINCE,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def person(person_id: int, name: str, *roles: Role, unit_id: int | None = 10) -> Person:
    return Person(
        id=person_id,
        name=name,
        unit_id=unit_id,
        unit_name="区发展改革委" if unit_id == 10 else "区财政局",
        roles=frozenset(roles),
        telegram_user_id=1000 + person_id,
        telegram_username=None,
        phone=None,
        language=None,
        reachable=True,
        active=True,
    )


def test_a_task_red_now_and_in_the_previous_period_is_escalated() -> None:
    silent = task(1)
    assert escalated([silent], now=FRIDAY, policy=LIGHTS, red_before=[{1}]) == [silent]


def test_a_task_red_now_but_not_in_the_previous_period_is_not_escalated() -> None:
    assert escalated([task(1)], now=FRIDAY, policy=LIGHTS, red_before=[{2}]) == []
    assert escalated([task(1)], now=FRIDAY, policy=LIGHTS, red_before=[set()]) == []


def test_a_task_red_last_period_but_not_now_is_not_escalated() -> None:
    reported = task(1, last_update_at=FRIDAY - timedelta(days=1))
    assert escalated([reported], now=FRIDAY, policy=LIGHTS, red_before=[{1}]) == []


def test_three_periods_need_red_in_both_earlier_snapshots() -> None:
    silent = task(1)
    assert escalated([silent], now=FRIDAY, policy=LIGHTS, red_before=[{1}, set()]) == []
    assert escalated([silent], now=FRIDAY, policy=LIGHTS, red_before=[{1}, {1}]) == [silent]


def test_closed_and_pending_review_tasks_never_escalate_even_when_overdue() -> None:
    overdue = {"due_on": date(2026, 3, 1)}
    tasks = [
        task(1, status=TaskStatus.CLOSED, **overdue),
        task(2, status=TaskStatus.PENDING_REVIEW, **overdue),
        task(3, status=TaskStatus.OPEN, last_update_at=None, **overdue),
    ]
    chosen = escalated(tasks, now=FRIDAY, policy=LIGHTS, red_before=[{1, 2, 3}])
    assert [t.id for t in chosen] == [3]


def test_escalated_tasks_come_most_overdue_first() -> None:
    tasks = [task(1), task(2, due_on=date(2026, 3, 10)), task(3, due_on=None)]
    chosen = escalated(tasks, now=FRIDAY, policy=LIGHTS, red_before=[{1, 2, 3}])
    assert [t.id for t in chosen] == [2, 1, 3]


def test_the_unit_heads_and_the_lead_leader_are_told_and_no_one_else() -> None:
    people = [
        person(1, "王建国", Role.OFFICIAL),
        person(2, "刘振华", Role.UNIT_HEAD),
        person(3, "孙振邦", Role.LEADER, unit_id=None),
        person(4, "高飞", Role.COORDINATOR),
        person(5, "钱主任", Role.UNIT_HEAD, unit_id=20),  # head of another unit
        person(6, "赵副主任", Role.UNIT_HEAD),  # a second head of the task's unit
    ]
    result = notices([task(1)], people)
    assert [(n.person.name, [t.id for t in n.tasks]) for n in result] == [
        ("刘振华", [1]),
        ("孙振邦", [1]),
        ("赵副主任", [1]),
    ]


def test_a_person_who_is_both_unit_head_and_lead_leader_gets_one_notice_with_all_tasks() -> None:
    people = [person(2, "刘振华", Role.UNIT_HEAD, Role.LEADER)]
    result = notices([task(1, lead_id=2), task(2, lead_id=2)], people)
    assert len(result) == 1
    assert [t.id for t in result[0].tasks] == [1, 2]


def test_people_who_cannot_be_messaged_and_the_owner_themself_are_left_out() -> None:
    # Only the reachable are passed in; the head here also owns the task, so only the lead hears.
    head_and_owner = person(2, "刘振华", Role.UNIT_HEAD)
    lead = person(3, "孙振邦", Role.LEADER, unit_id=None)
    result = notices([task(1, owner_id=2)], [head_and_owner, lead])
    assert [n.person.name for n in result] == ["孙振邦"]
    assert notices([task(1)], []) == []


def test_the_notice_is_formal_and_lists_number_measure_owner_due_and_silence() -> None:
    notice = Notice(
        person(2, "刘振华", Role.UNIT_HEAD),
        [task(1, measure="<b>采购</b>制度"), task(2, last_update_at=None, due_on=None)],
    )
    body = notice_text(notice, period="2026-W12", periods=2, now=FRIDAY, tz=SHANGHAI, lang="zh")
    assert "约谈提醒（2026-W12）" in body
    assert "连续 2 个调度周期亮红灯" in body
    assert "建议对责任人进行约谈提醒" in body
    assert "<b>1.1</b> &lt;b&gt;采购&lt;/b&gt;制度" in body  # user text escaped
    assert "责任人：王建国" in body
    assert "时限：2026-06-30" in body
    assert "距上次报送 18 天" in body
    assert "时限：长期推进" in body
    assert "分派 46 天来未报送" in body
    english = notice_text(notice, period="2026-W12", periods=2, now=FRIDAY, tz=SHANGHAI, lang="en")
    assert "formal talk" in english
    assert "last report 18 days ago" in english


def test_days_since_report_count_calendar_days_in_local_time() -> None:
    late_evening = datetime(2026, 3, 19, 23, 30, tzinfo=SHANGHAI)
    assert days_since_report(task(1, last_update_at=late_evening), FRIDAY, SHANGHAI) == 1
