"""Tests for reading progress out of officials' free-text chat messages."""

from __future__ import annotations

import random

import pytest

from domain.intake.headings import zh_number
from domain.model import ParsedProgress
from domain.work.progress_text import parse_progress

# (test id, message, expected percent, expected done)
Case = tuple[str, str, int | None, bool]


def _params(cases: list[Case]) -> list[object]:
    return [pytest.param(text, pct, done, id=name) for name, text, pct, done in cases]


PERCENT_FORMS: list[Case] = [
    ("plain percent", "80%", 80, False),
    ("percent with a space", "80 %", 80, False),
    ("full-width digits and sign", "８０％", 80, False),
    ("full-width sign", "80％", 80, False),
    ("百分之 with tens", "百分之八十", 80, False),
    ("百分之 with tens and units", "百分之八十五", 85, False),
    ("百分之 with teens", "百分之十五", 15, False),
    ("百分之 with twenty-five", "百分之二十五", 25, False),
    ("百分之 with ninety-nine", "百分之九十九", 99, False),
    ("百分之 with arabic digits", "百分之80", 80, False),
    ("tenths", "八成", 80, False),
    ("tenths with 两", "两成", 20, False),
    ("tenths and hundredths", "八成五", 85, False),
    ("tenths with 以上", "九成以上", 90, False),
    ("完成一半 is half", "完成一半", 50, False),
    ("完成了一半 is half", "完成了一半", 50, False),
    ("过半 is half", "过半", 50, False),
    ("一半 is half", "一半", 50, False),
    ("two thirds rounds to 67", "三分之二", 67, False),
    ("three quarters", "四分之三", 75, False),
    ("进度 with a bare number", "进度80", 80, False),
    ("进度 with a full-width colon", "进度：80", 80, False),
    ("进度 with 已达", "整改进度已达85", 85, False),
    ("完成率 with percent", "完成率80%", 80, False),
    ("decimal rounds half up", "87.5%", 88, False),
    ("decimal rounds down", "66.4%", 66, False),
    ("just under 100 never rounds to done", "99.6%", 99, False),
    ("English percent", "80 percent", 80, False),
    ("English per cent", "80 Per Cent", 80, False),
    ("zero percent is kept", "进度0%", 0, False),
    ("above 100 is ignored", "120%", None, False),
    ("Chinese above 100 is ignored", "百分之一百二十", None, False),
    ("进度 above 100 is ignored", "进度150", None, False),
    ("mixed Chinese and English", "整改progress 80%", 80, False),
    ("emoji around a percent", "💪整改进度80%💪", 80, False),
    ("surrounding whitespace", "  \t进度 70% \n", 70, False),
]

DONE_FORMS: list[Case] = [
    ("已完成", "已完成", 100, True),
    ("已全部完成", "已全部完成", 100, True),
    ("完成整改", "完成整改", 100, True),
    ("已完成整改", "已完成整改", 100, True),
    ("整改完成", "整改完成", 100, True),
    ("整改到位", "整改到位", 100, True),
    ("已整改到位", "已整改到位", 100, True),
    ("已落实到位", "已落实到位", 100, True),
    ("已办结", "已办结", 100, True),
    ("全部完成", "全部完成", 100, True),
    ("完毕", "整改完毕", 100, True),
    ("bare 完成 as the whole reply", "完成。", 100, True),
    ("已完成 followed by 了", "已经完成了！", 100, True),
    ("整改工作已全部完成", "整改工作已全部完成", 100, True),
    ("done then 待销号", "已完成，待销号", 100, True),
    ("done then 申请销号", "整改完成，申请销号", 100, True),
    ("done before a sign-off request without a comma", "整改完成待销号", 100, True),
    ("English done", "done", 100, True),
    ("English Done with punctuation", "Done!", 100, True),
    ("English completed", "Task completed.", 100, True),
    ("English complete", "complete", 100, True),
    ("English finished", "FINISHED", 100, True),
    ("English has been completed", "it has been completed", 100, True),
    ("100 percent", "100%", 100, True),
    ("百分之百", "百分之百", 100, True),
    ("百分之一百", "百分之一百", 100, True),
    ("进度100% means done", "整改进度100%", 100, True),
    ("已完成100% is whole", "已完成100%", 100, True),
    ("emoji and spaces around done", "  ✅ 已完成整改 👍  ", 100, True),
    ("all three items done", "3项问题已全部整改完成", 100, True),
    ("deadline met with 已", "已于11月底前整改完成", 100, True),
    # Done but not yet signed off is exactly when the bot should offer sign-off.
    ("done and awaiting 销号", "已整改完成，尚未销号", 100, True),
    # A rate that qualifies something else neither overrides nor implies done.
    ("done with an unrelated rate", "整改完成，覆盖率95%", 100, True),
]

