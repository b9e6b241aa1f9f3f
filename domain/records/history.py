"""One task's record: reports, evidence and audit trail, merged in time order (/task, /history)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from domain.errors import NotFound
from domain.model import AuditEvent, EvidenceRecord, Report, TaskView
from domain.ports import UnitOfWork
from domain.texts import CATALOGUE, Html, excerpt, text

# Covered by the report entries themselves, which show the text as it finally stands.
SHOWN_AS_REPORTS = frozenset({"report.received", "report.merged"})
# Data fields that mean nothing to a reader (internal ids, message numbers).
_HIDDEN_DATA = frozenset({"task_id", "message_id", "file", "recipients"})
_TAGS = re.compile(r"<[^>]+>")


@dataclass(frozen=True, slots=True)
class ReportRecord:
    """A progress report on the task; `n` numbers them in the order they arrived."""

    n: int
    id: int
    at: datetime
    author: str
    text: str
    percent: int | None
    done: bool
    withdrawn_at: datetime | None
    no_change: bool = False
    author_id: int | None = None


@dataclass(frozen=True, slots=True)
class EvidenceFile:
    """An evidence file of the task and who sent it when."""

    id: int
    report_id: int
    name: str
    mime_type: str | None
    size: int | None
    sha256: str | None
    stored_path: str | None
    author: str
    at: datetime


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One event of the task's life; `detail` holds the parameters its line shows."""

    at: datetime
    actor: str | None  # a person's name or a system label ("rhythm", "cli"); None: the system
    action: str
    detail: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class TaskHistory:
    """Everything recorded about one task."""

    task: TaskView
    campaign: str
    reports: tuple[ReportRecord, ...]
    evidence: tuple[EvidenceFile, ...]
    entries: tuple[HistoryEntry, ...]
    supporting: tuple[str, ...] = ()  # 配合单位


async def load_history(uow: UnitOfWork, task_id: int) -> TaskHistory:
    """Load a task with its reports, evidence and audit trail, inside an open unit of work.

    NotFound if there is no such task; who may see it is the caller's to check (queries).
    """
    task = await uow.tasks.view(task_id)
    if task is None:
        raise NotFound()
    campaign = await uow.campaigns.get(task.campaign_id)
    reports = await uow.reports.for_task(task_id)
    evidence = await uow.reports.evidence_for_task(task_id)
    extensions = await uow.extensions.for_task(task_id)
    events = [
        *await uow.audit.for_entity("task", [task_id]),
        *await uow.audit.for_entity("report", [r.id for r in reports]),
        *await uow.audit.for_entity("extension", [e.id for e in extensions]),
    ]
    people_ids = {r.author_id for r in reports} | {e.author_id for e in evidence}
    people_ids |= {e.actor_id for e in events if e.actor_id is not None}
    names = {p.id: p.name for p in await uow.people.by_ids(people_ids)}
    records = tuple(_report(n, r, names) for n, r in enumerate(reports, start=1))
    files = tuple(_evidence(e, names) for e in evidence)
    return TaskHistory(
        task=task,
        campaign=campaign.name if campaign else "",
        reports=records,
        evidence=files,
        entries=_entries(task, records, files, events, names),
        supporting=tuple((await uow.supports.names_for([task_id])).get(task_id, [])),
    )


def _report(n: int, report: Report, names: Mapping[int, str]) -> ReportRecord:
    return ReportRecord(
        n=n,
        id=report.id,
        at=report.created_at,
        author=names.get(report.author_id, "?"),
        text=report.text,
        percent=report.percent,
        done=report.done,
        withdrawn_at=report.withdrawn_at,
        no_change=report.no_change,
        author_id=report.author_id,
    )


def _evidence(record: EvidenceRecord, names: Mapping[int, str]) -> EvidenceFile:
    return EvidenceFile(
        id=record.id,
        report_id=record.report_id,
        name=record.file_name,
        mime_type=record.mime_type,
        size=record.size,
        sha256=record.sha256,
        stored_path=record.stored_path,
        author=names.get(record.author_id, "?"),
        at=record.created_at,
    )


def _entries(
    task: TaskView,
    reports: Iterable[ReportRecord],
    files: Iterable[EvidenceFile],
    events: Iterable[AuditEvent],
    names: Mapping[int, str],
) -> tuple[HistoryEntry, ...]:
    number_of = {r.id: r.n for r in reports}
    entries = [HistoryEntry(task.created_at, None, "task.created", {})]
    entries += [
        HistoryEntry(
            r.at,
            r.author,
            "report",
            {
                "n": r.n,
                "percent": r.percent,
                "text": r.text,
                "withdrawn": bool(r.withdrawn_at),
                "no_change": r.no_change,
            },
        )
        for r in reports
    ]
    entries += [
        HistoryEntry(
            f.at, f.author, "evidence", {"name": f.name, "size": f.size, "stored": f.stored_path}
        )
        for f in files
    ]
    for event in events:
        if event.action in SHOWN_AS_REPORTS:
            continue
        detail = dict(event.data)
        if event.entity == "report" and event.entity_id in number_of:
            detail["n"] = number_of[event.entity_id]
        actor = names.get(event.actor_id) if event.actor_id is not None else event.actor_label
        entries.append(HistoryEntry(event.at, actor, event.action, detail))
    # Stable sort: at equal times the task's creation, then reports, then files come first.
    return tuple(sorted(entries, key=lambda e: e.at))


