"""Grading: the stated rule, its settings, and each unit's inputs counted from its measures."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date, datetime

import pytest

from domain.errors import BadGradeCommand
from domain.model import TaskKind, TaskStatus, TaskView
from domain.records.grading import (
    Grade,
    GradeRule,
    UnitInputs,
    parse_conditions,
    parse_grade_words,
    unit_inputs,
)
from tests.conftest import SHANGHAI

GOOD = UnitInputs(1, "区科委", 10, 10, 100.0, 100.0, 0, 0, 0)


@pytest.mark.parametrize(
    ("inputs", "grade"),
    [
        (GOOD, Grade.A),
        (replace(GOOD, completion=90.0, on_time=80.0, escalated=1), Grade.A),
        (replace(GOOD, reopened=1), Grade.B),  # a measure slipped back: never A
        (replace(GOOD, escalated=2), Grade.B),
        (replace(GOOD, completion=89.9), Grade.B),
        (replace(GOOD, completion=60.0, on_time=60.0), Grade.B),
        (replace(GOOD, completion=59.9), Grade.C),
        (replace(GOOD, on_time=50.0), Grade.C),
    ],
)
def test_the_default_rule(inputs: UnitInputs, grade: Grade) -> None:
    assert GradeRule().propose(inputs) == grade


def test_the_rule_is_stated_in_the_readers_language() -> None:
    assert GradeRule().stated("zh") == (
        "评定规则：A 级——完成率≥90%，按期率≥80%，回头看反弹≤0，约谈提醒≤1；"
        "B 级——完成率≥60%，按期率≥60%；其余为 C 级（C 级单位由牵头领导对单位负责人履责约谈）。"
    )
    assert "A when completion ≥ 90%" in GradeRule().stated("en")


def test_a_configured_rule_counts_milestones_missed() -> None:
    rule = GradeRule(a=parse_conditions("completion>=80，milestones_missed<=0"), b=())
    assert rule.propose(replace(GOOD, completion=85.0)) == Grade.A
    assert rule.propose(replace(GOOD, milestones_missed=1)) == Grade.B  # B has no conditions


@pytest.mark.parametrize("raw", ["completion>90", "speed>=3", "completion>=ninety", "completion"])
def test_a_condition_that_cannot_be_read_says_how_to_write_one(raw: str) -> None:
    with pytest.raises(ValueError, match="should be NAME>=N or NAME<=N"):
        parse_conditions(raw)


def test_grade_words_split_into_unit_grade_and_reason() -> None:
    assert parse_grade_words(["区发展", "改革委", "b", "三项", "逾期"]) == (
        "区发展 改革委",
        Grade.B,
        "三项 逾期",
    )
    with pytest.raises(BadGradeCommand):
        parse_grade_words(["区发展改革委"])
    with pytest.raises(BadGradeCommand):
        parse_grade_words(["A", "区发展改革委"])  # the grade comes after the unit


def view(
    task_id: int, unit: int, status: TaskStatus, due: date | None, closed: date | None
) -> TaskView:
    return TaskView(
        id=task_id,
        campaign_id=1,
        number=f"1.{task_id}",
        problem_id=1,
        category=None,
        problem="问题",
        measure="措施",
        unit_id=unit,
        unit_name=f"单位{unit}",
        owner_id=1,
        owner_name="王",
        lead_id=None,
        lead_name=None,
        kind=TaskKind.BOUNDED,
        due_on=due,
        status=status,
        percent=100 if status == TaskStatus.CLOSED else 30,
        created_at=datetime(2026, 1, 1, tzinfo=SHANGHAI),
        last_update_at=None,
        closed_at=datetime.combine(closed, datetime.min.time(), tzinfo=SHANGHAI)
        if closed
        else None,
    )


def test_inputs_count_completion_punctuality_slips_and_escalations_per_unit() -> None:
    tasks = [
        view(1, 1, TaskStatus.CLOSED, date(2026, 6, 30), date(2026, 6, 1)),  # on time
        view(2, 1, TaskStatus.CLOSED, date(2026, 6, 30), date(2026, 7, 3)),  # late
        view(3, 1, TaskStatus.IN_PROGRESS, date(2026, 8, 31), None),  # overdue on 9-1
        view(4, 1, TaskStatus.IN_PROGRESS, date(2026, 12, 31), None),  # not due yet
        view(5, 1, TaskStatus.IN_PROGRESS, None, None),  # long-term
        view(6, 2, TaskStatus.CLOSED, date(2026, 12, 31), date(2026, 5, 1)),  # early
    ]
    found = unit_inputs(
        tasks,
        today_end=datetime(2026, 9, 1, 18, 0, tzinfo=SHANGHAI),
        reopened=Counter({3: 1}),
        escalated=Counter({3: 2, 4: 1, 6: 0}),
        milestones_missed=1,
        tz=SHANGHAI,
    )
    assert found == [
        UnitInputs(1, "单位1", 5, 2, 40.0, 33.3, 1, 3, 1),
        UnitInputs(2, "单位2", 1, 1, 100.0, 100.0, 0, 0, 1),
    ]
