"""Escalation (约谈提醒): tasks red for consecutive check-in periods, and who is told (pure).

"Red in an earlier period" is what the rule said back then, kept by the tick as a snapshot of the
red tasks at each period's escalation run; it is not `light_for` replayed at a past instant over
today's data. A `TaskView` holds only the latest state, and some of it changes without a report:
a task sent back (退回) after waiting for sign-off past its deadline is in progress and overdue
today, so a replay would call it red last week although the coordinators had it then, and
escalate it to leaders wrongly; an extension or a re-import moves `due_on`, so a replay misses a
task that was overdue before its deadline moved. The price of snapshots: a week without an
escalation run (the first week after deployment, a run missed in a long outage) has no snapshot,
so nothing is escalated on its strength and escalation resumes one period later. For a formal
notice to a unit head and a leader, a late one is the safer error than a false one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from domain.lights import LightPolicy, light_for
from domain.model import Light, Person, Role, TaskView
from domain.rhythm.digest import needs_report
from domain.texts import Html, excerpt, text

SNAPSHOT_PREFIX = "E"  # E2026-W12, apart from the digest's W… and the bulletin's M… snapshots


@dataclass(frozen=True, slots=True)
class Notice:
    """One recipient and the escalated tasks they are told about."""

    person: Person
    tasks: list[TaskView]


def snapshot_period(week: str) -> str:
    """Return the snapshot period under which a week's red tasks are kept."""
    return SNAPSHOT_PREFIX + week


def red_now(tasks: Iterable[TaskView], now: datetime, policy: LightPolicy) -> list[TaskView]:
    """Return the tasks red now that are still the official's to act on."""
    # Closed and pending-review tasks never escalate: the ball is not with the official.
    return [t for t in tasks if needs_report(t) and light_for(t, now, policy) == Light.RED]


def escalated(
    tasks: Iterable[TaskView],
    *,
    now: datetime,
    policy: LightPolicy,
    red_before: Sequence[AbstractSet[int]],
) -> list[TaskView]:
    """Return the tasks red now whose ids are in every set of `red_before` (earlier periods)."""
    chosen = [t for t in red_now(tasks, now, policy) if all(t.id in ids for ids in red_before)]
    return sorted(chosen, key=lambda t: (t.due_on or date.max, t.number))


def notices(tasks: Iterable[TaskView], people: Iterable[Person]) -> list[Notice]:
    """Group escalated tasks by recipient: the heads of the task's unit and its lead leader.

    `people` are those who can be messaged. A person holding both roles is told once, and no one
    is told about a task they own themselves (the lead leader or another head is).
    """
    reachable = {p.id: p for p in people}
    heads: dict[int, list[Person]] = {}
    for p in reachable.values():
        if Role.UNIT_HEAD in p.roles and p.unit_id is not None:
            heads.setdefault(p.unit_id, []).append(p)
    by_person: dict[int, list[TaskView]] = {}
    for t in tasks:
        told = {h.id for h in heads.get(t.unit_id, [])}
        if t.lead_id is not None and t.lead_id in reachable:
            told.add(t.lead_id)
        told.discard(t.owner_id)
        for person_id in sorted(told):
            by_person.setdefault(person_id, []).append(t)
    return [Notice(reachable[i], by_person[i]) for i in sorted(by_person)]


def days_since_report(task: TaskView, now: datetime, tz: ZoneInfo) -> int:
    """Return the days since the last report, or since assignment when there was none."""
    since = task.last_update_at or task.created_at
    return (now.astimezone(tz).date() - since.astimezone(tz).date()).days


def notice_text(
    notice: Notice, *, period: str, periods: int, now: datetime, tz: ZoneInfo, lang: str
) -> str:
    """Render the formal 约谈提醒 message for one recipient."""
    lines = [
        text("escalation.header", lang, period=period, name=notice.person.name, periods=periods)
    ]
    for t in notice.tasks:
        days = days_since_report(t, now, tz)
        last_key = "escalation.last_report" if t.last_update_at else "escalation.never_reported"
        due = t.due_on.isoformat() if t.due_on else text("tasks.long_term", lang)
        lines.append(
            text(
                "escalation.line",
                lang,
                number=t.number,
                measure=excerpt(t.measure, 60),
                unit=t.unit_name,
                owner=t.owner_name,
                due=due,
                last=Html(text(last_key, lang, days=days)),
            )
        )
    return "\n".join(lines)
