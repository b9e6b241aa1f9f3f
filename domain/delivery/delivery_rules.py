"""How long a scheduled message is worth retrying through an outage (by kind), and who is told.

Transient failures (5xx, timeouts, network errors, 429) are retried until the message would no
longer help its reader, never dropped after a number of attempts; what is given up is
reported to the coordinators.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.model import Delivery, Notice, Outgoing, Role
from domain.ports import UnitOfWork
from domain.rhythm.policy import Kind
from domain.texts import CATALOGUE, text

_STALE_AFTER: dict[str, timedelta] = {
    Kind.NUDGE.value: timedelta(hours=12),  # "before the end of today"
    Kind.DUE_1.value: timedelta(days=1),
    Kind.SIGNOFF_PENDING.value: timedelta(days=1),
    Kind.CHECKIN.value: timedelta(days=3),  # still the same week
    Kind.UNIT_HEAD.value: timedelta(days=3),
    Kind.DIGEST.value: timedelta(days=3),
    Kind.ESCALATION.value: timedelta(days=3),
    Kind.OVERDUE.value: timedelta(days=3),
    Kind.DUE_7.value: timedelta(days=5),
    Kind.BULLETIN.value: timedelta(days=7),
    Kind.QUARTERLY.value: timedelta(days=7),
    Kind.MILESTONE_1.value: timedelta(days=1),
    Kind.MILESTONE_DAY.value: timedelta(hours=12),  # "due today"
    Kind.MILESTONE_7.value: timedelta(days=5),
    Kind.MILESTONE_MISSED.value: timedelta(days=3),
}
DEFAULT_STALE_AFTER = timedelta(days=7)  # notices to one person, answers to coordinators


def stale_after(kind: str) -> timedelta:
    """How long after it was queued a message of this kind is still worth sending."""
    return _STALE_AFTER.get(kind, DEFAULT_STALE_AFTER)


def is_stale(delivery: Delivery, now: datetime) -> bool:
    """Tell whether a message that keeps failing should now be given up."""
    if delivery.created_at is None:
        return False
    return now - delivery.created_at > stale_after(delivery.kind)


def message_kind(kind: str, lang: str) -> str:
    """Name a kind of message for a reader ("周报提醒"); an unknown stored kind as it is."""
    key = f"message.{kind}"
    return text(key, lang) if key in CATALOGUE else kind


async def report_given_up(
    uow: UnitOfWork,
    *,
    delivery: Delivery,
    error: str,
    now: datetime,
    default_language: str,
    refused: bool = False,
) -> int:
    """Queue a notice to every reachable coordinator (once per delivery); return how many.

    `refused`: Telegram refused the message itself (no retry helps), rather than it going
    stale through an outage.
    """
    key = "refused.notice" if refused else "gave_up.notice"
    queued = 0
    for coordinator in await uow.people.with_role(Role.COORDINATOR):
        if coordinator.telegram_user_id is None or not coordinator.reachable:
            continue
        if coordinator.telegram_user_id == delivery.chat_id:
            continue  # the message that failed was to them: the same road is down
        lang = coordinator.language or default_language
        body = text(key, lang, kind=message_kind(delivery.kind, lang), error=error[:200])
        queued += await uow.outbox.add(
            Outgoing(
                key=f"gave_up|{delivery.id}|p{coordinator.id}",
                kind=Notice.GAVE_UP,
                period=str(delivery.id),
                chat_id=coordinator.telegram_user_id,
                parts=[body],
                person_id=coordinator.id,
            ),
            now=now,
            file_id=None,
        )
    return queued
