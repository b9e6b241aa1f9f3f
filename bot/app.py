"""Composition root: settings → storage, services, handlers → the PTB Application."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import cast

from sqlalchemy.engine import make_url
from telegram import BotCommand, BotCommandScopeDefault
from telegram.constants import ParseMode
from telegram.ext import Application as PtbApplication
from telegram.ext import ApplicationBuilder, ContextTypes, Defaults

from bot.clock import SystemClock
from bot.context import BotApp, Rhythm, Services
from bot.files import TelegramFileFetcher
from bot.intake import DurableBot, DurableQueue
from bot.metrics import Metrics
from bot.ordering import ChatOrderedProcessor
from bot.renderers import default_renderers
from bot.telegram_http import AiohttpRequest
from bot.together import ReportGroup
from config.settings import ConfigError, Settings, parse_hours, parse_weekly
from domain.delivery import inbox
from domain.lights import LightPolicy
from domain.people.commands import commands_for
from domain.ports import Clock, UnitOfWork
from domain.records.grading import GradeRule, parse_conditions
from domain.rhythm.milestones import MilestoneRules, parse_limit, parse_limits, rules_from
from domain.rhythm.policy import Kind, RhythmPolicy, WeeklySlot
from domain.rhythm.reminders import Audience, Renderers
from domain.rhythm.workdays import WorkCalendar, load_overrides
from domain.texts import text
from domain.work import together
from scheduler import register_jobs
from scheduler.delivery import OutboxSender, SenderConfig
from scheduler.pacing import Limits, Pacer
from storage.database import make_engine, make_session_factory
from storage.leases import POLLER_LOCK, ProcessLock
from storage.uow import SqlUnitOfWork, TaskLock

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Wiring:
    """Overrides for tests and the demo (the simulator's URLs, a manual clock)."""

    base_url: str | None = None
    base_file_url: str | None = None
    clock: Clock | None = None
    # Tests and the demo drive the tick and the sender themselves, through virtual time.
    scheduler: bool = True
    renderers: Renderers | None = None
    limits: Limits | None = None


def work_calendar(settings: Settings) -> WorkCalendar:
    """The Chinese working-day calendar, with the holiday overrides file if one is set."""
    try:
        overrides = (
            load_overrides(settings.holiday_overrides_file)
            if settings.holiday_overrides_file
            else {}
        )
        return WorkCalendar(overrides)
    except (OSError, ValueError) as exc:
        raise ConfigError(f"HOLIDAY_OVERRIDES_FILE cannot be used: {exc}.") from None


def rhythm_policy(settings: Settings) -> RhythmPolicy:
    """Build the rhythm's policy from settings (times, working hours, holiday overrides)."""
    calendar = work_calendar(settings)
    weekly = {
        kind: WeeklySlot(*parse_weekly(value))
        for kind, value in (
            (Kind.CHECKIN, settings.checkin_at),
            (Kind.NUDGE, settings.nudge_at),
            (Kind.UNIT_HEAD, settings.unit_head_notice_at),
            (Kind.DIGEST, settings.digest_at),
        )
    }
    start, end = parse_hours(settings.working_hours)
    return RhythmPolicy(
        milestones=milestone_rules(settings),
        tz=settings.tz,
        calendar=calendar,
        weekly=weekly,
        bulletin_at=settings.bulletin_time,
        quarterly_at=settings.quarterly_time,
        deadline_at=settings.deadline_warning_time,
        signoff_check_at=settings.deadline_warning_time,
        window_start=start,
        window_end=end,
        catch_up=timedelta(hours=settings.catch_up_hours),
        signoff_pending_days=settings.signoff_pending_days,
        escalation=(
            WeeklySlot(*parse_weekly(settings.escalation_at)) if settings.escalation_at else None
        ),
        escalation_periods=settings.escalation_periods,
        stalled_weeks=settings.stalled_weeks,
        lookback_months=settings.lookback_months,
    )


def milestone_rules(settings: Settings) -> MilestoneRules:
    """The plan's and report's time limits from settings, each mistake named by its setting."""
    for name, value in (
        ("MILESTONES_INSPECTION", settings.milestones_inspection),
        ("MILESTONES_AUDIT", settings.milestones_audit),
    ):
        try:
            parse_limits(value)
        except ValueError as exc:
            raise ConfigError(f"{name} cannot be used: {exc}.") from None
    try:
        parse_limit(settings.immediate_fix_within)
    except ValueError as exc:
        raise ConfigError(f"IMMEDIATE_FIX_WITHIN cannot be used: {exc}.") from None
    return rules_from(
        settings.milestones_inspection, settings.milestones_audit, settings.immediate_fix_within
    )


def grade_rule(settings: Settings) -> GradeRule:
    """The A and B conditions from settings, a mistake named by its setting."""
    conditions = []
    for name, value in (("GRADE_A", settings.grade_a), ("GRADE_B", settings.grade_b)):
        try:
            conditions.append(parse_conditions(value))
        except ValueError as exc:
            raise ConfigError(f"{name} cannot be used: {exc}.") from None
    return GradeRule(a=conditions[0], b=conditions[1])


def light_policy(settings: Settings) -> LightPolicy:
    """Traffic lights measured against the configured check-in."""
    weekday, at = parse_weekly(settings.checkin_at)
    return LightPolicy(tz=settings.tz, checkin_weekday=weekday, checkin_time=at)


def pacing_limits(settings: Settings) -> Limits:
    """Our sending pace from settings."""
    return Limits(
        per_second=settings.send_rate_per_second,
        private_interval=settings.private_chat_interval_seconds,
        group_interval=60.0 / settings.group_messages_per_minute,
    )


def build_application(settings: Settings, wiring: Wiring | None = None) -> BotApp:
    """Build the Application with storage, services and handlers wired in."""
    from handlers import register  # the one place that imports handlers

    wiring = wiring or Wiring()
    token = settings.require_token()
    engine = make_engine(settings.effective_database_url)
    factory = make_session_factory(engine)

    # SQLite has one writer at a time: this process's units of work take turns (FIFO) rather
    # than meet in SQLite's busy handler; PostgreSQL runs them side by side.
    serial = TaskLock() if engine.dialect.name == "sqlite" else None

    def new_uow() -> UnitOfWork:
        return SqlUnitOfWork(factory, serial)

    clock = wiring.clock or SystemClock()
    metrics = Metrics()
    queue = DurableQueue(new_uow, clock)
    api = settings.telegram_api_base_url
    bot = DurableBot(
        token,
        base_url=wiring.base_url or f"{api}/bot",
        base_file_url=wiring.base_file_url or f"{api}/file/bot",
        defaults=Defaults(parse_mode=ParseMode.HTML, tzinfo=settings.tz),
        request=AiohttpRequest(connection_pool_size=256),  # PTB's builder defaults
        get_updates_request=AiohttpRequest(connection_pool_size=1),
    )
    bot.attach(queue)
    builder = (
        ApplicationBuilder()
        .bot(bot)
        # bot_data is replaced by the Services object below; PTB insists on a no-arg type.
        .context_types(ContextTypes(bot_data=dict))
        .update_queue(queue)
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .concurrent_updates(ChatOrderedProcessor(metrics=metrics))
    )
    app = cast(BotApp, builder.build())
    limit = None if settings.uses_local_bot_api else settings.max_download_bytes
    sender = OutboxSender(
        bot=app.bot,
        uow=new_uow,
        clock=clock,
        pacer=Pacer(wiring.limits or pacing_limits(settings)),
        config=SenderConfig(
            default_language=settings.default_language,
            claim_timeout=timedelta(seconds=settings.outbox_claim_timeout_seconds),
        ),
    )
    rhythm = Rhythm(
        policy=rhythm_policy(settings),
        audience=Audience(settings.digest_group_chat_ids, settings.default_language),
        renderers=wiring.renderers or default_renderers(),
        wake=asyncio.Event(),
        sender=sender,
        background=[],
    )
    app.bot_data = Services(
        settings=settings,
        clock=clock,
        uow=new_uow,
        policy=light_policy(settings),
        files=TelegramFileFetcher(settings.data_dir.resolve() / "evidence", limit),
        admin_ids=settings.admin_telegram_ids,
        close=engine.dispose,
        rhythm=rhythm,
        metrics=metrics,
        poller=ProcessLock(engine, POLLER_LOCK),
        grade_rule=grade_rule(settings),
        together=ReportGroup(
            lambda arrivals: together.receive_together(
                uow=new_uow(),
                clock=clock,
                arrivals=arrivals,
                merge_seconds=settings.report_merge_seconds,
            )
        ),
    )
    register(app)
    if wiring.scheduler:
        register_jobs(app)
        app.post_init = _start_sender
    return app


async def _start_sender(app: PtbApplication) -> None:  # type: ignore[type-arg]
    """Start the outbox sender next to the poller (it runs until shutdown)."""
    await _post_init(app)
    rhythm = cast(Services, app.bot_data).rhythm
    rhythm.background.append(asyncio.create_task(rhythm.sender.run_forever(rhythm.wake)))


async def _post_init(app: PtbApplication) -> None:  # type: ignore[type-arg]
    """Learn our username and set the menu strangers see, in both languages."""
    services = cast(Services, app.bot_data)
    me = app.bot.username
    log.info("rectibot started as @%s (database %s)", me, _safe_url(services))
    if isinstance(app.update_queue, DurableQueue):  # a killed process's unfinished updates
        # Alone on the database, everything left open is a dead process's; among replicas
        # only what is older than any live handling (the rest: the periodic sweep).
        alone = not services.settings.telegram_webhook_url or _on_sqlite(services)
        await app.update_queue.replay(app.bot, timedelta(0) if alone else inbox.ORPHAN_AGE)
    for lang in ("zh", "en"):
        commands = [BotCommand(n, text(f"cmd.{n}", lang)) for n in commands_for(None)]
        await app.bot.set_my_commands(
            commands, scope=BotCommandScopeDefault(), language_code=None if lang == "zh" else lang
        )


async def _post_shutdown(app: PtbApplication) -> None:  # type: ignore[type-arg]
    """Stop the sender and close the database pool."""
    services = cast(Services, app.bot_data)
    await services.together.close()
    rhythm = services.rhythm
    rhythm.sender.stop(rhythm.wake)
    if rhythm.background:
        _, late = await asyncio.wait(rhythm.background, timeout=30)
        for task in late:  # a send stuck past the timeout: give up on it (resent after restart)
            task.cancel()
    if isinstance(app.update_queue, DurableQueue):
        try:  # the closings of the last updates handled (else they are handled again on start)
            await app.update_queue.flush()
        except Exception:
            log.exception("could not close the last updates; they are handled again on start")
    await services.close()


def _on_sqlite(services: Services) -> bool:
    return make_url(services.settings.effective_database_url).get_backend_name() == "sqlite"


def _safe_url(services: Services) -> str:
    return make_url(services.settings.effective_database_url).render_as_string(hide_password=True)
