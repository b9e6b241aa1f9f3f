"""Import a validated workbook into a campaign, all or nothing."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import TypeVar

from domain.campaigns import current_campaign, only_open
from domain.errors import (
    ImportDecided,
    InvalidState,
    NotFound,
    WorkbookRejected,
)
from domain.intake.workbook import read_workbook
from domain.model import (
    ROLE_NAMES_ZH,
    Campaign,
    CampaignSource,
    Person,
    PlannedTask,
    RoundInfo,
    RowError,
    SheetPerson,
    SheetTask,
    StagedImport,
    TaskKind,
    TaskView,
    Workbook,
)
from domain.people.commands import require_coordinator
from domain.ports import Clock, UnitOfWork
from domain.rhythm.milestones import Milestone, MilestoneRules, immediate_too_late
from domain.rhythm.workdays import WorkCalendar
from domain.texts import Phrase

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
    removed: tuple[str, ...] = ()  # numbers of tasks no longer in the file (kept, not deleted)


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
        campaign, created = await _campaign(uow, campaign_name, source, clock.now())
        summary = await _apply(uow, clock.now(), workbook, campaign, created, None, actor)
        await uow.commit()
        return summary


async def _apply(
    uow: UnitOfWork,
    now: datetime,
    workbook: Workbook,
    campaign: Campaign,
    created: bool,
    actor_id: int | None,
    actor: str,
) -> ImportSummary:
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
    added, updated, problems = await _write_tasks(
        uow, campaign, workbook.tasks, people, now, actor_id, workbook.supporting_column
    )
    if workbook.round is not None:
        await _apply_round(uow, campaign.id, workbook.round)
    await uow.audit.record(
        at=now,
        actor_id=actor_id,
        actor_label=actor,
        action="campaign.imported",
        entity="campaign",
        entity_id=campaign.id,
        data={"tasks_added": added, "tasks_updated": updated, "people_added": people_added},
    )
    return ImportSummary(
        campaign=campaign.name,
        campaign_created=created,
        people_added=people_added,
        people_updated=people_updated,
        tasks_added=added,
        tasks_updated=updated,
        problems=problems,
    )


async def _apply_round(uow: UnitOfWork, campaign_id: int, info: RoundInfo) -> None:
    """Set what the 轮次 sheet gives; an empty item leaves the round's value as it was."""
    if info.source is not None:
        await uow.campaigns.set_source(campaign_id, info.source)
    if info.feedback_on is not None:
        await uow.campaigns.set_feedback(campaign_id, info.feedback_on)
    for milestone, due in ((Milestone.PLAN, info.plan_due), (Milestone.REPORT, info.report_due)):
        if due is not None:
            await uow.campaigns.set_milestone_due(campaign_id, milestone, due)


async def _campaign(
    uow: UnitOfWork, name: str | None, source: CampaignSource, now: datetime
) -> tuple[Campaign, bool]:
    if name:
        found = await uow.campaigns.by_name(name.strip())
        if found is not None:
            return found, False
        return await uow.campaigns.add(name=name.strip(), source=source, now=now), True
    return await only_open(uow), False


async def _resolve_names(
    uow: UnitOfWork, tasks: tuple[SheetTask, ...], people: dict[str, Person]
) -> list[RowError]:
    errors: list[RowError] = []
    for row in tasks:
        for column, name in (("责任人", row.owner), ("牵头领导", row.lead)):
            if name is None or name in people:
                continue
            found = await uow.people.by_name(name)
            if found is None:
                errors.append(
                    RowError(TASK_SHEET, row.row, column, Phrase.of("wb.unknown_person", name=name))
                )
            else:
                people[name] = found
    return errors


