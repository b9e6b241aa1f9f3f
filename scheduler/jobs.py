"""Thin job callbacks: ask the domain what is due, then wake the sender."""

from __future__ import annotations

import logging
import time

from bot.context import BotContext
from bot.intake import DurableQueue
from domain.delivery import inbox
from domain.rhythm import reminders

log = logging.getLogger(__name__)


async def tick(context: BotContext) -> None:
    """Run the rhythm's tick at the injected clock's now and wake the sender if it queued work."""
    services = context.bot_data
    rhythm = services.rhythm
    started = time.perf_counter()
    result = await reminders.tick(
        uow=services.uow(),
        clock=services.clock,
        policy=rhythm.policy,
        lights=services.policy,
        audience=rhythm.audience,
        render=rhythm.renderers,
    )
    if result.elsewhere:
        services.metrics.ticks_elsewhere += 1
        return
    services.metrics.ticks.observe(time.perf_counter() - started)
    for run in result.done:
        log.info("rhythm: %s %s done", run.kind.value, run.period)
    for run in result.missed:
        log.warning("rhythm: %s %s missed (due %s)", run.kind.value, run.period, run.due_at)
    if result.enqueued:
        rhythm.wake.set()


async def adopt_orphans(context: BotContext) -> None:
    """Handle updates a stopped replica stored but never finished (see domain.delivery.inbox)."""
    queue = context.application.update_queue
    if isinstance(queue, DurableQueue):
        await queue.replay(context.bot, inbox.ORPHAN_AGE)
