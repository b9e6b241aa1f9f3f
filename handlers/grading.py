"""/grade: the units' A/B/C grades proposed by the stated rule, confirmed or changed."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from domain.model import Person
from domain.people.commands import may_coordinate
from domain.records import grading
from domain.texts import Html, text
from handlers.callback_data import GradeConfirm
from handlers.common import caller, choose_rows, clear_buttons, language_of, reply


def sheet_text(sheet: grading.GradeSheet, lang: str) -> str:
    """The round's grading: the rule, each unit's inputs, proposal and decision."""
    lines = [text("grade.title", lang, campaign=sheet.campaign.name), sheet.rule.stated(lang)]
    if sheet.lines:
        lines.append(text("grade.milestones", lang, count=sheet.lines[0].inputs.milestones_missed))
    lines.append("")
    for line in sheet.lines:
        i = line.inputs
        decided = (
            text(
                "grade.decided",
                lang,
                grade=line.decided.grade,
                reason=Html(
                    text("grade.reason", lang, reason=line.decided.reason)
                    if line.decided.reason
                    else ""
                ),
            )
            if line.decided
            else ""
        )
        lines.append(
            text(
                "grade.line",
                lang,
                unit=i.unit,
                completion=f"{i.completion:g}",
                closed=i.closed,
                total=i.total,
                on_time=f"{i.on_time:g}",
                reopened=i.reopened,
                escalated=i.escalated,
                proposed=line.proposed.value,
                decided=Html(decided),
            )
        )
    if sheet.summoned:
        lines.append(text("grade.summoned", lang, units="、".join(sheet.summoned)))
    lines += ["", text("grade.usage", lang)]
    return "\n".join(lines)


def _confirm_rows(
    sheet: grading.GradeSheet, person: Person, lang: str
) -> list[list[tuple[str, str]]]:
    open_units = sum(line.decided is None for line in sheet.lines)
    if not open_units or not may_coordinate(person):
        return []
    label = text("grade.confirm_button", lang, count=open_units)
    return [[(label, GradeConfirm(sheet.campaign.id).encode())]]


def _policy(context: BotContext) -> grading.GradingPolicy:
    services = context.bot_data
    rhythm = services.rhythm.policy
    return grading.GradingPolicy(services.grade_rule, rhythm.milestones, rhythm.calendar, rhythm.tz)


async def grade(update: Update, context: BotContext) -> None:
    """Show the grades, or set one unit's: /grade UNIT GRADE REASON."""
    services = context.bot_data
    person = await caller(update, context)
    lang = language_of(person, services)
    words = [w for w in (context.args or []) if w.strip()]
    if not words:
        sheet = await grading.grade_sheet(
            uow=services.uow(),
            clock=services.clock,
            person=person,
            policy=_policy(context),
        )
        await choose_rows(update, sheet_text(sheet, lang), _confirm_rows(sheet, person, lang))
        return
    sheet = await grading.set_grade(
        uow=services.uow(),
        clock=services.clock,
        person=person,
        words=words,
        policy=_policy(context),
        default_lang=services.settings.default_language,
    )
    services.rhythm.wake.set()
    changed = next(line for line in sheet.lines if line.inputs.unit == sheet.changed)
    assert changed.decided is not None
    saved = text("grade.saved", lang, unit=sheet.changed, grade=changed.decided.grade)
    await reply(update, f"{saved}\n\n{sheet_text(sheet, lang)}")


async def confirm(update: Update, context: BotContext, payload: GradeConfirm) -> None:
    """Take the proposals for every unit not yet decided."""
    services = context.bot_data
    person = await caller(update, context)
    lang = language_of(person, services)
    sheet = await grading.confirm_proposals(
        uow=services.uow(),
        clock=services.clock,
        person=person,
        campaign_id=payload.campaign_id,
        policy=_policy(context),
        default_lang=services.settings.default_language,
    )
    services.rhythm.wake.set()
    query = update.callback_query
    assert query is not None
    await query.answer()
    await clear_buttons(query)
    done = text("grade.confirmed", lang, count=sheet.confirmed)
    await reply(update, f"{done}\n\n{sheet_text(sheet, lang)}")
