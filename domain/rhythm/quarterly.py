"""The quarterly summary (季总结): the quarter against the one before, as a message and a .docx.

周调度、月通报、季总结: the weekly digest and the monthly bulletin look at the week and the
month; the quarter's summary looks back over three months for leaders and coordinators: how
far the round got this quarter, each unit's completion and punctuality, what stalled, what was
escalated (约谈提醒), and whether the round's milestones were met.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.intake.headings import cn_number
from domain.model import Light, TaskView
from domain.records.board import Board
from domain.records.history import plain_text
from domain.rhythm.digest import RankLine, bulletin_subject, summary_sentence
from domain.rhythm.milestones import milestone_line
from domain.texts import Html, excerpt, text

LISTED = 10  # stalled and escalated items named in the message (the .docx names them all)


@dataclass(frozen=True, slots=True)
class QuarterInput:
    """Everything one round's quarterly summary says."""

    campaign: str
    quarter: str  # 2026-Q4
    issued_on: date
    board: Board  # with its milestones
    previous: dict[str, Any] | None  # the figures kept at the previous quarter's summary
    ranks: Sequence[RankLine]  # `change`: completion vs the previous quarter, in points
    stalled: Sequence[TaskView]
    stalled_count: int
    stalled_weeks: int
    escalated: Sequence[tuple[TaskView, int]]  # escalated this quarter, and how many times


def quarter_words(quarter: str, lang: str) -> str:
    """2026-Q4 as a reader says it: 2026年第四季度, Q4 2026."""
    year, number = quarter.split("-Q")
    if lang == "en":
        return f"Q{number} {year}"
    return f"{year}年第{cn_number(int(number))}季度"


def quarterly_text(data: QuarterInput, lang: str, *, personal: bool) -> str:
    """The summary as a chat message (the .docx carries the printable version)."""
    board = data.board
    lines = [
        text("quarterly.title", lang, quarter=quarter_words(data.quarter, lang)),
        html.escape(data.campaign, quote=False),
        summary_sentence(board, lang),
        _change_sentence(data, lang),
        text(
            "quarterly.lights",
            lang,
            red=board.lights[Light.RED],
            yellow=board.lights[Light.YELLOW],
            green=board.lights[Light.GREEN],
            overdue=board.overdue,
        ),
    ]
    if board.today is not None and board.milestones:
        lines += ["", text("milestone.heading", lang)]
        lines += [milestone_line(s, board.today, lang) for s in board.milestones]
    lines += ["", text("quarterly.units_header", lang)]
    lines += [_unit_line(r, lang) for r in data.ranks]
    lines += [
        "",
        text("quarterly.stalled_header", lang, count=data.stalled_count, weeks=data.stalled_weeks),
    ]
    lines += [_item(t, lang, personal) for t in data.stalled[:LISTED]]
    if data.stalled_count > LISTED:
        lines.append(text("digest.more", lang, count=data.stalled_count - LISTED))
    lines += ["", text("quarterly.escalated_header", lang, count=len(data.escalated))]
    lines += [
        _item(t, lang, personal) + text("quarterly.times", lang, times=times)
        for t, times in data.escalated[:LISTED]
    ]
    if len(data.escalated) > LISTED:
        lines.append(text("digest.more", lang, count=len(data.escalated) - LISTED))
    return "\n".join(lines)


def _change_sentence(data: QuarterInput, lang: str) -> str:
    prev = data.previous
    if not prev:
        return text("quarterly.first", lang)
    return text(
        "quarterly.changes",
        lang,
        closed=data.board.tasks_closed - int(prev.get("tasks_closed", 0)),
        rectified=data.board.problems_rectified - int(prev.get("problems_rectified", 0)),
        overdue_before=int(prev.get("overdue", 0)),
        overdue_now=data.board.overdue,
    )


def _unit_line(r: RankLine, lang: str) -> str:
    return text(
        "quarterly.unit_line",
        lang,
        rank=r.rank,
        unit=r.unit,
        closed=r.closed,
        total=r.total,
        completion=round(r.completion * 100),
        on_time=round(r.on_time * 100),
        change="—" if r.change is None else f"{r.change:+.1f}",
    )


def _item(t: TaskView, lang: str, personal: bool) -> str:
    who = f"{t.unit_name} {t.owner_name}" if personal else t.unit_name
    return text(
        "quarterly.item",
        lang,
        number=t.number,
        who=who,
        measure=excerpt(t.measure, 30),
        percent=t.percent,
    )


def quarterly_docx(data: QuarterInput) -> bytes:
    """Lay the summary out as a 公文 .docx in the bulletin's layout (always in Chinese)."""
    # python-docx loads with the first document, not with the bot.
    from domain.rhythm.bulletin_doc import OfficialDocument

    board = data.board
    words = quarter_words(data.quarter, "zh")
    subject = bulletin_subject(data.campaign)
    title = text("quarterly.doc_title", "zh", campaign=Html(subject), quarter=Html(words))
    doc = OfficialDocument(title, text("bulletin.issuer", "zh"), data.issued_on)
    year = data.quarter.split("-Q")[0]
    doc.line(text("bulletin.doc_number", "zh", year=year), centred=True)
    doc.title(title)
    doc.line(text("bulletin.addressee", "zh"))
    doc.body(f"现将{words}{subject}整改工作情况总结如下。")
    doc.heading1("一、总体进展")
    doc.body(plain_text(summary_sentence(board, "zh")) + plain_text(_change_sentence(data, "zh")))
    doc.heading1("二、各单位整改情况")
    if data.ranks:
        for i, r in enumerate(data.ranks, start=1):
            change = "" if r.change is None else f"，完成率较上季度{r.change:+.1f}个百分点"
            doc.body(
                f"{i}.{r.unit}：整改措施{r.total}条，已完成{r.closed}条，完成率"
                f"{round(r.completion * 100)}%，按期率{round(r.on_time * 100)}%，逾期{r.overdue}条"
                f"{change}。"
            )
    else:
        doc.body("无。")
    doc.heading1("三、重要节点")
    if board.today is not None and board.milestones:
        for state in board.milestones:
            doc.body(plain_text(milestone_line(state, board.today, "zh")).lstrip("📅⚠️✅ ") + "。")
    else:
        doc.body("无。")
    doc.heading1("四、停滞和约谈提醒事项")
    doc.body(
        f"连续{data.stalled_weeks}周以上仅报送“无新进展”的措施{data.stalled_count}条；"
        f"本季度发出约谈提醒的措施{len(data.escalated)}条。"
    )
    for i, t in enumerate(data.stalled, start=1):
        doc.body(
            f"（停滞）{i}.【{t.number}】{t.measure}（{t.unit_name}，{t.owner_name}，进度{t.percent}%）"
        )
    for i, (t, times) in enumerate(data.escalated, start=1):
        doc.body(
            f"（约谈提醒）{i}.【{t.number}】{t.measure}（{t.unit_name}，{t.owner_name}，"
            f"提醒{times}次，进度{t.percent}%）"
        )
    doc.heading1("五、下季度工作要求")
    doc.body(text("quarterly.note", "zh"))
    doc.signature(text("bulletin.issuer", "zh"), data.issued_on)
    return doc.to_bytes()
