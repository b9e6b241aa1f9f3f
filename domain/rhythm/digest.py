"""Weekly digest and monthly bulletin: figures, changes and their texts."""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from domain.lights import LightPolicy, is_overdue
from domain.model import (
    Light,
    LookbackCheck,
    LookbackStatus,
    Person,
    TaskStatus,
    TaskView,
    WeekKinds,
)
from domain.records.board import Board, UnitLine
from domain.rhythm.milestones import milestone_lines
from domain.texts import Html, excerpt, text, unescaped

# A report up to Monday noon still counts for the week before (late Friday replies).
SILENT_WEEK = timedelta(days=7, hours=12)
RED_SHOWN = 30  # red measures listed in a digest (the count says how many more)
STALLED_SHOWN = 20
SILENT_SHOWN = 50  # officials named in a reader's digest; the rest are counted (/silent lists)


@dataclass(frozen=True, slots=True)
class Silent:
    """An official who did not report on some tasks during a week.

    Which tasks those are is the query's business (`TaskQuery.not_reported_in` with
    `SILENT_WEEK`: open or in progress, made before the check-in, no report that week).
    """

    person: str
    unit: str
    numbers: list[str]


def figures(board: Board) -> dict[str, Any]:
    """Return the board figures kept as a snapshot for later comparison."""
    return {
        "problems_rectified": board.problems_rectified,
        "tasks_closed": board.tasks_closed,
        "overdue": board.overdue,
        "red": board.lights[Light.RED],
        "units": {u.unit: round(u.rate * 100, 1) for u in board.units},
    }


def needs_report(task: TaskView) -> bool:
    """Tell whether a task is one its official must report on (not waiting, not closed)."""
    return task.status in (TaskStatus.OPEN, TaskStatus.IN_PROGRESS)


def silent_since(task: TaskView, since: datetime) -> bool:
    """Tell whether a task its official must report on has had no report since `since`."""
    last = task.last_update_at
    return needs_report(task) and task.created_at < since and (last is None or last < since)


def _change(now: int, before: int | None, lang: str) -> str:
    if before is None:
        return ""
    return unescaped("digest.change_week", lang, delta=f"{now - before:+d}")


def digest_text(
    *,
    campaign: str,
    period: str,
    board: Board,
    previous: dict[str, Any] | None,
    red: Sequence[TaskView],
    silent: Sequence[Silent],
    lang: str,
    personal: bool,
    now: datetime,
    policy: LightPolicy,
    kinds: WeekKinds | None = None,
    stalled: Sequence[TaskView] = (),
    stalled_count: int | None = None,
    stalled_weeks: int = 4,
) -> str:
    """Render the weekly digest; the group version names units only, never people.

    `red` and `stalled` are the first tasks of their lists (`RED_SHOWN`, `STALLED_SHOWN` are
    shown); the red count is the board's, the stalled count `stalled_count` (or all given).
    """
    red_count = board.lights[Light.RED]
    stalled_total = len(stalled) if stalled_count is None else stalled_count
    prev = previous or {}
    lines = [
        text("digest.title", lang, period=period, campaign=campaign),
        summary_sentence(board, lang),
        text(
            "digest.changes",
            lang,
            closed=Html(
                str(board.tasks_closed)
                + _change(board.tasks_closed, prev.get("tasks_closed"), lang)
            ),
            overdue=Html(str(board.overdue) + _change(board.overdue, prev.get("overdue"), lang)),
            red=board.lights[Light.RED],
            yellow=board.lights[Light.YELLOW],
            green=board.lights[Light.GREEN],
        ),
    ]
    if board.today is not None and (block := milestone_lines(board.milestones, board.today, lang)):
        lines += ["", *block]
    lines += ["", text("board.by_unit", lang)]
    lines += [unit_line(u, lang) for u in board.units]
    if kinds is not None:
        lines += [
            "",
            text("digest.kinds", lang, progress=kinds.progress, no_change=kinds.no_change),
        ]
    if stalled_total:
        lines.append(text("digest.stalled_header", lang, count=stalled_total, weeks=stalled_weeks))
        for t in stalled[:STALLED_SHOWN]:
            who = f"{t.unit_name} {t.owner_name}" if personal else t.unit_name
            lines.append(f"⏸ <b>{_esc(t.number)}</b> {_esc(who)}：{_esc(excerpt(t.measure, 30))}")
        if stalled_total > STALLED_SHOWN:
            lines.append(text("digest.more", lang, count=stalled_total - STALLED_SHOWN))
    lines += ["", text("digest.red_header", lang, count=red_count)]
    today = now.astimezone(policy.tz).date()
    for t in red[:RED_SHOWN]:
        why = (
            text("digest.why_overdue", lang, days=(today - t.due_on).days)
            if t.due_on and is_overdue(t, today)
            else text("digest.why_silent", lang)
        )
        who = f"{t.unit_name} {t.owner_name}" if personal else t.unit_name
        lines.append(
            f"🔴 <b>{_esc(t.number)}</b> {_esc(who)}：{_esc(excerpt(t.measure, 40))}（{why}）"
        )
    if red_count > RED_SHOWN:
        lines.append(text("digest.more", lang, count=red_count - RED_SHOWN))
    lines += ["", text("digest.silent_header", lang, count=len(silent))]
    if personal:
        lines += [
            f"{_esc(s.unit)}：{_esc(s.person)}（{_esc('、'.join(s.numbers))}）"
            for s in silent[:SILENT_SHOWN]
        ]
        if len(silent) > SILENT_SHOWN:  # a province's list would run to hundreds of messages
            lines.append(text("digest.more_people", lang, count=len(silent) - SILENT_SHOWN))
    else:
        per_unit: dict[str, int] = defaultdict(int)
        for s in silent:
            per_unit[s.unit] += len(s.numbers)
        lines += [
            text("digest.silent_unit", lang, unit=u, count=n) for u, n in sorted(per_unit.items())
        ]
    if not silent:
        lines.append(text("digest.all_reported", lang))
    return "\n".join(lines)