async def _write_tasks(
    uow: UnitOfWork,
    campaign: Campaign,
    tasks: tuple[SheetTask, ...],
    people: dict[str, Person],
    now: datetime,
    actor_id: int | None = None,
    supporting_column: bool = False,
) -> tuple[int, int, int]:
    # Loaded once and written in bulk: a 10,000-row file must not hold the database for
    # seconds (every other chat waits for the writer meanwhile).
    current = {v.number: v for v in await uow.tasks.views_for_campaign(campaign.id)}
    unit_ids: dict[str, int] = {}
    for unit in dict.fromkeys(row.unit for row in tasks):
        unit_ids[unit] = await uow.people.unit_id(unit)
    problem_ids = await uow.tasks.problem_ids(
        campaign.id, [(row.category, row.problem) for row in tasks]
    )
    new: list[PlannedTask] = []
    replanned: list[tuple[int, PlannedTask]] = []
    for position, row in enumerate(tasks, start=1):
        plan = PlannedTask(
            number=row.number,
            position=position,
            problem_id=problem_ids[row.category, row.problem],
            measure=row.measure,
            unit_id=unit_ids[row.unit],
            owner_id=people[row.owner].id,
            lead_id=people[row.lead].id if row.lead else None,
            kind=row.kind,
            due_on=row.due_on,
        )
        before = current.get(row.number)
        if before is None:
            new.append(plan)
            continue
        # Re-import changes the plan, never the progress already reported.
        replanned.append((before.id, plan))
        changes = _changes(row, before)
        if changes:  # an import can undo an extension or a reassignment: say so per task
            await uow.audit.record(
                at=now,
                actor_id=actor_id,
                action="task.replanned",
                entity="task",
                entity_id=before.id,
                data={"changes": changes},
            )
    await uow.tasks.add_many(campaign_id=campaign.id, plans=new, now=now)
    await uow.tasks.replan_many(replanned)
    if supporting_column:
        for unit in dict.fromkeys(u for row in tasks for u in row.supporting):
            if unit not in unit_ids:
                unit_ids[unit] = await uow.people.unit_id(unit)
        await uow.supports.replace(
            campaign.id, {row.number: [unit_ids[u] for u in row.supporting] for row in tasks}
        )
    added, updated = len(new), len(replanned)
    return added, updated, len(problem_ids)


# ------------------------------------------------------------------ import from the chat

_T = TypeVar("_T")
ROLE_LABELS = {role: label for label, role in ROLE_NAMES_ZH.items()}
STAGED_HOURS = 24  # a preview older than this must be uploaded again


@dataclass(frozen=True, slots=True)
class ImportPreview:
    """What confirming a staged workbook would do; nothing has been written yet."""

    staged_id: int
    campaign: str
    campaign_new: bool
    tasks: int
    problems: int
    new: int
    changed: tuple[str, ...]
    unchanged: int
    removed: tuple[str, ...]
    people_new: int
    by_unit: tuple[tuple[str, int], ...]
    by_kind: tuple[tuple[TaskKind, int], ...]
    by_lead: tuple[tuple[str, int], ...] = field(default=())
    new_units: tuple[str, ...] = ()  # not yet in the bot: a typo would make a second unit
    people_changed: tuple[Phrase, ...] = ()  # units moved and roles granted to existing people
    round: RoundInfo | None = None  # the file's 轮次 sheet, applied on confirmation
    # 立行立改 measures due later than a month after the feedback (the limit, their numbers).
    immediate_by: date | None = None
    immediate_late: tuple[str, ...] = ()


async def stage_import(
    *,
    uow: UnitOfWork,
    clock: Clock,
    coordinator: Person,
    data: bytes,
    file_name: str,
    campaign_name: str | None,
    rules: MilestoneRules | None = None,
    work: WorkCalendar | None = None,
) -> ImportPreview:
    """Validate an uploaded workbook and keep it for confirmation; raise with every error.

    A 立行立改 measure due more than a month (`rules.immediate`) after the round's feedback
    date (the file's, else the round's) is pointed out.
    """
    require_coordinator(coordinator)
    # The 管理员 role is granted by the operator's settings, never by a file sent in the chat.
    # Reading a big workbook takes seconds: off the event loop, so other chats go on.
    workbook = await asyncio.to_thread(read_workbook, data, allow_admin=False)
    async with uow:
        now = clock.now()
        await uow.staging.expire_before(now - timedelta(hours=STAGED_HOURS), now)
        campaign, name = await _target_campaign(uow, coordinator, campaign_name)
        errors = await _unknown_names(uow, workbook)
        if errors:
            raise WorkbookRejected(errors)
        existing = await uow.tasks.views_for_campaign(campaign.id) if campaign else []
        staged_id = await uow.staging.add(
            person_id=coordinator.id,
            campaign_id=campaign.id if campaign else None,
            campaign_name=None if campaign else name,
            file_name=file_name,
            data=data,
            now=clock.now(),
        )
        await uow.audit.record(
            at=clock.now(),
            actor_id=coordinator.id,
            action="import.staged",
            entity="staged_import",
            entity_id=staged_id,
            data={"file": file_name, "tasks": len(workbook.tasks)},
        )
        known = {p.name: await uow.people.by_name(p.name) for p in workbook.people}
        people_new = sum(found is None for found in known.values())
        people_changed = tuple(
            change for row in workbook.people if (change := _person_change(row, known[row.name]))
        )
        known_units = set(await uow.people.unit_names())
        await uow.commit()
    preview = _preview(
        staged_id, campaign.name if campaign else name, workbook, existing, people_new, not campaign
    )
    # On a first import every unit is new; afterwards a new one is worth a second look.
    wanted = dict.fromkeys(u for row in workbook.tasks for u in (row.unit, *row.supporting))
    new_units = tuple(u for u in wanted if u not in known_units) if known_units else ()
    feedback = (workbook.round.feedback_on if workbook.round else None) or (
        campaign.feedback_on if campaign else None
    )
    rules, work = rules or MilestoneRules(), work or WorkCalendar()
    late = tuple(
        row.number
        for row in workbook.tasks
        if row.kind == TaskKind.IMMEDIATE and immediate_too_late(row.due_on, feedback, rules, work)
    )
    return replace(
        preview,
        new_units=new_units,
        people_changed=people_changed,
        round=workbook.round,
        immediate_by=rules.immediate.after(feedback, work) if feedback else None,
        immediate_late=late,
    )


