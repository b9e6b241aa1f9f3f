"""In-memory fakes of the storage ports, for fast tests of services with rules.

Only the ports a service under test uses are faked; a service reaching for another fails
loudly (AttributeError), which is the point. The unit of work keeps writes only when
committed, as `storage.uow.SqlUnitOfWork` does: leaving without commit rolls them back.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from types import TracebackType
from typing import Any, Self, cast

from domain.model import (
    AuditEvent,
    Campaign,
    CampaignSource,
    EvidenceRecord,
    Extension,
    Outgoing,
    Person,
    Report,
    Role,
    TaskKind,
    TaskStatus,
    TaskView,
)
from domain.ports import UnitOfWork
from domain.rhythm.milestones import Milestone, MilestoneRecord


@dataclass
class _Tables:
    """Everything the fakes store; copied on entry so a rollback is a restore."""

    campaigns: dict[int, Campaign] = field(default_factory=dict)
    milestones: dict[tuple[int, Milestone], MilestoneRecord] = field(default_factory=dict)
    state: dict[str, str] = field(default_factory=dict)
    audit: list[AuditEvent] = field(default_factory=list)
    people: dict[int, Person] = field(default_factory=dict)
    tasks: dict[int, TaskView] = field(default_factory=dict)
    extensions: dict[int, Extension] = field(default_factory=dict)
    outbox: dict[str, Outgoing] = field(default_factory=dict)  # by key, as the unique index
    reports: list[Report] = field(default_factory=list)
    review_requested: dict[int, datetime | None] = field(default_factory=dict)
    revoked_invites: list[int] = field(default_factory=list)  # person ids


class FakeCampaigns:
    """`domain.ports.CampaignRepository` in memory."""

    def __init__(self, tables: _Tables) -> None:
        self.t = tables

    async def by_name(self, name: str) -> Campaign | None:
        return next((c for c in self.t.campaigns.values() if c.name == name), None)

    async def get(self, campaign_id: int) -> Campaign | None:
        return self.t.campaigns.get(campaign_id)

    async def open_campaigns(self) -> list[Campaign]:
        return [c for _, c in sorted(self.t.campaigns.items()) if c.is_open]

    async def add(self, *, name: str, source: CampaignSource, now: datetime) -> Campaign:
        campaign = Campaign(len(self.t.campaigns) + 1, name, source, True)
        self.t.campaigns[campaign.id] = campaign
        return campaign

    async def set_source(self, campaign_id: int, source: CampaignSource) -> None:
        self._change(campaign_id, source=source)

    async def set_feedback(self, campaign_id: int, day: date | None) -> None:
        self._change(campaign_id, feedback_on=day)

    async def set_lookback_auto(self, campaign_id: int, on: bool) -> None:
        self._change(campaign_id, lookback_auto=on)

    async def milestones(self, campaign_ids: Sequence[int]) -> list[MilestoneRecord]:
        return [r for (c, _), r in self.t.milestones.items() if c in campaign_ids]

    async def open_with_milestones(self) -> list[tuple[Campaign, list[MilestoneRecord]]]:
        return [(c, await self.milestones([c.id])) for c in await self.open_campaigns()]

    async def set_milestone_due(
        self, campaign_id: int, milestone: Milestone, due: date | None
    ) -> None:
        record = self._record(campaign_id, milestone)
        self.t.milestones[campaign_id, milestone] = replace(record, due_override=due)

    async def set_milestone_submitted(
        self, campaign_id: int, milestone: Milestone, on: date | None, by: int | None
    ) -> None:
        record = self._record(campaign_id, milestone)
        self.t.milestones[campaign_id, milestone] = replace(record, submitted_on=on)

    def _record(self, campaign_id: int, milestone: Milestone) -> MilestoneRecord:
        return self.t.milestones.get(
            (campaign_id, milestone), MilestoneRecord(campaign_id, milestone)
        )

    def _change(self, campaign_id: int, **values: Any) -> None:
        self.t.campaigns[campaign_id] = replace(self.t.campaigns[campaign_id], **values)


class FakeState:
    """`domain.ports.StateStore` in memory."""

    def __init__(self, tables: _Tables) -> None:
        self.t = tables

    async def get_state(self, key: str) -> str | None:
        return self.t.state.get(key)

    async def set_state(self, key: str, value: str) -> None:
        self.t.state[key] = value


class FakeAudit:
    """`domain.ports.AuditLog` in memory."""

    def __init__(self, tables: _Tables) -> None:
        self.t = tables

    async def record(
        self,
        *,
        at: datetime,
        actor_id: int | None,
        action: str,
        entity: str,
        entity_id: int | None,
        data: dict[str, Any] | None = None,
        actor_label: str | None = None,
    ) -> None:
        event = AuditEvent(
            len(self.t.audit) + 1, at, actor_id, actor_label, action, entity, entity_id, data or {}
        )
        self.t.audit.append(event)

    async def counts(self, action: str, since: datetime, until: datetime) -> dict[int, int]:
        return dict(
            Counter(
                e.entity_id
                for e in self.t.audit
                if e.action == action and since <= e.at < until and e.entity_id is not None
            )
        )

    async def for_entity(self, entity: str, ids: Iterable[int]) -> list[AuditEvent]:
        wanted = set(ids)
        return [e for e in self.t.audit if e.entity == entity and e.entity_id in wanted]


class FakePeople:
    """The reads of `domain.ports.PeopleRepository` the services with rules use."""

    def __init__(self, tables: _Tables) -> None:
        self.t = tables

    async def get(self, person_id: int) -> Person | None:
        return self.t.people.get(person_id)

    async def with_role(self, role: Role) -> list[Person]:
        return [p for p in self.t.people.values() if role in p.roles and p.active]

    async def by_ids(self, ids: Iterable[int]) -> list[Person]:
        return [self.t.people[i] for i in ids if i in self.t.people]

    async def search(self, fragment: str) -> list[Person]:
        return [p for p in self.t.people.values() if fragment in p.name]

    async def retire(self, person_id: int) -> None:
        self.t.people[person_id] = replace(self.t.people[person_id], active=False)


class FakeInvites:
    """The revoking part of `domain.ports.InviteRepository`."""

    def __init__(self, tables: _Tables) -> None:
        self.t = tables

    async def revoke_open(self, person_id: int, now: datetime) -> int:
        self.t.revoked_invites.append(person_id)
        return 1


class FakeTasks:
    """The single-task part of `domain.ports.TaskRepository` (views, plan fields, status)."""

    def __init__(self, tables: _Tables) -> None:
        self.t = tables

    async def view(self, task_id: int) -> TaskView | None:
        return self.t.tasks.get(task_id)

    async def id_by_number(self, campaign_id: int, number: str) -> int | None:
        found = (
            t.id
            for t in self.t.tasks.values()
            if (t.campaign_id, t.number) == (campaign_id, number)
        )
        return next(found, None)

    async def views_for_owner(self, owner_id: int) -> list[TaskView]:
        return [t for t in self.t.tasks.values() if t.owner_id == owner_id]

    async def views_for_campaign(self, campaign_id: int) -> list[TaskView]:
        return [t for t in self.t.tasks.values() if t.campaign_id == campaign_id]

    async def set_plan_fields(
        self, task_id: int, *, owner_id: int | None = None, due_on: date | None = None
    ) -> None:
        task = self.t.tasks[task_id]
        if owner_id is not None:
            owner = self.t.people[owner_id]
            task = replace(task, owner_id=owner_id, owner_name=owner.name)
        if due_on is not None:
            task = replace(task, due_on=due_on)
        self.t.tasks[task_id] = task

    async def change_status(
        self, task_id: int, *, expected: TaskStatus, status: TaskStatus, percent: int
    ) -> bool:
        task = self.t.tasks[task_id]
        if task.status != expected:
            return False
        self.t.tasks[task_id] = replace(task, status=status, percent=percent)
        return True

    async def set_closed_at(self, task_id: int, at: datetime | None) -> None:
        self.t.tasks[task_id] = replace(self.t.tasks[task_id], closed_at=at)

    async def mark_review_requested(self, task_id: int, at: datetime | None) -> None:
        self.t.review_requested[task_id] = at

    async def unclosed_in_problem(self, problem_id: int) -> int:
        return sum(
            t.problem_id == problem_id and t.status != TaskStatus.CLOSED
            for t in self.t.tasks.values()
        )


class FakeReports:
    """The reads of `domain.ports.ReportRepository` that review uses."""

    def __init__(self, tables: _Tables) -> None:
        self.t = tables

    async def for_task(self, task_id: int) -> list[Report]:
        return [r for r in self.t.reports if r.task_id == task_id]

    async def evidence_for_task(self, task_id: int) -> list[EvidenceRecord]:
        return []  # review's evidence forwarding is covered end to end


class FakeExtensions:
    """`domain.ports.ExtensionRepository` in memory."""

    def __init__(self, tables: _Tables) -> None:
        self.t = tables

    async def add(
        self,
        *,
        task_id: int,
        person_id: int,
        reason: str,
        old_due: date | None,
        requested_due: date,
        now: datetime,
    ) -> int:
        ext_id = len(self.t.extensions) + 1
        self.t.extensions[ext_id] = Extension(
            ext_id, task_id, person_id, reason, old_due, requested_due, now, None, None, None, None
        )
        return ext_id

    async def get(self, extension_id: int) -> Extension | None:
        return self.t.extensions.get(extension_id)

    async def open_for_task(self, task_id: int) -> Extension | None:
        return next(
            (e for e in self.t.extensions.values() if e.task_id == task_id and e.outcome is None),
            None,
        )

    async def decide(
        self,
        extension_id: int,
        *,
        outcome: str,
        decided_by: int,
        new_due: date | None,
        note: str | None,
        now: datetime,
    ) -> bool:
        ext = self.t.extensions[extension_id]
        if ext.outcome is not None:
            return False
        self.t.extensions[extension_id] = replace(
            ext, outcome=outcome, decided_by=decided_by, new_due=new_due, note=note
        )
        return True

    async def for_task(self, task_id: int) -> list[Extension]:
        return [e for e in self.t.extensions.values() if e.task_id == task_id]


class FakeOutbox:
    """The queueing part of `domain.ports.OutboxRepository`: one message per key."""

    def __init__(self, tables: _Tables) -> None:
        self.t = tables

    async def add(self, message: Outgoing, *, now: datetime, file_id: int | None) -> bool:
        if message.key in self.t.outbox:
            return False
        self.t.outbox[message.key] = message
        return True


class FakeUnitOfWork:
    """A unit of work over `_Tables`: writes stay only when committed."""

    def __init__(self, tables: _Tables) -> None:
        self.tables = tables
        self.campaigns = FakeCampaigns(tables)
        self.state = FakeState(tables)
        self.audit = FakeAudit(tables)
        self.people = FakePeople(tables)
        self.tasks = FakeTasks(tables)
        self.extensions = FakeExtensions(tables)
        self.outbox = FakeOutbox(tables)
        self.reports = FakeReports(tables)
        self.invites = FakeInvites(tables)
        self.commits = 0
        self._before: _Tables | None = None

    async def __aenter__(self) -> Self:
        self._before = copy.deepcopy(self.tables)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._before is not None:  # not committed: put everything back
            self.tables.__dict__.update(self._before.__dict__)
        self._before = None

    async def commit(self) -> None:
        self.commits += 1
        self._before = copy.deepcopy(self.tables)  # what a later rollback returns to


class FakeStore:
    """Shared tables and a factory of units of work over them (as `SqlUnitOfWork` per call)."""

    def __init__(self) -> None:
        self.tables = _Tables()

    def uow(self) -> UnitOfWork:
        # Only the faked ports exist; the cast states what the service under test may use.
        return cast(UnitOfWork, FakeUnitOfWork(self.tables))

    def campaign(self, name: str, **values: Any) -> Campaign:
        campaign = Campaign(len(self.tables.campaigns) + 1, name, CampaignSource.INSPECTION, True)
        campaign = replace(campaign, **values)
        self.tables.campaigns[campaign.id] = campaign
        return campaign

    def add_person(self, found: Person) -> Person:
        self.tables.people[found.id] = found
        return found

    def task(self, task_id: int, owner: Person, **values: Any) -> TaskView:
        """An open task of campaign 1 owned by `owner` (due 2026-12-31 unless given)."""
        view = TaskView(
            task_id, 1, f"1.{task_id}", 1, None, "推动重点项目落地不够有力", "制定推进清单",
            owner.unit_id or 1, owner.unit_name or "区发展改革委", owner.id, owner.name, None, None,
            TaskKind.BOUNDED, date(2026, 12, 31), TaskStatus.IN_PROGRESS, 40,
            datetime(2026, 11, 1, tzinfo=UTC), None,
        )  # fmt: skip
        self.tables.tasks[task_id] = replace(view, **values)
        return self.tables.tasks[task_id]

    def report(self, task: TaskView, author: Person, text: str = "已完成") -> Report:
        """A progress report on the task by `author`."""
        at = datetime(2026, 11, 20, tzinfo=UTC)
        found = Report(
            len(self.tables.reports) + 1, task.id, author.id, text, None, False,
            author.telegram_user_id or 0, 1, None, at, at, None, None, None,
        )  # fmt: skip
        self.tables.reports.append(found)
        return found


def person(person_id: int, *roles: Role, name: str = "高飞") -> Person:
    """A person holding the roles (bound, active)."""
    return Person(
        person_id, name, 1, "区委巡察办", frozenset(roles), 1000 + person_id, None, None, None,
        True, True,
    )  # fmt: skip
