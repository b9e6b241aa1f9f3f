"""The rhythm: cron triggers that wake the tick, and the outbox sender."""

from __future__ import annotations

from typing import Any

from bot.context import BotApp
from scheduler import jobs

# PTB's JobQueue drops a job more than 1 s late by default; the tick is idempotent, so never drop.
JOB_KWARGS: dict[str, Any] = {"misfire_grace_time": None, "coalesce": True, "max_instances": 1}
EVERY_DAY = (0, 1, 2, 3, 4, 5, 6)


def register_jobs(app: BotApp, tick_seconds: float = 60.0) -> None:
    """Wake the tick at every configured time, and every minute for catch-up and windows."""
    queue = app.job_queue
    assert queue is not None, "python-telegram-bot[job-queue] is required"
    policy = app.bot_data.rhythm.policy
    # A run moved off a day off keeps its time of day, so each time fires every day.
    slots = [*policy.weekly.values(), *([policy.escalation] if policy.escalation else [])]
    times = {slot.at for slot in slots}
    times |= {policy.bulletin_at, policy.quarterly_at, policy.deadline_at, policy.signoff_check_at}
    times.add(policy.window_start)
    for at in sorted(times):
        queue.run_daily(
            jobs.tick,
            time=at.replace(tzinfo=policy.tz),
            days=EVERY_DAY,
            name=f"tick@{at:%H:%M}",
            job_kwargs=JOB_KWARGS,
        )
    queue.run_repeating(
        jobs.tick, interval=tick_seconds, first=1.0, name="tick", job_kwargs=JOB_KWARGS
    )
    queue.run_repeating(
        jobs.adopt_orphans, interval=60.0, first=60.0, name="orphans", job_kwargs=JOB_KWARGS
    )