NOT_DONE_FORMS: list[Case] = [
    ("未完成", "未完成", None, False),
    ("尚未完成", "尚未完成", None, False),
    ("还没完成", "还没完成", None, False),
    ("没有完成", "没有完成", None, False),
    ("没完成", "没完成", None, False),
    ("未整改到位", "未整改到位", None, False),
    ("尚未整改到位", "尚未整改到位", None, False),
    ("不到位", "整改不到位", None, False),
    ("未办结", "未办结", None, False),
    ("未全部完成", "未全部完成", None, False),
    ("即将完成", "即将完成", None, False),
    ("接近完成", "接近完成", None, False),
    ("基本完成 is 90 and not done", "基本完成", 90, False),
    ("已基本完成整改 is 90 and not done", "已基本完成整改", 90, False),
    ("基本完成 keeps an explicit percent", "已基本完成，进度95%", 95, False),
    ("negation wins over a done phrase", "A项已完成，B项未完成", None, False),
    ("negation wins over 100%", "未完成，进度100%", 100, False),
    ("work still under way vetoes done", "整改已完成。另有3项正在整改", None, False),
    ("a question is not done", "整改完成了吗？", None, False),
    ("是否 is not done", "是否已完成？", None, False),
    ("English not done", "not done", None, False),
    ("English not completed", "Not completed yet", None, False),
    ("English not finished", "not finished", None, False),
    ("English isn't done", "it isn't done", None, False),
    ("English future", "will be done by Friday", None, False),
    ("English request", "please complete it", None, False),
    ("English incomplete", "incomplete", None, False),
    ("English unfinished", "unfinished", None, False),
    ("English question", "done?", None, False),
    ("empty message", "", None, False),
    ("whitespace only", "   ", None, False),
]

PARTIAL_COMPLETION: list[Case] = [
    ("已完成 with a percent", "已完成80%", 80, False),
    ("已完成 with 百分之", "已完成百分之八十", 80, False),
    ("完成了 with a percent", "完成了80%", 80, False),
    ("已完成 with tenths", "已完成八成", 80, False),
    ("English percent done", "80% done", 80, False),
    ("a done phrase is overridden by a lower progress percent", "已完成，进度80%", 80, False),
    ("已完成 with a count", "已完成3项", None, False),
    ("已完成 with a stage", "已完成第一阶段", None, False),
    ("已完成 with a sub-task", "已完成调研", None, False),
    ("a stage already done", "第一阶段已完成", None, False),
    ("a sub-task already done", "调研已完成", None, False),
    ("a count already done", "5个问题已整改到位", None, False),
    ("English completed with an object", "completed the survey", None, False),
]

MULTIPLE_NUMBERS: list[Case] = [
    ("由…提升到 takes the new state", "由60%提升到80%", 80, False),
    ("进度由…提升到 takes the new state", "整改进度由60%提升到80%", 80, False),
    ("从…到 with tenths", "从六成到八成", 80, False),
    ("the later of two reports", "上周60%，本周80%", 80, False),
    ("an earlier state mentioned last", "本周进度80%，上周为60%", 80, False),
    ("progress beats funding", "进度80%，资金拨付50%", 80, False),
    ("progress beats a funding share before it", "50%的资金已拨付，整改进度70%", 70, False),
    ("progress beats an unrelated rate", "覆盖率达95%，整改进度80%", 80, False),
    ("progress beats an unrelated rate in the same clause", "完成率80%覆盖率95%", 80, False),
    ("progress beats a target", "进度80%，计划下月达到100%", 80, False),
    # Last resort: a rate that qualifies something else is better than nothing.
    ("an unrelated rate as the only number", "覆盖率达95%", 95, False),
    ("remaining work is converted", "尚有20%未完成", 80, False),
    ("remaining tenths are converted", "剩余两成", 80, False),
    ("progress with a deadline date", "2026年12月前完成80%", 80, False),
]

TRAPS: list[Case] = [
    ("a date", "2026年12月", None, False),
    ("a planned completion date", "计划2026年12月底前完成整改", None, False),
    ("a deadline request", "请于月底前完成整改", None, False),
    ("a plan to be in place", "争取月底前整改到位", None, False),
    ("进度 followed by a date", "进度：2026年12月底", None, False),
    ("a count", "已排查3项问题", None, False),
    ("money", "投入50万元", None, False),
    ("a funding share", "50%的资金已拨付", None, False),
    ("funding fully in place", "整改资金100%到位", None, False),
    ("a delta is not a state", "进度比上周提高了10%", None, False),
    ("a target is not a state", "计划下月达到100%", None, False),
    ("a promise of 100%", "确保100%完成", None, False),
    ("not reaching 100% is not done", "完成率不到100%", None, False),
    ("超过半年 is not half", "已超过半年", None, False),
    ("成员 is not tenths", "三成员单位", None, False),
    ("十分 is not a fraction", "十分重视", None, False),
    ("八成是 means probably", "八成是系统问题", None, False),
    ("一成不变 is an idiom", "一成不变", None, False),
    ("十成把握 is confidence, not done", "有十成把握", None, False),
]


@pytest.mark.parametrize(("text", "percent", "done"), _params(PERCENT_FORMS))
def test_percent_forms_are_read(text: str, percent: int | None, done: bool) -> None:
    assert parse_progress(text) == ParsedProgress(percent=percent, done=done)