async def check_confirmable(
    *, uow: UnitOfWork, clock: Clock, coordinator: Person, staged_id: int
) -> None:
    """Raise as `confirm_import` would: another person's, expired or decided import."""
    async with uow:
        await _confirmable(uow, clock, coordinator, staged_id)


async def _confirmable(
    uow: UnitOfWork, clock: Clock, coordinator: Person, staged_id: int
) -> StagedImport:
    staged = await _own_staged(uow, coordinator, staged_id)
    now = clock.now()
    if now - staged.created_at > timedelta(hours=STAGED_HOURS):
        await uow.staging.decide(staged_id, "expired", now)
        await uow.commit()
        raise ImportDecided(outcome="expired")
    return staged


async def confirm_import(
    *, uow: UnitOfWork, clock: Clock, coordinator: Person, staged_id: int
) -> ImportSummary:
    """Write a staged workbook, once; a second press or another person's press is refused.

    The file is read before the write transaction opens: reading 10,000 rows takes seconds,
    and every other chat's writes would wait for them.
    """
    async with uow:
        staged = await _confirmable(uow, clock, coordinator, staged_id)
    workbook = await asyncio.to_thread(read_workbook, staged.data, allow_admin=False)
    async with uow:
        await _confirmable(uow, clock, coordinator, staged_id)  # decided meanwhile?
        now = clock.now()
        if not await uow.staging.decide(staged_id, "confirmed", now):
            raise ImportDecided(outcome="confirmed")
        campaign, created = await _staged_campaign(
            uow, staged.campaign_id, staged.campaign_name, now
        )
        existing = await uow.tasks.views_for_campaign(campaign.id)
        summary = await _apply(uow, now, workbook, campaign, created, coordinator.id, "chat")
        await uow.commit()
    numbers = {row.number for row in workbook.tasks}
    removed = tuple(v.number for v in existing if v.number not in numbers)
    return replace(summary, removed=removed)


async def cancel_import(
    *, uow: UnitOfWork, clock: Clock, coordinator: Person, staged_id: int
) -> None:
    """Drop a staged workbook without writing anything."""
    async with uow:
        await _own_staged(uow, coordinator, staged_id)
        if not await uow.staging.decide(staged_id, "cancelled", clock.now()):
            staged = await uow.staging.get(staged_id)
            raise ImportDecided(outcome=staged.outcome if staged else "cancelled")
        await uow.commit()


async def _own_staged(uow: UnitOfWork, coordinator: Person, staged_id: int) -> StagedImport:
    require_coordinator(coordinator)
    staged = await uow.staging.get(staged_id)
    if staged is None or staged.person_id != coordinator.id:
        raise NotFound()
    if staged.outcome is not None:
        raise ImportDecided(outcome=staged.outcome)
    return staged


async def _target_campaign(
    uow: UnitOfWork, coordinator: Person, name: str | None
) -> tuple[Campaign | None, str]:
    """Return the named campaign (None when the name is new), else the current one."""
    if name and name.strip():
        wanted = name.strip()[:200]
        found = await uow.campaigns.by_name(wanted)
        if found is not None and not found.is_open:
            raise InvalidState(status="closed_campaign")
        return found, wanted
    campaign = await current_campaign(uow, coordinator)
    return campaign, campaign.name


