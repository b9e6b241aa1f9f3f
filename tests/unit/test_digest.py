"""The weekly digest's text: long lists are cut to what a reader can take in."""

from __future__ import annotations

from datetime import datetime

from domain.board import ProblemFigures, board_from
from domain.digest import SILENT_SHOWN, Silent, digest_text
from domain.lights import LightPolicy
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
