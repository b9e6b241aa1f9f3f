"""Digest and bulletin: long lists cut to what a reader takes in, titles, the ranking's rules."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest

from domain.lights import LightPolicy
from domain.model import Light
from domain.records.board import Board, ProblemFigures, UnitLine, board_from
from domain.rhythm.digest import (
    SILENT_SHOWN,
    Silent,
    bulletin_subject,
    bulletin_text,
    digest_text,
    ranking,
)
from domain.texts import text
from tests.conftest import SHANGHAI

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI)


def digest(silent: list[Silent], *, personal: bool) -> str:
    return digest_text(
        campaign="省级巡视",
        period="2026-W48",
        board=board_from("省级巡视", [], ProblemFigures(0, 0)),
        previous=None,
        red=[],
        silent=silent,
        lang="zh",
        personal=personal,
        now=NOW,
        policy=LightPolicy(tz=SHANGHAI),
    )


def test_a_province_of_silent_officials_is_named_up_to_a_limit_and_counted_beyond() -> None:
    silent = [Silent(f"官员{i:05d}", f"单位{i % 7}", [f"{i}.1", f"{i}.2"]) for i in range(60)]
    text = digest(silent, personal=True)
    assert "上周未报送（60人）" in text
    named = [s for s in silent if f"{s.person}（" in text]
    assert named == silent[:SILENT_SHOWN]
    assert f"另有 {60 - SILENT_SHOWN} 人" in text
    assert "/silent" in text


def test_a_short_list_is_named_in_full_and_a_group_sees_units_only() -> None:
    silent = [Silent("王建国", "区发展改革委", ["1.1", "1.2"])]
    assert "区发展改革委：王建国（1.1、1.2）" in digest(silent, personal=True)
    group = digest(silent, personal=False)
    assert "王建国" not in group
    assert "区发展改革委：2 项任务未报送" in group
    assert "另有" not in group


def test_a_round_named_with_its_rectification_is_not_doubled_in_the_bulletin_title() -> None:
    def title(campaign: str) -> str:
        return text("bulletin.doc_title", "zh", campaign=bulletin_subject(campaign))

    assert title("普陀区巡视整改") == "关于普陀区巡视整改工作进展情况的通报"
    assert (
        title("区委第一巡察组反馈问题整改工作")
        == "关于区委第一巡察组反馈问题整改工作进展情况的通报"
    )
    assert title("2026年审计") == "关于2026年审计整改工作进展情况的通报"
    assert title("整改") == "关于整改整改工作进展情况的通报"  # nothing left to name: kept whole


def unit(name: str, total: int, closed: int, overdue: int) -> UnitLine:
    lights = dict.fromkeys(Light, 0)
    return UnitLine(unit=name, total=total, closed=closed, overdue=overdue, lights=lights)


def board_of(units: list[UnitLine]) -> Board:
    return replace(board_from("轮", [], ProblemFigures(0, 0)), units=units)


def test_units_with_nothing_done_are_tied_first_and_listed_by_name_not_import_order() -> None:
    units = [unit("区财政局", 5, 0, 0), unit("区城管执法局", 3, 0, 0), unit("区委办", 4, 0, 0)]
    ranks = ranking(board_of(units), {}, None)
    assert [(r.rank, r.tied) for r in ranks] == [(1, True)] * 3
    assert [r.unit for r in ranks] == sorted(u.unit for u in units)


def test_the_ranking_rules_apply_in_order_completion_then_overdue_then_punctuality() -> None:
    units = [
        unit("甲", 10, 5, 2),  # 50 %, 2 overdue
        unit("乙", 10, 5, 1),  # 50 %, 1 overdue: ahead of 甲
        unit("丙", 4, 4, 0),  # 100 %
        unit("丁", 10, 5, 1),  # as 乙, but fewer of its deadlines have passed well
        unit("戊", 10, 5, 1),  # exactly as 乙: tied with it
    ]
    due = {"甲": 4, "乙": 4, "丁": 2, "戊": 4}  # 丁: 1 overdue of 2 due = 50 % on time
    ranks = ranking(board_of(units), due, None)
    assert [(r.unit, r.rank, r.tied) for r in ranks] == [
        ("丙", 1, False),
        ("乙", 2, True),
        ("戊", 2, True),
        ("丁", 4, False),
        ("甲", 5, False),
    ]
    assert "并列2. 乙" in bulletin_text(
        campaign="轮",
        month="2026-11",
        board=board_of(units),
        previous=None,
        ranks=ranks,
        overdue=[],
        today=NOW.date(),
        lang="zh",
        personal=True,
    )


@pytest.mark.parametrize(("lang", "said"), [("zh", "（较上周+0）"), ("en", " (+0 vs last week)")])
def test_the_week_over_week_change_is_said_in_the_readers_language(lang: str, said: str) -> None:
    body = digest_text(
        campaign="省级巡视",
        period="2026-W48",
        board=board_from("省级巡视", [], ProblemFigures(0, 0)),
        previous={"tasks_closed": 0, "overdue": 0},
        red=[],
        silent=[],
        lang=lang,
        personal=False,
        now=NOW,
        policy=LightPolicy(tz=SHANGHAI),
    )
    assert body.count(said) == 2  # signed off and overdue
