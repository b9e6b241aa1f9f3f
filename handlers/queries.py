"""Status queries: /campaign, /status, /person, /task, /history, /overdue, /silent, /pending."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.context import BotContext
from domain import campaigns
from domain.errors import PrivateOnly
from domain.lights import light_for
from domain.model import Campaign, Person, TaskStatus, TaskView
from domain.records import queries
from domain.records.history import history_lines
from domain.records.queries import Kind, Listing, Scope
from domain.texts import Html, excerpt, split_message, text
from domain.work.review import may_review
from handlers.callback_data import Page, UseCampaign
from handlers.common import caller, choose, is_private, language_of, reply
from handlers.review import review_buttons
from handlers.views import LIGHT_EMOJI, board_text

MAX_BUTTONS = 20
SHOWN_REPORTS = 5


async def campaign(update: Update, context: BotContext) -> None:
    """List the open rounds with buttons, or switch to the one named."""
    person = await _querier(update, context)
    services = context.bot_data
    lang = language_of(person, services)
    name = " ".join(context.args or []).strip()
    if name:
        found = await campaigns.switch_campaign(uow=services.uow(), person=person, name=name)
        if isinstance(found, list):
            await choose(update, text("campaign.pick", lang, name=name), found_buttons(found))
        else:
            await reply(update, text("campaign.switched", lang, name=found.name))
        return
    open_ones, current = await campaigns.open_campaigns(uow=services.uow(), person=person)
    if not open_ones:
        await reply(update, text("campaign.none", lang))
        return
    current_name = next((c.name for c in open_ones if c.id == current), "—")
    await choose(
        update, text("campaign.list", lang, current=current_name), found_buttons(open_ones)
    )


def found_buttons(found: list[Campaign]) -> list[tuple[str, str]]:
    """One button per campaign."""
    return [(c.name, UseCampaign(c.id).encode()) for c in found[:MAX_BUTTONS]]


async def use_campaign(update: Update, context: BotContext, payload: UseCampaign) -> None:
    """Switch to the campaign picked by button."""
    person = await _querier(update, context)
    services = context.bot_data
    found = await campaigns.switch_campaign(
        uow=services.uow(), person=person, campaign_id=payload.campaign_id
    )
    assert not isinstance(found, list)
    query = update.callback_query
    assert query is not None
    await query.answer()
    await query.edit_message_text(
        text("campaign.switched", language_of(person, services), name=found.name)
    )


async def status(update: Update, context: BotContext) -> None:
    """Show the board of the caller's scope, or one unit's tasks."""
    person = await _querier(update, context)
    services = context.bot_data
    lang = language_of(person, services)
    name = " ".join(context.args or []).strip()
    if not name:
        scope, board, supported = await queries.status(
            uow=services.uow(), clock=services.clock, person=person, policy=services.policy
        )
        body = board_text(board, lang)
        head, _, rest = body.partition("\n")
        if supported:
            rest += "\n\n" + text("query.supported_header", lang, count=len(supported))
            rest += "\n" + "\n".join(_item(t, lang, context) for t in supported[:MAX_SUPPORTED])
        await reply(update, head + _scope_text(scope, person, lang) + "\n" + rest)
        return
    units = await queries.units_matching(uow=services.uow(), person=person, name=name)
    await _subject(update, context, person, Kind.UNIT, units, name, "unit")


MAX_SUPPORTED = 30  # supported measures listed under a unit head's /status


async def person_tasks(update: Update, context: BotContext) -> None:
    """List the tasks of an official found by (part of) their name."""
    person = await _querier(update, context)
    services = context.bot_data
    lang = language_of(person, services)
    name = " ".join(context.args or []).strip()
    if not name:
        await reply(update, text("query.usage_person", lang))
        return
    owners = await queries.people_matching(uow=services.uow(), person=person, name=name)
    await _subject(update, context, person, Kind.PERSON, owners, name, "person")


async def _subject(
    update: Update,
    context: BotContext,
    person: Person,
    kind: Kind,
    found: list[tuple[int, str]],
    name: str,
    noun: str,
) -> None:
    lang = language_of(person, context.bot_data)
    if not found:
        await reply(update, text(f"query.no_{noun}", lang, name=name))
    elif len(found) > 1:
        pick = [(label, Page(kind, ident, 0).encode()) for ident, label in found[:MAX_BUTTONS]]
        await choose(update, text(f"query.pick_{noun}", lang, name=name), pick)
    else:
        await _send_listing(update, context, person, kind, found[0][0], found[0][1])


async def overdue(update: Update, context: BotContext) -> None:
    """List overdue tasks."""
    await _send_listing(update, context, await _querier(update, context), Kind.OVERDUE)


async def silent(update: Update, context: BotContext) -> None:
    """List tasks without a report since the last check-in."""
    await _send_listing(update, context, await _querier(update, context), Kind.SILENT)


async def pending(update: Update, context: BotContext) -> None:
    """List tasks awaiting sign-off."""
    await _send_listing(update, context, await _querier(update, context), Kind.PENDING)


async def _send_listing(
    update: Update,
    context: BotContext,
    person: Person,
    kind: Kind,
    arg: int = 0,
    subject: str = "",
) -> None:
    body, markup = await _page(context, person, kind, arg, 0, subject)
    assert update.effective_chat is not None
    await update.effective_chat.send_message(body, reply_markup=markup)


async def page(update: Update, context: BotContext, payload: Page) -> None:
    """Show another page, re-checking the caller's scope."""
    person = await _querier(update, context)
    query = update.callback_query
    assert query is not None
    body, markup = await _page(context, person, payload.query, payload.arg, payload.page)
    await query.answer()
    await query.edit_message_text(body, reply_markup=markup)


