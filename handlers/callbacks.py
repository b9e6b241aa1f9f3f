"""Route inline-button presses by their typed payload."""

from __future__ import annotations

import logging

from telegram import Update

from bot.context import BotContext
from domain.texts import text
from handlers import callback_data as cd
from handlers import (
    changes,
    desk,
    extensions,
    grading,
    language,
    lookback,
    progress,
    queries,
    records,
    review,
    tasks,
    uploads,
    weekly,
)
from handlers.common import language_of

log = logging.getLogger(__name__)


async def on_callback(update: Update, context: BotContext) -> None:
    """Parse the payload and hand it to its handler; forged or stale data gets a polite no."""
    query = update.callback_query
    assert query is not None
    try:
        payload = cd.parse(query.data)
    except cd.CallbackInvalid as exc:
        log.info("rejected callback data from %s: %s", query.from_user.id, exc)
        await query.answer(
            text("error.callback_invalid", language_of(None, context.bot_data)), show_alert=True
        )
        return
    match payload:
        case cd.FocusTask():
            await tasks.focus_task(update, context, payload)
        case cd.PickTask():
            await progress.pick_task(update, context, payload)
        case cd.AskPercent():
            await progress.ask_percent(update, context, payload)
        case cd.SetPercent():
            await progress.set_percent(update, context, payload)
        case cd.AskSignoff():
            await progress.ask_signoff(update, context, payload)
        case cd.Withdraw():
            await progress.withdraw(update, context, payload)
        case cd.SetLanguage():
            await language.set_language(update, context, payload)
        case cd.InviteFor():
            await desk.invite_for(update, context, payload)
        case cd.ImportConfirm():
            await uploads.confirm(update, context, payload)
        case cd.ImportCancel():
            await uploads.cancel(update, context, payload)
        case cd.UseCampaign():
            await queries.use_campaign(update, context, payload)
        case cd.Page():
            await queries.page(update, context, payload)
        case cd.SignOff():
            await review.sign_off(update, context, payload)
        case cd.SendBack():
            await review.send_back(update, context, payload)
        case cd.AskExtension():
            await extensions.ask_pressed(update, context, payload)
        case cd.DecideExtension():
            await extensions.decide_pressed(update, context, payload)
        case cd.PickPerson():
            await changes.picked(update, context, payload)
        case cd.Deactivate():
            await changes.confirm_retire(update, context, payload)
        case cd.Remind():
            await changes.remind_pressed(update, context, payload)
        case cd.BatchConfirm():
            await weekly.confirm(update, context, payload)
        case cd.BatchCancel():
            await weekly.cancel(update, context, payload)
        case cd.BatchFix():
            await weekly.fix(update, context, payload)
        case cd.BatchPick():
            await weekly.pick(update, context, payload)
        case cd.BatchSet():
            await weekly.set_value(update, context, payload)
        case cd.BatchSignoff():
            await weekly.signoff_done(update, context, payload)
        case cd.NoChangeWeek():
            await weekly.no_change_week(update, context, payload)
        case cd.GradeConfirm():
            await grading.confirm(update, context, payload)
        case cd.LookbackHeld():
            await lookback.held(update, context, payload)
        case cd.LookbackSlipped():
            await lookback.slipped(update, context, payload)
        case cd.DossierUnit():
            await records.dossier_unit(update, context, payload)
