"""Attachments of digests and bulletins: the per-unit chart and the printable 通报."""

from __future__ import annotations

from domain.model import TaskStatus, TaskView
from domain.records.board import Board
from domain.records.charts import ChartLabels, unit_status_chart
from domain.records.history import plain_text
from domain.rhythm.digest import (
    BulletinInput,
    bulletin_subject,
    lookback_sentence,
    summary_sentence,
)
from domain.rhythm.quarterly import quarterly_docx
from domain.rhythm.reminders import Renderers
from domain.texts import Html, excerpt, text
from handlers.callback_data import FocusTask, NoChangeWeek
from handlers.views import lookback_choices


def chart_png(board: Board, lang: str) -> bytes:
    """Draw the per-unit status chart of a board."""
    title = f"{board.campaign} — {text('digest.chart_title', lang)}"
    return unit_status_chart(board.units, title=title, labels=ChartLabels.of(lang))


def bulletin_doc(data: BulletinInput) -> bytes:
    """Lay out the monthly bulletin as a .docx ready to print (always in Chinese)."""
    # python-docx (lxml) loads with the first bulletin, not with the bot.
    from domain.rhythm.bulletin_doc import BulletinContent, OverdueItem, RankingRow, bulletin_docx

    board = data.board
    summary = summary_sentence(board, "zh")
    changes = []
    if data.previous:
        changes.append(
            text(
                "bulletin.changes",
                "zh",
                closed=board.tasks_closed - int(data.previous.get("tasks_closed", 0)),
                overdue_before=int(data.previous.get("overdue", 0)),
                overdue_now=board.overdue,
            )
        )
    year, month = data.month.split("-")
    content = BulletinContent(
        title=text("bulletin.doc_title", "zh", campaign=bulletin_subject(data.campaign)),
        doc_number=text("bulletin.doc_number", "zh", year=year),
        addressee=text("bulletin.addressee", "zh"),
        rank_rule=text("bulletin.rank_rule", "zh"),
        issuer=text("bulletin.issuer", "zh"),
        issued_on=data.issued_on,
        month_label=f"{year}年{int(month)}月",
        summary=summary,
        changes=changes,
        ranking=[
            RankingRow(
                rank=r.rank,
                unit=r.unit,
                total=r.total,
                closed=r.closed,
                completion_rate=r.completion,
                on_time_rate=r.on_time,
                overdue=r.overdue,
                change=r.change,
                tied=r.tied,
            )
            for r in data.ranks
        ],
        overdue=[
            OverdueItem(
                number=t.number,
                measure=t.measure,
                unit=t.unit_name,
                owner=t.owner_name,
                due_on=t.due_on,
                days_overdue=(data.issued_on - t.due_on).days,
            )
            for t in data.overdue
            if t.due_on is not None
        ],
        red_listed=[
            text(
                "bulletin.red_line",
                "zh",
                index=i,
                # Html: a document, not a chat message — nothing to escape.
                number=Html(t.number),
                measure=Html(excerpt(t.measure, 60)),
                unit=Html(t.unit_name),
                owner=Html(t.owner_name),
                weeks=weeks,
                state=Html(state_zh(t)),
            )
            for i, (t, weeks) in enumerate(data.red_listed, start=1)
        ],
        notes=[text("bulletin.note", "zh")],
        lookback=(
            plain_text(lookback_sentence(data.lookback, "zh"))
            if data.lookback is not None and data.lookback.any
            else ""
        ),
    )
    return bulletin_docx(content)


def state_zh(task: TaskView) -> str:
    """Where a task stands, in a bulletin's words."""
    if task.status == TaskStatus.CLOSED:
        return "已销号"
    if task.status == TaskStatus.PENDING_REVIEW:
        return "已申请销号，待审核"
    return f"进度{task.percent}%"


def focus_button(task_id: int) -> str:
    """Return the callback data of a "report on this task" button."""
    return FocusTask(task_id).encode()


def default_renderers() -> Renderers:
    """The renderers the running bot uses."""
    return Renderers(
        chart=chart_png,
        bulletin_doc=bulletin_doc,
        quarterly_doc=quarterly_docx,
        lookback_choices=lookback_choices,
        focus_button=focus_button,
        no_change_data=NoChangeWeek().encode(),
    )
