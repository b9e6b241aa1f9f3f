"""The weekly-report splitter: by 序号, by list position, 其余, and text that names no measure."""

from __future__ import annotations

import pytest

from domain.work.report_split import ItemKind, is_no_change, split_report


def refs(text: str) -> list[tuple[str, str]]:
    return [(item.kind.value, item.ref) for item in split_report(text)]


def test_the_issue_example_splits_into_two_numbered_items_and_the_rest() -> None:
    items = split_report(
        "1.2 已完成专题学习，完成50%；2.2 调研报告已形成初稿，完成80%；其余按计划推进"
    )
    assert [(i.kind, i.ref, i.percent, i.no_change) for i in items] == [
        (ItemKind.NUMBER, "1.2", 50, False),
        (ItemKind.NUMBER, "2.2", 80, False),
        (ItemKind.REST, "", None, True),
    ]
    assert items[0].text == "已完成专题学习，完成50%"  # the original characters are kept


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("第1项 已完成调研，进度60%\n第3项 本周无新进展", [("position", "1"), ("position", "3")]),
        ("第一项完成50%；第十项完成30%", [("position", "1"), ("position", "10")]),
        (
            "1、完成50%\n2、已整改完成\n（3）按计划推进",
            [("position", "1"), ("position", "2"), ("position", "3")],
        ),
        ("1.1：完成制度修订；1.3: 无新进展", [("number", "1.1"), ("number", "1.3")]),
        ("１．２ 完成50%；2.2完成80%", [("number", "1.2"), ("number", "2.2")]),
        ("任务3.1 完成；措施 27.3 完成40%", [("number", "3.1"), ("number", "27.3")]),
        ("1.2.1 完成；1.2.2 完成20%", [("number", "1.2.1"), ("number", "1.2.2")]),
        ("1.1 完成60%; 2.1 完成70%", [("number", "1.1"), ("number", "2.1")]),
    ],
)
def test_items_are_found_by_number_or_position_whatever_the_separator(
    text: str, expected: list[tuple[str, str]]
) -> None:
    assert refs(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "已组织读书班和中心组学习，完成60%",
        "进度50.5%，其余按计划推进",
        "2026.12 完成验收",
        "1.5万元资金已拨付到位，完成60%",
        "50%",
        "",
    ],
)
def test_text_that_names_no_measure_gives_no_items(text: str) -> None:
    assert split_report(text) == []


def test_a_wrapped_line_continues_the_item_before_it_and_a_preamble_is_dropped() -> None:
    items = split_report("本周情况如下：\n1.1 完成制度修订\n  已印发实施，完成80%\n1.3：无新进展")
    assert [(i.ref, i.text, i.percent) for i in items] == [
        ("1.1", "完成制度修订；已印发实施，完成80%", 80),
        ("1.3", "无新进展", None),
    ]
    assert items[1].no_change


def test_the_corpus_phrasing_of_measures_is_read_per_item() -> None:
    # The notices' own wording (一是…二是…, 已制定…) inside numbered items.
    items = split_report(
        "3.1 一是已制定《区委理论学习中心组学习规则》，二是开展专题学习4次，整改完成；"
        "3.3 已下发工作提示，持续推进规范化建设"
    )
    assert [(i.ref, i.done, i.no_change) for i in items] == [
        ("3.1", True, False),
        ("3.3", False, True),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("本周无新进展", True),
        ("按计划推进", True),
        ("按计划推进，完成50%", False),  # a figure is progress, not "no change"
        ("已整改完成", False),
        ("no change this week", True),
        ("正在推进中", False),
    ],
)
def test_no_change_means_the_phrase_and_no_figure(text: str, expected: bool) -> None:
    assert is_no_change(text) is expected
