"""The round's rectification report (整改情况报告 / 整改进展情况报告), written from the ledger.

Laid out like the notices the corpus holds, so that the project's own notice parser reads it
back into the same problem list: `（一）“类别”方面`, `1.针对“问题”问题。`, then the problem's
measures as one paragraph `一是…。二是…。`. Only what the ledger and the reports hold is said:
each measure's unit and owner, its state, when it was completed, its latest reported progress,
and for what is not done the reason reported, any extension granted, and the deadline. The
coordinator edits the wording in Word.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, tzinfo

from domain.intake.headings import category_name, cn_number
from domain.model import Extension, LookbackCheck, LookbackStatus, ReportKind, TaskStatus, TaskView
from domain.rhythm.bulletin_doc import OfficialDocument, chinese_date, clean_text
from domain.rhythm.digest import bulletin_subject

EXCERPT = 60  # characters of a reported progress text quoted per measure
# A measure's own text must not start a new 一是/二是 item, or split the paragraph wrongly.
_ITEM_MARKERS = re.compile(r"([一二三四五六七八九十]+)是")


@dataclass(frozen=True, slots=True)
class Block:
    """One paragraph: a level-1 or level-2 heading, or body text."""

    level: int  # 1: 一、 heading; 2: （一） heading; 0: body
    text: str


@dataclass(frozen=True, slots=True)
class RectificationReport:
    """The whole report, ready to lay out as .docx or to read as text."""

    title: str
    doc_number: str
    addressee: str
    blocks: list[Block]
    issuer: str
    issued_on: date
    problems: int
    measures: int
    closed_measures: int
    closed_problems: int


@dataclass(frozen=True, slots=True)
class _Problem:
    category: str
    title: str
    measures: list[TaskView] = field(default_factory=list)

    @property
    def done(self) -> bool:
        return all(t.status == TaskStatus.CLOSED for t in self.measures)


def build_report(
    *,
    round_name: str,
    views: Sequence[TaskView],
    extensions: dict[int, list[Extension]],
    reports: int,
    kind: ReportKind,
    today: date,
    tz: tzinfo,
    issuer: str = "",
    lookbacks: Sequence[tuple[LookbackCheck, TaskView]] = (),
    grades: Sequence[tuple[str, str, str]] = (),  # (unit, grade, reason) decided by /grade
) -> RectificationReport:
    """Write the report of one round from its measures (in ledger order)."""
    problems = _problems(views)
    closed = sum(t.status == TaskStatus.CLOSED for t in views)
    done_problems = sum(p.done for p in problems)
    units = len({t.unit_id for t in views})
    subject = bulletin_subject(round_name)
    as_of = chinese_date(today)
    blocks = [
        Block(0, f"按照{subject}整改工作部署，现将截至{as_of}的整改{'' if kind == ReportKind.FINAL else '进展'}情况报告如下。"),
        Block(1, "一、组织落实情况"),
        Block(0, f"反馈的{len(problems)}项问题共明确整改措施{len(views)}条，涉及{units}个责任单位。"
                 f"截至{as_of}，已完成整改措施{closed}条，正在推进{len(views) - closed}条；"
                 f"各单位共报送整改进展{reports}次。"),
        Block(1, "二、整改进展情况"),
        *_progress(problems, tz),
        Block(1, "三、尚未完成整改的问题及下一步措施"),
        *_unfinished(problems, extensions, today, as_of),
        Block(1, "四、整改成效"),
        Block(0, f"反馈的{len(problems)}项问题已完成整改{done_problems}项，"
                 f"整改措施{len(views)}条已完成{closed}条。"),
    ]  # fmt: skip
    for section in (_lookback_blocks(lookbacks), _grade_blocks(grades)):
        if section:
            number = cn_number(sum(b.level == 1 for b in blocks) + 1)
            blocks += [Block(1, f"{number}、{section[0].text}"), *section[1:]]
    title = f"关于{subject}整改{'' if kind == ReportKind.FINAL else '进展'}情况的报告"
    return RectificationReport(
        title=title,
        doc_number=f"〔{today.year}〕　号",
        addressee="　　　　：",
        blocks=blocks,
        issuer=issuer or f"{subject}整改工作领导小组办公室",
        issued_on=today,
        problems=len(problems),
        measures=len(views),
        closed_measures=closed,
        closed_problems=done_problems,
    )


def _lookback_blocks(checks: Sequence[tuple[LookbackCheck, TaskView]]) -> list[Block]:
    """五、回头看情况: how many signed-off measures were re-checked, and which slipped back."""
    answered = [(c, t) for c, t in checks if c.status != LookbackStatus.PENDING]
    if not checks:
        return []
    held = sum(c.status == LookbackStatus.HELD for c, _ in answered)
    slipped = [(c, t) for c, t in answered if c.status == LookbackStatus.SLIPPED]
    pending = len(checks) - len(answered)
    sentence = (
        f"对已销号的{len(checks)}条整改措施开展回头看，经核查整改成效保持{held}条，"
        f"出现反弹{len(slipped)}条（已重新打开整改）"
        + (f"，尚待核查{pending}条" if pending else "")
        + "。"
    )
    blocks = [Block(1, "回头看情况"), Block(0, sentence)]
    if slipped:
        named = "；".join(
            f"措施{t.number}（{_flat(t.unit_name)}）：{_excerpt(c.note)}" for c, t in slipped
        )
        blocks.append(Block(0, f"出现反弹的措施：{named}。"))
    return blocks


def _grade_blocks(grades: Sequence[tuple[str, str, str]]) -> list[Block]:
    """整改评价: the units by grade, with the reason where the coordinator gave one."""
    if not grades:
        return []
    blocks = [Block(1, "整改评价")]
    parts = []
    for grade in ("A", "B", "C"):
        units = [
            _flat(unit) + (f"（{_excerpt(reason)}）" if reason else "")
            for unit, given, reason in grades
            if given == grade
        ]
        if units:
            parts.append(f"评为{grade}级的单位{len(units)}个：{'、'.join(units)}")
    blocks.append(Block(0, "经综合评定，" + "；".join(parts) + "。"))
    if any(given == "C" for _, given, _ in grades):
        blocks.append(Block(0, "对评为C级的单位，由牵头领导对其主要负责人进行履责约谈。"))
    return blocks


def report_text(report: RectificationReport) -> str:
    """The report as plain text (what the notice parser reads)."""
    lines = [report.doc_number, report.title, report.addressee]
    lines += [f"　　{clean_text(b.text)}" for b in report.blocks]
    lines += [report.issuer, chinese_date(report.issued_on)]
    return "\n\n".join(lines) + "\n"


def report_docx(report: RectificationReport) -> bytes:
    """The report in the bulletin's GB/T 9704 layout."""
    doc = OfficialDocument(report.title, report.issuer, report.issued_on)
    doc.line(report.doc_number, centred=True)
    doc.title(report.title)
    doc.line(report.addressee)
    for block in report.blocks:
        if block.level == 1:
            doc.heading1(block.text)
        elif block.level == 2:
            doc.heading2(block.text)
        else:
            doc.body(block.text)
    doc.signature(report.issuer, report.issued_on)
    return doc.to_bytes()