# ---------------------------------------------------------------- rendering


def history_lines(history: TaskHistory, lang: str, tz: tzinfo) -> list[str]:
    """Render each entry as one line "time actor: what" (HTML-escaped, for the chat)."""
    return [history_line(entry, lang, tz) for entry in history.entries]


def history_line(entry: HistoryEntry, lang: str, tz: tzinfo) -> str:
    """Render one entry as "2026-11-30 10:00 王建国：报送进展 #1…"."""
    return text(
        "history.line",
        lang,
        at=entry.at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
        actor=actor_name(entry.actor, lang),
        what=Html(describe(entry, lang)),
    )


def describe(entry: HistoryEntry, lang: str) -> str:
    """Say what happened in one entry, without time and actor (HTML-escaped)."""
    detail = entry.detail
    if entry.action == "report":
        return text(
            "history.report",
            lang,
            n=detail["n"],
            percent=Html(
                text("history.no_change_mark", lang)
                if detail.get("no_change")
                else _percent(detail.get("percent"), lang)
            ),
            excerpt=excerpt(str(detail.get("text") or ""), 200),
            withdrawn=Html(text("history.withdrawn_mark", lang) if detail.get("withdrawn") else ""),
        )
    if entry.action == "evidence":
        stored = "" if detail.get("stored") else text("history.not_stored", lang)
        return text(
            "history.evidence",
            lang,
            name=detail["name"],
            size=human_size(detail.get("size")),
            stored=Html(stored),
        )
    key = f"history.{entry.action}"
    if entry.action == "report.edited" and "new" in detail:  # events since the texts are kept
        key = "history.report.edited_text"
        detail = {
            **detail,
            "old": excerpt(str(detail["old"]), 100),
            "new": excerpt(str(detail["new"]), 100),
        }
    if entry.action == "task.replanned" and isinstance(detail.get("changes"), list):
        detail = {**detail, "changes": Html(_plan_changes(detail["changes"], lang))}
    if entry.action == "report.edit_refused":
        detail = {**detail, "new": excerpt(str(detail.get("new", "")), 100)}
    if key in CATALOGUE:
        try:
            return text(key, lang, **detail)
        except (KeyError, IndexError):  # an older event without some field: say it plainly
            pass
    return text("history.other", lang, action=entry.action, data=_data(detail, lang))


def actor_name(actor: str | None, lang: str) -> str:
    """Name who acted: the person, or the system part that did it."""
    if actor is None:
        return text("history.actor.system", lang)
    key = f"history.actor.{actor}"
    return text(key, lang) if key in CATALOGUE else actor


def _percent(percent: object, lang: str) -> str:
    return "" if percent is None else text("history.percent", lang, percent=percent)


def _plan_changes(changes: list[list[str]], lang: str) -> str:
    """Say [field, old, new] triples ("责任人 王建国→李晓燕；…"); older events hold a sentence."""
    said = [
        text(
            "history.change",
            lang,
            field=Html(text(f"field.{field}", lang)),
            old=_value(field, old, lang),
            new=_value(field, new, lang),
        )
        for field, old, new in changes
        if f"field.{field}" in CATALOGUE
    ]
    return text("history.change_sep", lang).join(said)


def _value(field: str, value: str, lang: str) -> str | Html:
    """A changed value as the reader says it: a kind of measure by its name, not its code."""
    key = f"kind.{value}"
    return Html(text(key, lang)) if field == "kind" and key in CATALOGUE else value


def _data(detail: Mapping[str, Any], lang: str) -> str:
    shown = [
        f"{k}: {v}"
        for k, v in detail.items()
        if k not in _HIDDEN_DATA and not k.endswith("_id") and isinstance(v, str | int | float)
    ]
    if not shown:
        return ""
    return f" ({'; '.join(shown)})" if lang == "en" else f"（{'；'.join(shown)}）"


def human_size(size: object) -> str:
    """Write a byte count as 12 KB / 3.4 MB; "?" when unknown."""
    if not isinstance(size, int):
        return "?"
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def plain_text(fragment: str) -> str:
    """Turn a catalogue text (HTML) into plain text for documents and spreadsheets."""
    return html.unescape(_TAGS.sub("", fragment))