def summary_sentence(board: Board, lang: str) -> str:
    """Return the formal sentence: 反馈的X项问题已完成整改Y项，整改措施A条已完成B条。"""
    return text(
        "board.sentence",
        lang,
        problems_total=board.problems_total,
        problems_rectified=board.problems_rectified,
        tasks_total=board.tasks_total,
        tasks_closed=board.tasks_closed,
    )


def unit_line(u: UnitLine, lang: str) -> str:
    """Return one unit's line of a board or digest."""
    return text(
        "board.unit_line",
        lang,
        unit=u.unit,
        closed=u.closed,
        total=u.total,
        rate=round(u.rate * 100),
        overdue=u.overdue,
        red=u.lights[Light.RED],
        yellow=u.lights[Light.YELLOW],
    )


def _esc(value: str) -> str:
    return html.escape(value, quote=False)


@dataclass(frozen=True, slots=True)
class RankLine:
    """One unit in the monthly ranking."""

    unit: str
    total: int
    closed: int
    completion: float
    on_time: float
    overdue: int
    change: float | None
    rank: int = 0  # equal for units tied on every rule (1, 1, 3, …)
    tied: bool = False


def ranking(
    board: Board, due_so_far: Mapping[str, int], previous: dict[str, Any] | None
) -> list[RankLine]:
    """Rank units by completion, then fewer overdue, then punctuality; ties share a rank.

    `due_so_far` counts each unit's measures whose deadline has passed
    (`TaskRepository.due_before`). Tied units are listed by name and marked, so a month in
    which no unit has finished anything does not read as a ranking in import order.
    """
    before = (previous or {}).get("units", {})
    lines = [
        RankLine(
            unit=u.unit,
            total=u.total,
            closed=u.closed,
            completion=u.rate,
            on_time=1 - u.overdue / due_so_far[u.unit] if due_so_far.get(u.unit) else 1.0,
            overdue=u.overdue,
            change=round(u.rate * 100 - before[u.unit], 1) if u.unit in before else None,
        )
        for u in board.units
    ]
    lines.sort(key=lambda r: (*_rank_key(r), r.unit))
    keys = [_rank_key(r) for r in lines]
    ranked: list[RankLine] = []
    for i, line in enumerate(lines):
        first = keys.index(keys[i])  # competition ranking: the first of the tie's place
        tied = keys.count(keys[i]) > 1
        ranked.append(replace(line, rank=first + 1, tied=tied))
    return ranked


def _rank_key(r: RankLine) -> tuple[float, int, float]:
    # Rates rounded as they are printed (0.1 %): units that read the same are tied.
    return (-round(r.completion * 1000), r.overdue, -round(r.on_time * 1000))