def report_file_name(round_name: str, kind: ReportKind, today: date) -> str:
    """e.g. 普陀区巡视整改进展情况报告_20261201.docx."""
    label = "整改情况报告" if kind == ReportKind.FINAL else "整改进展情况报告"
    safe = re.sub(r'[\\/:*?"<>|\s]+', "_", bulletin_subject(round_name))
    return f"{safe}{label}_{today:%Y%m%d}.docx"


def _problems(views: Sequence[TaskView]) -> list[_Problem]:
    found: dict[int, _Problem] = {}
    for view in views:
        problem = found.setdefault(view.problem_id, _Problem(view.category or "其他", view.problem))
        problem.measures.append(view)
    return list(found.values())


def _progress(problems: Sequence[_Problem], tz: tzinfo) -> list[Block]:
    blocks: list[Block] = []
    categories: dict[str, list[_Problem]] = {}
    for problem in problems:
        categories.setdefault(problem.category, []).append(problem)
    for c, (category, members) in enumerate(categories.items(), start=1):
        blocks.append(Block(2, f"（{cn_number(c)}）“{category_heading(category)}”方面"))
        for n, problem in enumerate(members, start=1):
            blocks.append(Block(0, f"{n}.针对“{_quoted(problem.title)}”问题。"))
            items = [
                f"{cn_number(m)}是{_measure(task, tz)}。"
                for m, task in enumerate(problem.measures, start=1)
            ]
            blocks.append(Block(0, "".join(items)))
    return blocks


