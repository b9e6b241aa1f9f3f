"""The round's calendar: limits, due dates on the Chinese calendar, reminders, commands."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from domain.errors import BadMilestoneCommand
from domain.model import Campaign, CampaignSource
from domain.rhythm.milestones import (
    Change,
    Limit,
    Milestone,
    MilestoneCommand,
    MilestoneRecord,
    MilestoneRules,
    Span,
    Standing,
    add_months,
    immediate_too_late,
    milestone_line,
    milestone_notice,
    parse_command,
    parse_limit,
    parse_limits,
    rules_from,
    states_of,
)
from domain.rhythm.policy import DueMilestone, Kind, RhythmPolicy, milestone_runs
from domain.rhythm.workdays import WorkCalendar
from tests.conftest import SHANGHAI

WORK = WorkCalendar()
RULES = MilestoneRules()


def campaign(source: CampaignSource, feedback: date | None) -> Campaign:
    return Campaign(7, "区委第一轮巡察", source, True, feedback)


def due(source: CampaignSource, feedback: date, milestone: Milestone) -> date | None:
    states = states_of(campaign(source, feedback), [], RULES, WORK)
    return next(s.due_on for s in states if s.milestone == milestone)


@pytest.mark.parametrize(
    ("raw", "limit"),
    [
        ("14d", Limit(14, Span.DAYS)),
        ("15wd", Limit(15, Span.WORKING_DAYS)),
        ("2m", Limit(2, Span.MONTHS)),
        (" 2M ", Limit(2, Span.MONTHS)),
        ("14天", Limit(14, Span.DAYS)),
        ("15个工作日", Limit(15, Span.WORKING_DAYS)),
        ("2个月", Limit(2, Span.MONTHS)),
    ],
)
def test_a_limit_is_read_in_either_notation(raw: str, limit: Limit) -> None:
    assert parse_limit(raw) == limit


@pytest.mark.parametrize("raw", ["", "14", "two weeks", "0d", "-3d", "14y", "1000d"])
def test_a_limit_that_cannot_be_read_says_how_to_write_one(raw: str) -> None:
    with pytest.raises(ValueError, match=r"e\.g\. 14d, 15wd, 2m"):
        parse_limit(raw)


def test_the_settings_text_sets_each_milestone_and_keeps_the_default_of_the_other() -> None:
    assert parse_limits("plan=10wd，报告：3个月") == {
        Milestone.PLAN: Limit(10, Span.WORKING_DAYS),
        Milestone.REPORT: Limit(3, Span.MONTHS),
    }
    rules = rules_from("plan=7d", "", "20d")
    assert rules.limit(CampaignSource.INSPECTION, Milestone.PLAN) == Limit(7, Span.DAYS)
    assert rules.limit(CampaignSource.SUPERVISION, Milestone.PLAN) == Limit(7, Span.DAYS)
    assert rules.limit(CampaignSource.INSPECTION, Milestone.REPORT) == Limit(2, Span.MONTHS)
    assert rules.limit(CampaignSource.AUDIT, Milestone.PLAN) == Limit(15, Span.WORKING_DAYS)
    assert rules.immediate == Limit(20, Span.DAYS)
    with pytest.raises(ValueError, match="plan=LIMIT or report=LIMIT"):
        parse_limits("plan 14d")
    with pytest.raises(ValueError, match="plan=LIMIT or report=LIMIT"):
        parse_limits("summary=3m")


def test_an_inspection_plan_is_due_two_weeks_after_the_feedback() -> None:
    assert due(CampaignSource.INSPECTION, date(2026, 11, 20), Milestone.PLAN) == date(2026, 12, 4)


def test_a_calendar_day_limit_ending_in_spring_festival_moves_to_the_first_working_day() -> None:
    # 2 February + 14 days is 16 February 2026, New Year's Eve; work resumes on the 24th.
    assert due(CampaignSource.INSPECTION, date(2026, 2, 2), Milestone.PLAN) == date(2026, 2, 24)


def test_an_audit_plan_counts_15_working_days_over_spring_festival_and_its_swapped_saturdays() -> (
    None
):
    # From Friday 6 February 2026: 9-13 Feb (5), Saturday 14 Feb worked (6), the holiday until
    # the 23rd, 24-27 Feb (10), Saturday 28 Feb worked (11), 2-5 March (15).
    assert due(CampaignSource.AUDIT, date(2026, 2, 6), Milestone.PLAN) == date(2026, 3, 5)


def test_the_report_is_due_two_months_later_clamped_to_the_months_end() -> None:
    assert add_months(date(2026, 12, 31), 2) == date(2027, 2, 28)
    assert add_months(date(2027, 11, 30), 3) == date(2028, 2, 29)
    # 2027-02-28 is a Sunday: the limit ends on Monday 1 March.
    assert due(CampaignSource.INSPECTION, date(2026, 12, 31), Milestone.REPORT) == date(2027, 3, 1)


def test_without_a_feedback_date_nothing_is_due_unless_a_date_was_set_by_hand() -> None:
    states = states_of(
        campaign(CampaignSource.INSPECTION, None),
        [MilestoneRecord(7, Milestone.REPORT, due_override=date(2027, 1, 15))],
        RULES,
        WORK,
    )
    plan, report = states
    assert plan.due_on is None
    assert plan.standing(date(2026, 12, 1)) == Standing.UNKNOWN
    assert report.due_on == date(2027, 1, 15)
    assert report.limit is None


def test_a_date_set_by_hand_wins_over_the_rule_and_records_of_other_rounds_are_ignored() -> None:
    states = states_of(
        campaign(CampaignSource.INSPECTION, date(2026, 11, 20)),
        [
            MilestoneRecord(7, Milestone.PLAN, due_override=date(2026, 12, 10)),
            MilestoneRecord(8, Milestone.REPORT, due_override=date(2026, 12, 11)),
        ],
        RULES,
        WORK,
    )
    assert [s.due_on for s in states] == [date(2026, 12, 10), date(2027, 1, 20)]


@pytest.mark.parametrize(
    ("today", "submitted", "standing"),
    [
        (date(2026, 12, 3), None, Standing.UPCOMING),
        (date(2026, 12, 4), None, Standing.DUE_TODAY),
        (date(2026, 12, 5), None, Standing.MISSED),
        (date(2026, 12, 9), date(2026, 12, 4), Standing.SUBMITTED),
        (date(2026, 12, 9), date(2026, 12, 8), Standing.SUBMITTED_LATE),
    ],
)
def test_where_a_milestone_stands(today: date, submitted: date | None, standing: Standing) -> None:
    record = MilestoneRecord(7, Milestone.PLAN, submitted_on=submitted)
    state = states_of(
        campaign(CampaignSource.INSPECTION, date(2026, 11, 20)), [record], RULES, WORK
    )
    assert state[0].standing(today) == standing


def test_lines_and_notices_say_the_date_the_days_and_the_rule() -> None:
    plan = states_of(campaign(CampaignSource.AUDIT, date(2026, 2, 6)), [], RULES, WORK)[0]
    assert (
        milestone_line(plan, date(2026, 3, 2), "zh") == "📅 整改方案：2026-03-05 到期（还有 3 天）"
    )
    assert milestone_line(plan, date(2026, 3, 9), "en") == (
        "⚠️ rectification plan: was due 2026-03-05, not submitted (4 days late)"
    )
    notice = milestone_notice(plan, Kind.MILESTONE_1.value, date(2026, 3, 4), "zh")
    assert "2026-03-05（周四）前报送，还有 1 天" in notice
    assert "依据：反馈日期 2026-02-06 后15个工作日内" in notice
    assert "/milestone 方案 已报送" in notice
    missed = milestone_notice(plan, Kind.MILESTONE_MISSED.value, date(2026, 3, 6), "en")
    assert "/milestone plan submitted 2026-03-05" in missed


def test_an_immediate_item_may_take_a_month_from_the_feedback() -> None:
    feedback = date(2026, 11, 20)
    assert not immediate_too_late(date(2026, 12, 21), feedback, RULES, WORK)  # 20th is Sunday
    assert immediate_too_late(date(2026, 12, 22), feedback, RULES, WORK)
    assert not immediate_too_late(date(2027, 6, 30), None, RULES, WORK)
    assert not immediate_too_late(None, feedback, RULES, WORK)


POLICY = RhythmPolicy(tz=SHANGHAI, calendar=WORK)


def run_days(due_on: date) -> dict[str, date]:
    runs = milestone_runs(
        [DueMilestone(7, "plan", due_on)],
        datetime(2025, 12, 1, tzinfo=SHANGHAI),
        datetime(2027, 12, 1, tzinfo=SHANGHAI),
        POLICY,
    )
    return {r.kind.value: r.day for r in runs}


def test_reminders_fall_a_week_and_a_day_before_on_the_day_and_the_working_day_after() -> None:
    assert run_days(date(2026, 12, 4)) == {
        "milestone7": date(2026, 11, 27),
        "milestone1": date(2026, 12, 3),
        "milestone0": date(2026, 12, 4),
        "milestone_missed": date(2026, 12, 7),
    }


def test_around_spring_festival_the_week_and_day_reminders_share_a_day_and_one_is_sent() -> None:
    # Due Tuesday 24 February 2026: a week before and a day before are both in the holiday,
    # so both move back to Saturday 14 February (a working day); one reminder goes out.
    assert run_days(date(2026, 2, 24)) == {
        "milestone1": date(2026, 2, 14),
        "milestone0": date(2026, 2, 24),
        "milestone_missed": date(2026, 2, 25),
    }


def test_a_new_date_gives_new_runs() -> None:
    assert DueMilestone(7, "plan", date(2026, 12, 4)).period == "c7:plan:2026-12-04"
    assert DueMilestone(7, "plan", date(2026, 12, 10)).period != "c7:plan:2026-12-04"


@pytest.mark.parametrize(
    ("args", "command"),
    [
        ([], MilestoneCommand()),
        (["反馈", "2026-11-20"], MilestoneCommand(Change.FEEDBACK, day=date(2026, 11, 20))),
        (["feedback", "2026年11月20日"], MilestoneCommand(Change.FEEDBACK, day=date(2026, 11, 20))),
        (["反馈", "清除"], MilestoneCommand(Change.FEEDBACK)),
        (["类型", "审计"], MilestoneCommand(Change.SOURCE, source=CampaignSource.AUDIT)),
        (
            ["source", "Inspection"],
            MilestoneCommand(Change.SOURCE, source=CampaignSource.INSPECTION),
        ),
        (["方案", "2026/12/10"], MilestoneCommand(Change.DUE, Milestone.PLAN, date(2026, 12, 10))),
        (["整改情况报告", "自动"], MilestoneCommand(Change.DUE, Milestone.REPORT)),
        (["plan", "submitted"], MilestoneCommand(Change.SUBMITTED, Milestone.PLAN)),
        (
            ["方案", "已报送", "2026-12-03"],
            MilestoneCommand(Change.SUBMITTED, Milestone.PLAN, date(2026, 12, 3)),
        ),
        (["报告", "撤销"], MilestoneCommand(Change.UNSUBMITTED, Milestone.REPORT)),
    ],
)
def test_milestone_commands_are_read_in_chinese_and_english(
    args: list[str], command: MilestoneCommand
) -> None:
    assert parse_command(args) == command


@pytest.mark.parametrize(
    ("args", "key"),
    [
        (["总结", "2026-12-10"], "error.milestone_usage"),
        (["方案"], "error.milestone_usage"),
        (["方案", "已报送", "昨天", "多余"], "error.milestone_usage"),
        (["类型", "审查"], "error.milestone_usage"),
        (["方案", "2026-02-30"], "error.milestone_date"),
        (["方案", "下周五"], "error.milestone_date"),
        (["反馈", "1900-01-01"], "error.milestone_far"),
    ],
)
def test_a_command_that_cannot_be_read_names_the_problem(args: list[str], key: str) -> None:
    with pytest.raises(BadMilestoneCommand) as raised:
        parse_command(args)
    assert raised.value.key == key


def test_a_notice_says_why_the_date_moved_off_a_holiday_or_a_weekend() -> None:
    plan = states_of(campaign(CampaignSource.INSPECTION, date(2026, 2, 2)), [], RULES, WORK)[0]
    assert (plan.due_on, plan.moved_from, plan.day_off) == (
        date(2026, 2, 24),
        date(2026, 2, 16),
        "农历除夕",
    )
    notice = milestone_notice(plan, Kind.MILESTONE_7.value, date(2026, 2, 14), "zh")
    assert "后14天内。2026-02-16 为农历除夕，顺延至其后第一个工作日。" in notice
    report = states_of(campaign(CampaignSource.INSPECTION, date(2026, 12, 31)), [], RULES, WORK)[1]
    assert report.moved_from == date(2027, 2, 28)
    assert "2027-02-28 为休息日" in milestone_notice(report, "milestone7", date(2027, 2, 22), "zh")
    audit = states_of(campaign(CampaignSource.AUDIT, date(2026, 2, 6)), [], RULES, WORK)[0]
    assert audit.moved_from is None  # working days are counted on working days: nothing moves
