"""What coordinators take out of the bot: the ledger (台账) and dossiers (一事一档)."""

from __future__ import annotations

from datetime import tzinfo

from domain.campaigns import current_campaign
from domain.errors import NotFound
from domain.lights import LightPolicy
from domain.model import Campaign, Person, ReportKind
from domain.people.commands import require_coordinator
from domain.people.names import named_pairs
from domain.ports import Clock, TaskQuery, UnitOfWork
from domain.records.dossier import Dossier, build_dossier


async def ledger(
    *, uow: UnitOfWork, clock: Clock, person: Person, policy: LightPolicy, lang: str
) -> tuple[str, bytes]:
    """Return the file name and workbook of the person's current campaign."""
    from domain.records.ledger import export_ledger, ledger_file_name  # openpyxl on first export

    require_coordinator(person)  # the ledger lists phone numbers and every unit
    async with uow:
        campaign = await current_campaign(uow, person)
    data = await export_ledger(
        uow=uow, clock=clock, campaign_id=campaign.id, policy=policy, lang=lang
    )
    day = clock.now().astimezone(policy.tz).date()
    return ledger_file_name(campaign.name, day), data


async def dossier(
    *,
    uow: UnitOfWork,
    clock: Clock,
    person: Person,
    words: str = "",
    unit_id: int | None = None,
    lang: str,
    tz: tzinfo,
    part_limit: int,
) -> Dossier | list[tuple[int, str]]:
    """Plan the dossier of a task (by number) or a unit (by id or partial name).

    A name matching several units returns them as (id, name) to choose from.
    """
    require_coordinator(person)
    async with uow:
        campaign = await current_campaign(uow, person)
        views = await uow.tasks.views_for_campaign(campaign.id)
    by_number = [v.id for v in views if v.number == words.strip()]
    units = sorted({(v.unit_id, v.unit_name) for v in views}, key=lambda u: u[1])
    if unit_id is not None:
        units = [u for u in units if u[0] == unit_id]
    elif by_number:
        units = []
    else:
        units = named_pairs(units, words)
        if not units:
            raise NotFound(what=words.strip())
        if len(units) > 1:
            return units
    return await build_dossier(
        uow=uow,
        clock=clock,
        campaign_id=campaign.id,
        task_ids=by_number if not units else None,
        unit=units[0][1] if units else None,
        lang=lang,
        tz=tz,
        part_limit=part_limit,
    )


async def rectification_report(
    *, uow: UnitOfWork, clock: Clock, person: Person, tz: tzinfo, kind: ReportKind
) -> tuple[str, bytes]:
    """The report of the person's current round: file name and .docx."""
    require_coordinator(person)
    async with uow:
        campaign = await current_campaign(uow, person)
    return await report_of(uow=uow, clock=clock, campaign=campaign, tz=tz, kind=kind)


async def report_of(
    *, uow: UnitOfWork, clock: Clock, campaign: Campaign, tz: tzinfo, kind: ReportKind
) -> tuple[str, bytes]:
    """Write a round's report: read in one transaction, laid out after it."""
    from domain.records.rectification_report import (  # python-docx on first use
        build_report,
        report_docx,
        report_file_name,
    )

    async with uow:
        views = await uow.tasks.views_for_campaign(campaign.id)
        granted = await uow.extensions.granted_in_campaign(campaign.id)
        reports = await uow.reports.count_in_campaign(campaign.id)
        checks = await uow.lookbacks.for_campaign(campaign.id)
        units = dict(await uow.tasks.units_in(TaskQuery(campaign.id)))
        grades = [
            (units.get(g.unit_id, ""), g.grade, g.reason)
            for g in await uow.grades.for_campaign(campaign.id)
            if g.unit_id in units
        ]
    today = clock.now().astimezone(tz).date()
    by_id = {v.id: v for v in views}
    report = build_report(
        round_name=campaign.name,
        views=views,
        extensions=granted,
        reports=reports,
        kind=kind,
        today=today,
        tz=tz,
        lookbacks=[(c, by_id[c.task_id]) for c in checks if c.task_id in by_id],
        grades=sorted(grades),
    )
    return report_file_name(campaign.name, kind, today), report_docx(report)