@pytest.mark.parametrize(("text", "percent", "done"), _params(DONE_FORMS))
def test_done_phrases_mean_done_at_100(text: str, percent: int | None, done: bool) -> None:
    assert parse_progress(text) == ParsedProgress(percent=percent, done=done)


@pytest.mark.parametrize(("text", "percent", "done"), _params(NOT_DONE_FORMS))
def test_negations_and_hedges_are_not_done(text: str, percent: int | None, done: bool) -> None:
    assert parse_progress(text) == ParsedProgress(percent=percent, done=done)


@pytest.mark.parametrize(("text", "percent", "done"), _params(PARTIAL_COMPLETION))
def test_completing_a_part_is_not_done(text: str, percent: int | None, done: bool) -> None:
    assert parse_progress(text) == ParsedProgress(percent=percent, done=done)


@pytest.mark.parametrize(("text", "percent", "done"), _params(MULTIPLE_NUMBERS))
def test_the_progress_number_is_chosen(text: str, percent: int | None, done: bool) -> None:
    assert parse_progress(text) == ParsedProgress(percent=percent, done=done)


@pytest.mark.parametrize(("text", "percent", "done"), _params(TRAPS))
def test_numbers_that_are_not_progress_are_ignored(
    text: str, percent: int | None, done: bool
) -> None:
    assert parse_progress(text) == ParsedProgress(percent=percent, done=done)


@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        pytest.param("零", 0, id="zero"),
        pytest.param("两", 2, id="two as 两"),
        pytest.param("十", 10, id="ten"),
        pytest.param("十五", 15, id="fifteen"),
        pytest.param("二十五", 25, id="twenty-five"),
        pytest.param("九十九", 99, id="ninety-nine"),
        pytest.param("百", 100, id="bare hundred"),
        pytest.param("一百", 100, id="one hundred"),
        pytest.param("一百零五", 105, id="hundred and five"),
        pytest.param("五五", None, id="two digits in a row are not a numeral"),
        pytest.param("十十", None, id="repeated unit is not a numeral"),
        pytest.param("", None, id="empty is not a numeral"),
    ],
)
def test_chinese_numerals_convert(numeral: str, value: int | None) -> None:
    assert zh_number(numeral) == value


# Realistic padding with dates, counts and money that must not be read as progress.
_FILLER = "2026年3月起，我单位高度重视，投入资金50万元，排查问题12项，逐条对照清单抓好落实。"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            _FILLER * 120 + "目前整改进度80%。",
            ParsedProgress(percent=80, done=False),
            id="a 5000-character report with progress at the end",
        ),
        pytest.param(
            "整改进度60%。" + _FILLER * 120,
            ParsedProgress(percent=60, done=False),
            id="a 5000-character report with progress at the start",
        ),
        pytest.param(
            _FILLER * 120 + "相关问题已全部整改完成，申请销号。",
            ParsedProgress(percent=100, done=True),
            id="a 5000-character report that ends done",
        ),
    ],
)
def test_long_messages_are_parsed(text: str, expected: ParsedProgress) -> None:
    assert len(text) > 5000
    assert parse_progress(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("1" * 6000 + "%", id="a long run of digits"),
        pytest.param("1 " * 3000 + "x", id="numbers separated by spaces"),
        pytest.param("进度" * 3000, id="repeated progress keyword"),
        pytest.param("进度:" + " " * 6000 + "x", id="keyword followed by long whitespace"),
        pytest.param("已完成" * 2000 + "3项", id="repeated done phrase"),
        pytest.param("已完成" + "了" * 6000 + "x", id="a long tail of particles"),
        pytest.param("百分之" * 2000, id="repeated 百分之"),
        pytest.param("未" * 6000 + "完成", id="a long run of negations"),
        pytest.param("not " * 2000 + "done", id="repeated English negation"),
        pytest.param("八成" * 3000, id="repeated tenths"),
    ],
)
def test_pathological_input_is_parsed_without_blowing_up(text: str) -> None:
    # No timing assertion (speed lives in bench/); catastrophic backtracking would hang here.
    result = parse_progress(text)
    assert result.percent is None or 0 <= result.percent <= 100


_TOKENS = [
    *"0123456789.%％ 零一二两三四五六七八九十百成半过之分率度进展已未没不全部整改到位办结完毕",
    *"，。,.?!:：的了吗项年月万元由从到提高资金计划尚有剩余abcdeNOT🎉✅",
    "percent",
    "done",
    "not ",
    "进度",
    "完成",
    "百分之",
    "分之",
    "基本",
]


def test_random_text_gives_a_percent_within_0_to_100() -> None:
    rng = random.Random(20240611)
    for _ in range(3000):
        text = "".join(rng.choice(_TOKENS) for _ in range(rng.randrange(0, 40)))
        result = parse_progress(text)
        assert result.percent is None or 0 <= result.percent <= 100, text
        assert not result.done or result.percent == 100, text