async def _page(
    context: BotContext, person: Person, kind: Kind, arg: int, number: int, subject: str = ""
) -> tuple[str, InlineKeyboardMarkup | None]:
    services = context.bot_data
    lang = language_of(person, services)
    found = await queries.listing(
        uow=services.uow(),
        clock=services.clock,
        person=person,
        policy=services.policy,
        kind=kind,
        arg=arg,
        page=number,
    )
    # Names are not in the button data (64 bytes): a later page takes them from its tasks.
    title = text(
        f"query.title.{kind.name.lower()}", lang, subject=subject or _listing_subject(found, kind)
    )
    common = {"title": Html(title), "scope": Html(_scope_text(found.scope, person, lang))}
    if not found.total:
        return text("query.empty", lang, campaign=found.campaign, **common), None
    header = text(
        "query.header",
        lang,
        campaign=found.campaign,
        total=found.total,
        page=found.page + 1,
        pages=found.pages,
        **common,
    )
    lines = [_item(t, lang, context) for t in found.tasks]
    if found.supported:
        lines += ["", text("query.supported", lang, numbers="、".join(found.supported[:40]))]
    body = "\n".join([header, "", *lines])
    return split_message(body)[0], _pager(found, kind, arg, lang)


def _listing_subject(found: Listing, kind: Kind) -> str:
    if not found.tasks:
        return ""
    first = found.tasks[0]
    return first.unit_name if kind == Kind.UNIT else first.owner_name


def _item(task: TaskView, lang: str, context: BotContext) -> str:
    services = context.bot_data
    now = services.clock.now()
    last = (
        task.last_update_at.astimezone(services.settings.tz).strftime("%m-%d")
        if task.last_update_at
        else text("query.never", lang)
    )
    return text(
        "query.item",
        lang,
        light=LIGHT_EMOJI[light_for(task, now, services.policy)],
        number=task.number,
        unit=task.unit_name,
        owner=task.owner_name,
        measure=excerpt(task.measure, 60),
        status=text(f"status.{task.status.value}", lang),
        percent=task.percent,
        due=task.due_on.isoformat() if task.due_on else text("tasks.long_term", lang),
        last=last,
    )


def _pager(found: Listing, kind: Kind, arg: int, lang: str) -> InlineKeyboardMarkup | None:
    row = []
    if found.page > 0:
        row.append(
            InlineKeyboardButton(
                text("query.prev", lang), callback_data=Page(kind, arg, found.page - 1).encode()
            )
        )
    if found.page + 1 < found.pages:
        row.append(
            InlineKeyboardButton(
                text("query.next", lang), callback_data=Page(kind, arg, found.page + 1).encode()
            )
        )
    return InlineKeyboardMarkup([row]) if row else None