def _measure(task: TaskView, tz: tzinfo) -> str:
    text = _ITEM_MARKERS.sub(r"\1则", _flat(task.measure).rstrip("。；;"))
    who = f"（{task.unit_name}，{task.owner_name}）"
    if task.status == TaskStatus.CLOSED:
        when = task.closed_at or task.last_update_at
        finished = f"，{chinese_date(when.astimezone(tz).date())}完成" if when else ""
        return f"{text}{who}，已完成整改并销号{finished}"
    state = "已申请销号，待审核" if task.status == TaskStatus.PENDING_REVIEW else "正在推进"
    progress = f"，已完成{task.percent}%" if task.percent else ""
    latest = _excerpt(task.last_update_text)
    return f"{text}{who}，{state}{progress}" + (f"，最新进展：{latest}" if latest else "")


def _unfinished(
    problems: Sequence[_Problem],
    extensions: dict[int, list[Extension]],
    today: date,
    as_of: str,
) -> list[Block]:
    open_problems = [p for p in problems if not p.done]
    if not open_problems:
        return [Block(0, f"截至{as_of}，反馈的问题均已完成整改。")]
    open_measures = sum(t.status != TaskStatus.CLOSED for p in open_problems for t in p.measures)
    blocks = [
        Block(0, f"截至{as_of}，{len(problems)}项问题中有{len(open_problems)}项尚未完成整改，"
                 f"涉及整改措施{open_measures}条。具体如下：")
    ]  # fmt: skip
    for n, problem in enumerate(open_problems, start=1):
        parts = [
            _open_measure(task, extensions.get(task.id, []), today)
            for task in problem.measures
            if task.status != TaskStatus.CLOSED
        ]
        blocks.append(Block(0, f"（{n}）{_flat(problem.title)}。" + "".join(parts)))
    return blocks


def _open_measure(task: TaskView, extensions: Sequence[Extension], today: date) -> str:
    granted = [e for e in extensions if e.new_due is not None and e.outcome == "approved"]
    sentence = f"第{task.number}条措施（{task.unit_name}）"
    sentence += f"已完成{task.percent}%" if task.percent else "尚未报送进展"
    latest = _excerpt(task.last_update_text)
    if latest:
        sentence += f"，最新进展：{latest}"
    if granted and granted[-1].new_due is not None:  # the reason the owner gave for more time
        reason = _excerpt(granted[-1].reason)
        sentence += f"，因{reason}已批准延期至" if reason else "，已批准延期至"
        sentence += chinese_date(granted[-1].new_due)
    if task.due_on is None:
        return sentence + "，长期坚持，持续推进。"
    late = "，已逾期，须抓紧完成" if task.due_on < today else ""
    return sentence + f"{late}；下一步按计划推进，{chinese_date(task.due_on)}前完成。"


def category_heading(text: str) -> str:
    """A category as the report's heading quotes it (see domain.intake.headings.category_name)."""
    return _quoted(category_name(_flat(text)))


def _quoted(text: str) -> str:
    """Text set inside “…” in a heading: inner quotes become ‘…’, no full stop ends it early."""
    inner = _flat(text).replace("“", "‘").replace("”", "’")
    return re.sub(r"[。；;]", "，", inner).rstrip("，,")


def _excerpt(text: str | None) -> str:
    flat = _flat(text or "").rstrip("。；;，,")
    return flat if len(flat) <= EXCERPT else flat[: EXCERPT - 1] + "…"


def _flat(text: str) -> str:
    return clean_text(text).replace("\u3000", " ").strip()
