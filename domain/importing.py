"""Import a validated workbook into a campaign, all or nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.errors import AmbiguousCampaign, WorkbookRejected
from domain.model import Campaign, CampaignSource, Person, RowError, TaskRow, Workbook
from domain.ports import Clock, PlannedTask, UnitOfWork

TASK_SHEET = "整改任务"


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """What an import did."""

    campaign: str
    campaign_created: bool
    people_added: int
    people_updated: int
    tasks_added: int
    tasks_updated: int
    problems: int


async def import_workbook(
    *,
    uow: UnitOfWork,
    clock: Clock,
    workbook: Workbook,
    campaign_name: str | None,
    source: CampaignSource = CampaignSource.INSPECTION,
    actor: str = "cli",
) -> ImportSummary:
    """Write the workbook's people and tasks; any unresolved name rejects the whole file."""
    async with uow:
        now = clock.now()
        campaign, created = await _campaign(uow, campaign_name, source, now)
        people_added, people_updated = 0, 0
        people: dict[str, Person] = {}
        for row in workbook.people:
            unit_id = await uow.people.unit_id(row.unit) if row.unit else None
            existing = await uow.people.by_name(row.name)
            if existing is None:
                people[row.name] = await uow.people.add(
                    name=row.name,
                    unit_id=unit_id,
                    roles=row.roles,
                    phone=row.phone,
                    telegram_username=row.telegram_username,
                    now=now,
                )
                people_added += 1
            else:
                await uow.people.update(
                    existing.id,
                    unit_id=unit_id or existing.unit_id,
                    add_roles=row.roles,
                    phone=row.phone or existing.phone,
                    telegram_username=row.telegram_username or existing.telegram_username,
                )
                people[row.name] = existing
                people_updated += 1
        errors = await _resolve_names(uow, workbook.tasks, people)
        if errors:
            raise WorkbookRejected(errors)
        added, updated, problems = await _write_tasks(uow, campaign, workbook.tasks, people, now)
        await uow.audit.record(
            at=now,
            actor_id=None,
            actor_label=actor,
            action="campaign.imported",
            entity="campaign",
            entity_id=campaign.id,
            data={"tasks_added": added, "tasks_updated": updated, "people_added": people_added},
        )
        await uow.commit()
        return ImportSummary(
            campaign=campaign.name,
            campaign_created=created,
            people_added=people_added,
            people_updated=people_updated,
            tasks_added=added,
            tasks_updated=updated,
            problems=problems,
        )


async def _campaign(
    uow: UnitOfWork, name: str | None, source: CampaignSource, now: datetime
) -> tuple[Campaign, bool]:
    if name:
        found = await uow.campaigns.by_name(name.strip())
        if found is not None:
            return found, False
        return await uow.campaigns.add(name=name.strip(), source=source, now=now), True
    open_ones = await uow.campaigns.open_campaigns()
    if len(open_ones) == 1:
        return open_ones[0], False
    raise AmbiguousCampaign(open=[c.name for c in open_ones])


async def _resolve_names(
    uow: UnitOfWork, tasks: tuple[TaskRow, ...], people: dict[str, Person]
) -> list[RowError]:
    errors: list[RowError] = []
    for row in tasks:
        for column, name in (("责任人", row.owner), ("牵头领导", row.lead)):
            if name is None or name in people:
                continue
            found = await uow.people.by_name(name)
            if found is None:
                errors.append(
                    RowError(
                        TASK_SHEET, row.row, column, f"“{name}”不在人员名单中，请先在“人员”表中添加"
                    )
                )
            else:
                people[name] = found
    return errors


async def _write_tasks(
    uow: UnitOfWork,
    campaign: Campaign,
    tasks: tuple[TaskRow, ...],
    people: dict[str, Person],
    now: datetime,
) -> tuple[int, int, int]:
    added = updated = 0
    problem_ids: dict[tuple[str | None, str], int] = {}
    for position, row in enumerate(tasks, start=1):
        key = (row.category, row.problem)
        if key not in problem_ids:
            problem_ids[key] = await uow.tasks.problem_id(
                campaign_id=campaign.id,
                category=row.category,
                title=row.problem,
                position=len(problem_ids) + 1,
            )
        plan = PlannedTask(
            number=row.number,
            position=position,
            problem_id=problem_ids[key],
            measure=row.measure,
            unit_id=await uow.people.unit_id(row.unit),
            owner_id=people[row.owner].id,
            lead_id=people[row.lead].id if row.lead else None,
            kind=row.kind,
            due_on=row.due_on,
        )
        existing = await uow.tasks.id_by_number(campaign.id, row.number)
        if existing is None:
            await uow.tasks.add(campaign_id=campaign.id, plan=plan, now=now)
            added += 1
        else:
            # Re-import changes the plan, never the progress already reported.
            await uow.tasks.replan(existing, plan)
            updated += 1
    return added, updated, len(problem_ids)