def _scope_text(scope: Scope, person: Person, lang: str) -> str:
    if scope.everything:
        return ""
    unit = person.unit_name or "—"
    if scope.unit_id is not None and scope.lead_id is not None:
        return text("query.scope_both", lang, unit=unit)
    if scope.unit_id is not None:
        return text("query.scope_unit", lang, unit=unit)
    return text("query.scope_lead", lang)


async def task(update: Update, context: BotContext) -> None:
    """Show one task: plan, state, latest reports and evidence; review buttons if pending."""
    person = await _querier(update, context)
    services = context.bot_data
    lang = language_of(person, services)
    number = " ".join(context.args or []).strip()
    if not number:
        await reply(update, text("query.usage_task", lang))
        return
    record = await queries.task_record(uow=services.uow(), person=person, number=number)
    view = record.task
    tz = services.settings.tz
    lines = [
        text(
            "query.task",
            lang,
            number=view.number,
            campaign=record.campaign,
            light=LIGHT_EMOJI[light_for(view, services.clock.now(), services.policy)],
            problem=view.problem,
            measure=view.measure,
            unit=view.unit_name,
            owner=view.owner_name,
            lead=view.lead_name or "—",
            kind=text(f"kind.{view.kind.value}", lang),
            due=view.due_on.isoformat() if view.due_on else text("tasks.long_term", lang),
            status=text(f"status.{view.status.value}", lang),
            percent=view.percent,
        ),
    ]
    if record.supporting:
        lines.append(text("query.supporting", lang, units="、".join(record.supporting)))
    lines.append("")
    live = [r for r in record.reports if r.withdrawn_at is None]
    if live:
        shown = live[-SHOWN_REPORTS:]
        lines.append(text("query.reports", lang, shown=len(shown), count=len(live)))
        files: dict[int, int] = {}
        for e in record.evidence:
            files[e.report_id] = files.get(e.report_id, 0) + 1
        for r in shown:
            lines.append(
                text(
                    "query.report",
                    lang,
                    when=r.at.astimezone(tz).strftime("%m-%d %H:%M"),
                    author=r.author,
                    text=excerpt(r.text or "—", 160),
                    percent=f" ({r.percent}%)" if r.percent is not None else "",
                    files=Html(
                        text("query.files", lang, count=files[r.id]) if r.id in files else ""
                    ),
                )
            )
    else:
        lines.append(text("query.no_reports", lang))
    if record.evidence:
        names = "".join(f"\n  · {e.name}" for e in record.evidence[-10:])
        lines.append(text("query.evidence", lang, count=len(record.evidence), names=names))
    lines += ["", text("query.more", lang, number=view.number)]
    markup = None
    authors = (r.author_id for r in record.reports if r.author_id is not None)
    if view.status == TaskStatus.PENDING_REVIEW and may_review(person, view, authors):
        markup = InlineKeyboardMarkup(
            [
                [InlineKeyboardButton(label, callback_data=data) for label, data in row]
                for row in review_buttons(view.id, lang)
            ]
        )
    parts = split_message("\n".join(lines))
    assert update.effective_chat is not None
    for i, part in enumerate(parts):
        await update.effective_chat.send_message(
            part, reply_markup=markup if i == len(parts) - 1 else None
        )


async def history(update: Update, context: BotContext) -> None:
    """Send a task's audit trail."""
    person = await _querier(update, context)
    services = context.bot_data
    lang = language_of(person, services)
    number = " ".join(context.args or []).strip()
    if not number:
        await reply(update, text("query.usage_history", lang))
        return
    record = await queries.task_record(uow=services.uow(), person=person, number=number)
    lines = [
        text("history.title", lang, number=record.task.number, campaign=record.campaign),
        *history_lines(record, lang, services.settings.tz),
    ]
    await reply(update, "\n".join(lines))


async def _querier(update: Update, context: BotContext) -> Person:
    person = await caller(update, context)
    queries.require_query_rights(person)
    if not is_private(update):  # reports, reasons and names are not for a group
        raise PrivateOnly()
    return person