def bulletin_subject(campaign: str) -> str:
    """The round's name as it reads before "整改工作" in a title, without saying it twice.

    关于{subject}整改工作进展情况的通报: "普陀区巡视整改" gives "普陀区巡视", so the title does
    not read "巡视整改整改工作".
    """
    for tail in ("整改工作", "整改"):
        if campaign.endswith(tail) and len(campaign) > len(tail):
            return campaign[: -len(tail)]
    return campaign


def bulletin_text(
    *,
    campaign: str,
    month: str,
    board: Board,
    previous: dict[str, Any] | None,
    ranks: Sequence[RankLine],
    overdue: Sequence[TaskView],
    today: date,
    lang: str,
    personal: bool,
    red_listed: Sequence[tuple[TaskView, int]] = (),
    lookback: LookbackFigures | None = None,
) -> str:
    """Render the monthly bulletin message (the .docx carries the printable version)."""
    prev = previous or {}
    lines = [
        text("bulletin.title", lang, month=month, campaign=campaign),
        summary_sentence(board, lang),
    ]
    if prev:
        lines.append(
            text(
                "bulletin.changes",
                lang,
                closed=board.tasks_closed - int(prev.get("tasks_closed", 0)),
                overdue_before=int(prev.get("overdue", 0)),
                overdue_now=board.overdue,
            )
        )
    lines += ["", text("bulletin.ranking_header", lang), text("bulletin.rank_rule", lang)]
    for r in ranks:
        change = "—" if r.change is None else f"{r.change:+.1f}"
        lines.append(
            text(
                "bulletin.rank_line",
                lang,
                rank=Html(text("bulletin.tied", lang, rank=r.rank) if r.tied else str(r.rank)),
                unit=r.unit,
                closed=r.closed,
                total=r.total,
                completion=round(r.completion * 100),
                on_time=round(r.on_time * 100),
                overdue=r.overdue,
                change=change,
            )
        )
    lines += ["", text("bulletin.overdue_header", lang, count=len(overdue))]
    for t in overdue[:40]:
        days = (today - t.due_on).days if t.due_on else 0
        who = f"{t.unit_name}，{t.owner_name}" if personal else t.unit_name
        lines.append(
            f"<b>{_esc(t.number)}</b> {_esc(excerpt(t.measure, 40))}（{_esc(who)}，"
            + text("digest.why_overdue", lang, days=days)
            + "）"
        )
    if len(overdue) > 40:
        lines.append(text("digest.more", lang, count=len(overdue) - 40))
    if red_listed:
        still = sum(t.status != TaskStatus.CLOSED for t, _ in red_listed)
        lines += ["", text("bulletin.red_listed", lang, count=len(red_listed), open=still)]
    if lookback is not None and lookback.any:
        lines += ["", lookback_sentence(lookback, lang)]
    return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class LookbackFigures:
    """The month's 回头看: checks answered this month (held, slipped) and still pending."""

    held: int
    slipped: int
    pending: int

    @property
    def any(self) -> bool:
        """Whether there is anything to say."""
        return bool(self.held or self.slipped or self.pending)


def lookback_figures(checks: Sequence[LookbackCheck], since: datetime) -> LookbackFigures:
    """Count the checks answered since `since`, and those still pending."""
    answered = [c for c in checks if c.answered_at is not None and c.answered_at >= since]
    return LookbackFigures(
        held=sum(c.status == LookbackStatus.HELD for c in answered),
        slipped=sum(c.status == LookbackStatus.SLIPPED for c in answered),
        pending=sum(c.status == LookbackStatus.PENDING for c in checks),
    )


def lookback_sentence(figures: LookbackFigures, lang: str) -> str:
    """The bulletin's look-back sentence."""
    return text(
        "bulletin.lookback",
        lang,
        checked=figures.held + figures.slipped,
        held=figures.held,
        slipped=figures.slipped,
        pending=figures.pending,
    )


def recipients_language(person: Person, default: str) -> str:
    """Return the language a scheduled message is written in for this person."""
    return person.language or default


@dataclass(frozen=True, slots=True)
class BulletinInput:
    """Everything the printable bulletin needs."""

    campaign: str
    month: str
    issued_on: date
    board: Board
    previous: dict[str, Any] | None
    ranks: Sequence[RankLine]
    overdue: Sequence[TaskView]
    red_listed: Sequence[tuple[TaskView, int]] = ()  # the month's digests' red, how often
    lookback: LookbackFigures | None = None