async def _staged_campaign(
    uow: UnitOfWork, campaign_id: int | None, name: str | None, now: datetime
) -> tuple[Campaign, bool]:
    if campaign_id is not None:
        campaign = await uow.campaigns.get(campaign_id)
        if campaign is None:
            raise NotFound()
        return campaign, False
    assert name is not None
    found = await uow.campaigns.by_name(name)  # created meanwhile by another upload
    if found is not None:
        return found, False
    return await uow.campaigns.add(name=name, source=CampaignSource.INSPECTION, now=now), True


async def _unknown_names(uow: UnitOfWork, workbook: Workbook) -> list[RowError]:
    listed = {p.name for p in workbook.people}
    errors: list[RowError] = []
    known: dict[str, bool] = {}
    for row in workbook.tasks:
        for column, name in (("责任人", row.owner), ("牵头领导", row.lead)):
            if name is None or name in listed:
                continue
            if name not in known:
                known[name] = await uow.people.by_name(name) is not None
            if not known[name]:
                errors.append(
                    RowError(TASK_SHEET, row.row, column, Phrase.of("wb.unknown_person", name=name))
                )
    return errors


def _preview(
    staged_id: int,
    campaign: str,
    workbook: Workbook,
    existing: Iterable[TaskView],
    people_new: int,
    campaign_new: bool,
) -> ImportPreview:
    current = {v.number: v for v in existing}
    numbers = {row.number for row in workbook.tasks}
    new = [row for row in workbook.tasks if row.number not in current]
    changed = [
        row.number
        for row in workbook.tasks
        if row.number in current and _differs(row, current[row.number])
    ]
    return ImportPreview(
        staged_id=staged_id,
        campaign=campaign,
        campaign_new=campaign_new,
        tasks=len(workbook.tasks),
        problems=len({(row.category, row.problem) for row in workbook.tasks}),
        new=len(new),
        changed=tuple(changed),
        unchanged=len(workbook.tasks) - len(new) - len(changed),
        removed=tuple(n for n in current if n not in numbers),
        people_new=people_new,
        by_unit=_counted(row.unit for row in workbook.tasks),
        by_kind=_counted(row.kind for row in workbook.tasks),
        by_lead=_counted(row.lead or "—" for row in workbook.tasks),
    )


def _counted(values: Iterable[_T]) -> tuple[tuple[_T, int], ...]:
    return tuple(Counter(values).most_common())


def _differs(row: SheetTask, view: TaskView) -> bool:
    return (row.category, row.problem, row.measure, row.unit, row.owner, row.lead) != (
        view.category,
        view.problem,
        view.measure,
        view.unit_name,
        view.owner_name,
        view.lead_name,
    ) or (row.kind, row.due_on) != (view.kind, view.due_on)


def _changes(row: SheetTask, view: TaskView) -> list[list[str]]:
    """What an import changes in a task's plan, as [field, old, new] (said in /history)."""
    pairs = (
        ("unit", view.unit_name, row.unit),
        ("owner", view.owner_name, row.owner),
        ("lead", view.lead_name or "—", row.lead or "—"),
        ("due", str(view.due_on or "—"), str(row.due_on or "—")),
        ("kind", view.kind.value, row.kind.value),
        ("measure", view.measure, row.measure),
        ("problem", view.problem, row.problem),
    )
    return [[field, old[:30], new[:30]] for field, old, new in pairs if old != new]


def _person_change(row: SheetPerson, existing: Person | None) -> Phrase | None:
    """Say what confirming changes for a person already in the bot (unit, added roles)."""
    if existing is None:
        return None
    parts = []
    if row.unit and row.unit != existing.unit_name:
        parts.append(Phrase.of("import.person_unit", old=existing.unit_name or "—", new=row.unit))
    added = [ROLE_LABELS[r] for r in row.roles - existing.roles]
    if added:  # the workbook's own role words
        parts.append(Phrase.of("import.person_roles", roles="、".join(sorted(added))))
    if not parts:
        return None
    said = parts[0] if len(parts) == 1 else Phrase.of("wb.both", first=parts[0], second=parts[1])
    return Phrase.of("import.person_change", name=row.name, changes=said)
