"""How one event of a task's life reads in /history, in each language."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain.records.history import HistoryEntry, describe

AT = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("zh", "按导入的工作簿调整计划：责任人 王建国→李晓燕；整改时限 2026-12-31→2027-03-31"),
        ("en", "Plan changed by an import: official 王建国→李晓燕; deadline 2026-12-31→2027-03-31"),
    ],
)
def test_an_import_that_changes_a_plan_is_said_field_by_field_in_the_readers_language(
    lang: str, expected: str
) -> None:
    changes = [["owner", "王建国", "李晓燕"], ["due", "2026-12-31", "2027-03-31"]]
    entry = HistoryEntry(AT, "高飞", "task.replanned", {"changes": changes})
    assert describe(entry, lang) == expected


def test_an_older_plan_change_stored_as_a_sentence_still_reads() -> None:
    entry = HistoryEntry(AT, "高飞", "task.replanned", {"changes": "责任人 王建国→李晓燕"})
    assert describe(entry, "zh") == "按导入的工作簿调整计划：责任人 王建国→李晓燕"


def test_names_in_a_plan_change_are_escaped() -> None:
    entry = HistoryEntry(AT, None, "task.replanned", {"changes": [["owner", "<b>", "a&b"]]})
    assert "&lt;b&gt;→a&amp;b" in describe(entry, "en")


def test_a_changed_kind_of_measure_is_named_not_shown_as_its_code() -> None:
    entry = HistoryEntry(
        AT, "高飞", "task.replanned", {"changes": [["kind", "immediate", "bounded"]]}
    )
    assert describe(entry, "zh") == "按导入的工作簿调整计划：整改类型 立行立改→限期整改"
    assert describe(entry, "en") == "Plan changed by an import: kind immediate→time-bound"
