"""Render domain objects as message texts and inline keyboards."""

from __future__ import annotations

from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from domain.lights import LightPolicy, light_for
from domain.model import CLOSED_OR_WAITING, Light, LookbackCheck, Report, TaskStatus, TaskView
from domain.records.board import Board
from domain.rhythm.digest import summary_sentence, unit_line
from domain.rhythm.milestones import milestone_lines
from domain.texts import Html, excerpt, text
from handlers.callback_data import (
    AskPercent,
    AskSignoff,
    FocusTask,
    LookbackHeld,
    LookbackSlipped,
    PickTask,
    SetLanguage,
    SetPercent,
    Withdraw,
)

LIGHT_EMOJI = {Light.RED: "🔴", Light.YELLOW: "🟡", Light.GREEN: "🟢"}


def task_line(task: TaskView, lang: str, now: datetime, policy: LightPolicy) -> str:
    """Render one task as the official sees it in /mytasks."""
    due = task.due_on.isoformat() if task.due_on else text("tasks.long_term", lang)
    last = (
        excerpt(task.last_update_text, 80)
        if task.last_update_text
        else text("tasks.no_update", lang)
    )
    if task.last_update_at is not None:
        when = task.last_update_at.astimezone(policy.tz).strftime("%m-%d %H:%M")
        last = f"{when} {last}"
    return text(
        "tasks.item",
        lang,
        light=LIGHT_EMOJI[light_for(task, now, policy)],
        number=task.number,
        problem=excerpt(task.problem, 60),
        measure=excerpt(task.measure, 160),
        due=due,
        status=text(f"status.{task.status.value}", lang),
        percent=task.percent,
        last=last,
    )


# Telegram refuses more than 100 buttons (and long markup): lists of tasks show the first ones;
# a message that starts with the 序号 reaches any task without a button.
MAX_TASK_BUTTONS = 60
MAX_CHOICE_BUTTONS = 30


def tasks_keyboard(tasks: list[TaskView]) -> InlineKeyboardMarkup:
    """One "report on" button per task (the first MAX_TASK_BUTTONS), four to a row."""
    buttons = [
        InlineKeyboardButton(f"✍️ {t.number}", callback_data=FocusTask(t.id).encode())
        for t in tasks[:MAX_TASK_BUTTONS]
    ]
    return InlineKeyboardMarkup([buttons[i : i + 4] for i in range(0, len(buttons), 4)])


def report_ack(report: Report, task: TaskView, evidence: int, lang: str) -> str:
    """Acknowledge a recorded report with what the bot understood."""
    if report.percent is not None:
        percent_part = text("report.percent_part", lang, percent=report.percent)
    else:
        percent_part = text("report.no_percent_part", lang)
    evidence_part = text("report.evidence_part", lang, count=evidence) if evidence else ""
    body = text(
        "report.recorded",
        lang,
        number=task.number,
        percent_part=Html(percent_part),
        excerpt=excerpt(report.text) if report.text else "—",
        evidence_part=Html(evidence_part),
    )
    if report.done and task.status not in CLOSED_OR_WAITING:
        body += text("report.done_hint", lang)
    return body


def report_keyboard(report: Report, task: TaskView, lang: str) -> InlineKeyboardMarkup:
    """Buttons under an acknowledgement: correct the percent, ask for sign-off, withdraw."""
    row = [
        InlineKeyboardButton(
            text("button.set_percent", lang), callback_data=AskPercent(report.id).encode()
        )
    ]
    if task.status not in CLOSED_OR_WAITING:
        row.append(
            InlineKeyboardButton(
                text("button.ask_signoff", lang), callback_data=AskSignoff(task.id).encode()
            )
        )
    row.append(
        InlineKeyboardButton(
            text("button.withdraw", lang), callback_data=Withdraw(report.id).encode()
        )
    )
    return InlineKeyboardMarkup([row])


def choice_keyboard(report_id: int, tasks: list[TaskView]) -> InlineKeyboardMarkup:
    """One button per open task, to place an unplaced report."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    f"{t.number} {excerpt(t.measure, 24)}",
                    callback_data=PickTask(report_id, t.id).encode(),
                )
            ]
            for t in tasks[:MAX_CHOICE_BUTTONS]
        ]
    )


def percent_keyboard(report_id: int) -> InlineKeyboardMarkup:
    """Percent choices 0–100 in steps of ten."""
    values = list(range(0, 101, 10))
    buttons = [
        InlineKeyboardButton(f"{v}%", callback_data=SetPercent(report_id, v).encode())
        for v in values
    ]
    return InlineKeyboardMarkup([buttons[i : i + 4] for i in range(0, len(buttons), 4)])


def language_keyboard() -> InlineKeyboardMarkup:
    """The two languages."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("中文", callback_data=SetLanguage("zh").encode()),
                InlineKeyboardButton("English", callback_data=SetLanguage("en").encode()),
            ]
        ]
    )


def board_text(board: Board, lang: str) -> str:
    """Render a campaign's board in the formal style of the notices."""
    lines = [text("board.title", lang, campaign=board.campaign)]
    if not board.tasks_total:
        return "\n".join([*lines, text("board.empty", lang)])
    lines.append(summary_sentence(board, lang))
    lines.append(
        text(
            "board.lights",
            lang,
            red=board.lights[Light.RED],
            yellow=board.lights[Light.YELLOW],
            green=board.lights[Light.GREEN],
            overdue=board.overdue,
        )
    )
    sep = ": " if lang == "en" else "："
    lines += ["", text("board.by_status", lang)]
    lines += [
        f"{text(f'status.{s.value}', lang)}{sep}{board.by_status.get(s, 0)}" for s in TaskStatus
    ]
    lines += ["", text("board.by_kind", lang)]
    lines += [
        f"{text(f'kind.{k.value}', lang)}{sep}{closed}/{total}"
        for k, (total, closed) in board.by_kind.items()
    ]
    lines += ["", text("board.by_unit", lang)]
    lines += [unit_line(u, lang) for u in board.units]
    if board.today is not None and (block := milestone_lines(board.milestones, board.today, lang)):
        lines += ["", *block]
    return "\n".join(lines)


def lookback_choices(check: LookbackCheck, task: TaskView, lang: str) -> list[tuple[str, str]]:
    """The two answers to one 回头看 check, as a row of buttons."""
    return [
        (text("lookback.held_button", lang, number=task.number), LookbackHeld(check.id).encode()),
        (
            text("lookback.slipped_button", lang, number=task.number),
            LookbackSlipped(check.id).encode(),
        ),
    ]
