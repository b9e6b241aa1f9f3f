"""/milestone: the round's calendar (plan and report due dates), and coordinators' changes."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from domain.rhythm.milestones import Change, calendar_text, parse_command, round_calendar
from domain.texts import text
from handlers.common import caller, language_of, reply


async def milestone(update: Update, context: BotContext) -> None:
    """Show the current round's milestones, or apply a coordinator's change and show them."""
    services = context.bot_data
    person = await caller(update, context)
    lang = language_of(person, services)
    command = parse_command(context.args or [])
    policy = services.rhythm.policy
    calendar = await round_calendar(
        uow=services.uow(),
        clock=services.clock,
        person=person,
        rules=policy.milestones,
        work=policy.calendar,
        tz=policy.tz,
        command=command,
    )
    shown = command.change == Change.SHOW
    body = calendar_text(calendar, lang, usage=shown)
    if not shown:
        body = f"{text('milestone.saved', lang)}\n\n{body}"
    await reply(update, body)
