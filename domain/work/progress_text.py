"""Read a progress percentage and a done flag out of an official's free-text chat message.

Design choices for ambiguous wording (the tests pin each of them down):

* A false "done" is worse than a missed one (done triggers a sign-off offer), so any
  negation or hedge anywhere in the message (未完成, 不到位, 基本完成, 即将完成, 是否完成,
  not done, will be done …) vetoes done, and a done phrase only counts when it stands for the
  whole task: it ends its clause, carries no deadline/plan wording without 已, and its clause
  names no part of the work (第一阶段, 调研, 3项 …).
* An explicit progress percent below 100 overrides a done phrase ("已完成，进度80%" → 80).
* Among several percents the one tied to a progress word (进度/完成/整改 …) wins, then the
  later one, so "由60%提升到80%" and "上周60%，本周80%" both give 80.
* Deltas (提高10%), targets (计划达到100%) and funding shares (50%的资金已拨付) are not
  progress and are dropped; other rates (覆盖率达95%) are kept only as a last resort and never
  imply done. Remaining work (尚有20%未完成, 剩余两成) is turned into progress (80).
* 基本完成 means "substantially done": not done, percent 90 when no explicit percent is given;
  即将完成 / 接近完成 give no percent.
* Decimals round half up, but anything below 100 stays at most 99 so 99.6% never means done.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from domain.intake.headings import zh_number
from domain.model import ParsedProgress

__all__ = ["parse_progress"]

_ZH = "零一二两三四五六七八九十百"

# After NFKC the full-width ，；！？ are ASCII; 。 stays as it is.
_CLAUSE_ENDS = ",.;!?。\n\r"

_PCT_SIGN = r"(?:%|percent\b|per\s?cent\b)"
_NUM = r"\d{1,3}(?:\.\d{1,4})?"
# One alternation scanned left to right, so a stretch of text yields at most one reading
# (百分之九十成效 is 90, never also 十成). Every repetition is bounded or stops at a distinct char: no backtracking blow-up.
_PERCENT_RE = re.compile(
    rf"""
      (?:进度|进展|完成率|完成度|整改率)[\s:为是约近达到了已经]{{0,6}}
        (?P<kw_num>{_NUM})(?![\d.])
        (?:\s*{_PCT_SIGN}|(?!\s*[年月日号天周个项件条家户万元亿人次处期批/]))
    | (?<![\d.])(?P<num>\d{{1,6}}(?:\.\d{{1,4}})?)\s*{_PCT_SIGN}
    | 百分之(?P<zh_pct>[{_ZH}]{{1,6}}|{_NUM})
    | (?P<den>[一二两三四五六七八九十]{{1,3}})分之(?P<numer>[一二两三四五六七八九十]{{1,3}})
    | (?<![{_ZH}])(?P<tenths>[一二两三四五六七八九])成(?P<hundredths>[一二三四五六七八九])?
        (?![员本果绩立为功效熟型都品交就长年人是不会要能])  # not 成员, 八成是 (= probably) …
    | (?P<half>一半|过半)(?![年月日天周个小])
    """,
    re.VERBOSE,
)

_PROGRESS_WORD = re.compile(r"进度|进展|完成|整改|推进|落实|办理")
_OTHER_RATE = re.compile(r"(?<!完成)(?<!整改)率|占比|比例|比重|覆盖|满意|合格|同比|环比")
_FUNDING_BEFORE = re.compile(r"资金|经费|预算|拨付|支付|投资|费用")
_FUNDING_AFTER = re.compile(r"\s*的?\s*(?:资金|经费|预算|款|费用|投资)")
_DELTA = re.compile(r"提高|提升|增加|增长|上升|加快|下降|降低|减少|上涨|下滑")
_STATE_AFTER_DELTA = re.compile(r"[到至为达]了?\s*(?:约|近|超过)?\s*$")
_TARGET = re.compile(r"计划|预计|争取|力争|确保|目标|拟|(?<!已)将|预期|有望|要求|可达|能达|需")
_NEGATED = re.compile(r"未|没|不到|不足|不及|低于|少于")
_SUPERSEDED = re.compile(r"(?:[由从]|原来?|原先|此前|之前|上周|上月)[^到至]*$")
_REMAINING_BEFORE = re.compile(r"(?:剩余|剩下|还剩|尚余|尚有|还有|仍有)\s*(?:约|近)?\s*$")
_REMAINING_AFTER = re.compile(r"\s*的?(?:工作|任务|工程量)?(?:尚未|未|没|待)完成")

_DONE_RE = re.compile(
    r"""
    (?:
        已经?(?:全部|全面|圆满|顺利|按期|按时|如期|均|都)?(?:整改)?完成了?
            (?:全部|所有)?(?:整改|销号)?(?:工作|任务|事项)?
      | (?:全部|全面|均|都)(?:已经?)?(?:整改)?完成
      | 整改(?:工作|任务)?(?:已经?)?(?:全部|均|都)?(?:已经?)?(?:完成|完毕|到位)
      | 完成了?(?:全部)?整改(?:工作|任务)?
      | (?:落实|处理|办理)(?:已经?)?(?:到位|完毕)
      | (?:已经?|全部|均|都)办结
      | 完毕
      | (?<!\w)完成
      | \b(?:done|completed?|finished)\b
    )
    [了啦啊的]*
    # Whole-task done ends its clause (or goes on to ask for sign-off); "已完成3项" does not.
    (?=\s*(?:$|[^\w\s?]|待|申请|请|提请|报请|可以?销号|并[已经通]))
    """,
    re.VERBOSE,
)
# Wording before a done phrase that makes it a plan, a deadline or a request, unless 已 is said.
_NOT_YET = re.compile(
    r"计划|预计|争取|力争|确保|(?<!已)将|拟|准备|打算|需要?|须|务必|应当|应该|应于|要求|要在|请"
    r"|目标|期限|截止|(?<![目当此提])前|(?<!彻)底|以内|之内|[日天周月年]内|下周|下月|明天|明年"
    r"|尽快|抓紧|正在|待"
)
_PART = re.compile(
    r"阶段|部分|前期|初步|其中|调研|方案|摸排|排查|草案|初稿|第[\d一二两三四五六七八九十]"
)
_COUNT = re.compile(r"(?:\d+|[一二两三四五六七八九十]+)\s*(?:项|个|处|条|家|户|件|批)")
_ALL = re.compile(r"全|均|都|所有")
_NOT_DONE = re.compile(
    r"""
      (?:未|没有?|尚未|还未|还没有?|无法|难以|不能|未能|不会|不可能)[^\s,.;!?。]{0,6}?
        (?:完成|到位|办结|完毕)
    | 不到位|不彻底|不完全|不全面|未全部|即将|(?:正在|仍在|还在|尚在|继续|持续|待)整改
    | (?:基本|大体|大部分|部分|初步|接近|快要?|差不多|尚待|有待|待)(?:整改)?(?:完成|到位|办结|完毕)
    | (?:是否|能否|可否|何时|什么时候)[^\s,.;!?。]{0,6}?(?:完成|到位|办结|完毕)
    | (?:完成|到位|办结|完毕)了?(?:吗|没有?)
    | (?:\b(?:not|never|almost|nearly|partially|partly|half|mostly|be|to|will|shall|should|must
            |need|needs|please|pls|plan|planned|expect|expected|going|soon)|n't)
        \s+(?:\w+\s+){0,2}?(?:done|completed?|finished)\b
    """,
    re.VERBOSE,
)
_MOSTLY_DONE = re.compile(r"基本(?:整改)?(?:完成|到位|办结|完毕|落实)")


@dataclass(frozen=True, slots=True)
class _Candidate:
    value: float
    start: int
    strong: bool  # may stand for the task's progress (not another rate, not "不到80%")
    keyword: bool  # tied to a progress word in its clause
    superseded: bool  # the old state in a change phrase ("由60%…")

    @property
    def rank(self) -> tuple[bool, bool, bool, int]:
        return (self.strong, self.keyword, not self.superseded, self.start)


def _match_value(m: re.Match[str]) -> float | None:
    if (digits := m["kw_num"] or m["num"]) is not None:
        return float(digits)
    if (zh := m["zh_pct"]) is not None:
        return float(zh) if zh[0].isdigit() else _as_float(zh_number(zh))
    if m["den"] is not None:
        den, numer = zh_number(m["den"]), zh_number(m["numer"])
        if not den or numer is None or numer > den:
            return None
        return 100 * numer / den
    if m["tenths"] is not None:
        tenths = zh_number(m["tenths"]) or 0
        hundredths = zh_number(m["hundredths"]) if m["hundredths"] else 0
        return float(tenths * 10 + (hundredths or 0))
    return 50.0


def _as_float(value: int | None) -> float | None:
    return None if value is None else float(value)


def _clause_before(text: str, index: int, width: int) -> str:
    window = text[max(0, index - width) : index]
    cut = max(window.rfind(ch) for ch in _CLAUSE_ENDS)
    return window[cut + 1 :]


def _candidate(text: str, m: re.Match[str], prev_end: int) -> _Candidate | None:
    value = _match_value(m)
    if value is None or not 0 <= value <= 100:
        return None
    start, end = m.span()
    clause = _clause_before(text, start, 16)
    near = clause[max(0, prev_end - (start - len(clause))) :][-12:]  # since the last number
    suffix = text[end : end + 8]
    if _TARGET.search(clause) or _FUNDING_BEFORE.search(near) or _FUNDING_AFTER.match(suffix):
        return None
    if _DELTA.search(near) and not _STATE_AFTER_DELTA.search(near):
        return None
    if _REMAINING_BEFORE.search(near) or _REMAINING_AFTER.match(suffix):
        value = 100 - value
    negated = _NEGATED.search(near) is not None
    if negated and value >= 100:
        return None
    return _Candidate(
        value=value,
        start=start,
        strong=not negated and not _OTHER_RATE.search(near),
        keyword=m["kw_num"] is not None or _PROGRESS_WORD.search(clause) is not None,
        superseded=_SUPERSEDED.search(near) is not None,
    )


def _best_percent(text: str) -> _Candidate | None:
    best: _Candidate | None = None
    prev_end = 0
    for m in _PERCENT_RE.finditer(text):
        cand = _candidate(text, m, prev_end)
        prev_end = m.end()
        if cand is not None and (best is None or cand.rank > best.rank):
            best = cand
    return best


def _has_done_phrase(text: str) -> bool:
    for m in _DONE_RE.finditer(text):
        clause = _clause_before(text, m.start(), 30)
        said_already = "已" in m.group() or "已" in clause
        if _NOT_YET.search(clause) and not said_already:
            continue
        if _PART.search(clause):
            continue
        if _COUNT.search(clause) and not _ALL.search(clause + m.group()):
            continue
        return True
    return False


def _to_int(value: float) -> int:
    rounded = int(value + 0.5)  # half up, unlike round()'s banker's rounding
    return min(rounded, 99) if value < 100 else rounded


def parse_progress(text: str) -> ParsedProgress:
    """Extract the progress percent and whether the task is reported done."""
    norm = unicodedata.normalize("NFKC", text).strip().lower()
    best = _best_percent(norm)
    if best is not None and best.strong and best.value < 100:
        return ParsedProgress(percent=_to_int(best.value), done=False)
    vetoed = _NOT_DONE.search(norm) is not None
    said_done = (best is not None and best.strong) or _has_done_phrase(norm)
    if said_done and not vetoed:
        return ParsedProgress(percent=100, done=True)
    if best is not None:
        return ParsedProgress(percent=_to_int(best.value), done=False)
    return ParsedProgress(percent=90 if _MOSTLY_DONE.search(norm) else None, done=False)
