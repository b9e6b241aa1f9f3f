"""The real bot against the local Bot API simulator: used by the e2e tests and `rectibot demo`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from telegram import Update

from bot.app import Wiring, build_application
from bot.clock import ManualClock
from bot.context import BotApp
from bot.renderers import focus_button
from config.settings import Settings
from domain.intake import importing
from domain.intake.workbook import read_workbook
from domain.people import accounts
from domain.ports import UnitOfWork
from domain.rhythm import reminders
from domain.rhythm.reminders import Renderers
from handlers.callback_data import NoChangeWeek
from handlers.views import lookback_choices
from scheduler.delivery import DrainStats
from scheduler.pacing import Limits
from simulator import BotApiSimulator, SimUser

TOKEN = "123456:TEST-TOKEN"
BOT_USERNAME = "rectibot_test_bot"
ADMIN_ID = 900_000_001


@dataclass
class World:
    """A running bot, its simulator, the clock and direct database access for setup."""

    sim: BotApiSimulator
    app: BotApp
    clock: ManualClock
    uow: Callable[[], UnitOfWork]
    settings: Settings

    async def import_putuo(self, data: bytes) -> None:
        """Load the Putuo workbook as a coordinator would with `rectibot import`."""
        await importing.import_workbook(
            uow=self.uow(),
            clock=self.clock,
            workbook=read_workbook(data, allow_admin=True),
            campaign_name="普陀区巡视整改",
        )

    async def invite_code(self, name: str) -> str:
        """Issue a fresh invite and return its code."""
        invite = await accounts.issue_invite(
            uow=self.uow(), clock=self.clock, name=name, valid_days=14
        )
        return invite.code

    async def settle(self, timeout: float = 30.0) -> None:  # noqa: ASYNC109
        """Wait until the bot has handled every update sent so far (its deterministic idle point)."""
        if not await self.sim.wait_bot_idle(timeout):
            raise TimeoutError(f"the bot was still busy after {timeout}s")

    async def tick(self) -> reminders.TickResult:
        """Run the rhythm's tick at the virtual clock's now, once the bot is idle."""
        await self.settle()
        services = self.app.bot_data
        return await reminders.tick(
            uow=self.uow(),
            clock=self.clock,
            policy=services.rhythm.policy,
            lights=services.policy,
            audience=services.rhythm.audience,
            render=services.rhythm.renderers,
        )

    async def drain(self) -> DrainStats:
        """Send everything the outbox holds that is due, once the bot is idle."""
        await self.settle()
        return await self.app.bot_data.rhythm.sender.drain()

    async def join(self, name: str, username: str | None = None) -> SimUser:
        """Create a simulated user who opens the person's invite link."""
        sim_user = self.sim.user(first_name=name, username=username)
        await sim_user.command("start", await self.invite_code(name))
        welcome = await sim_user.next_message()
        assert name in welcome.text, welcome.text
        return sim_user


def settings_for(database_url: str, data_dir: Path, **extra: object) -> Settings:
    """Settings for a test bot, ignoring any .env in the working directory."""
    return Settings(
        _env_file=None,
        telegram_bot_token=TOKEN,
        database_url=database_url,
        data_dir=data_dir,
        admin_telegram_ids=frozenset({ADMIN_ID}),
        **extra,  # type: ignore[arg-type]
    )


async def start_world(
    database_url: str,
    data_dir: Path,
    clock: ManualClock,
    *,
    sim: BotApiSimulator | None = None,
    renderers: Renderers | None = None,
    limits: Limits | None = None,
    **extra: object,
) -> World:
    """Start the simulator and the real Application polling it (the test drives the rhythm)."""
    sim = sim or BotApiSimulator(token=TOKEN, bot_username=BOT_USERNAME)
    await sim.start()
    settings = settings_for(database_url, data_dir, **extra)
    app = build_application(
        settings,
        Wiring(
            base_url=sim.base_url,
            base_file_url=sim.base_file_url,
            clock=clock,
            scheduler=False,
            renderers=renderers
            or Renderers(
                focus_button=focus_button,
                no_change_data=NoChangeWeek().encode(),
                lookback_choices=lookback_choices,
            ),
            limits=limits or Limits(per_second=0, private_interval=0, group_interval=0),
        ),
    )
    await app.initialize()
    if app.post_init is not None:
        await app.post_init(app)
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0.0, timeout=1, allowed_updates=Update.ALL_TYPES)
    # asyncio.Queue counts a put until PTB's task_done() after the handlers ran: join() is the
    # bot's idle point, whether updates are processed one at a time or concurrently.
    sim.watch_bot(app.update_queue.join)
    return World(sim=sim, app=app, clock=clock, uow=app.bot_data.uow, settings=settings)


async def stop_world(world: World) -> None:
    """Stop polling, the Application and the simulator."""
    app = world.app
    if app.updater is not None and app.updater.running:
        await app.updater.stop()
    if app.running:
        await app.stop()
    await app.shutdown()
    if app.post_shutdown is not None:
        await app.post_shutdown(app)
    await world.sim.stop()
