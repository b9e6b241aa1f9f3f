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
from datetime import date, datetime
from types import TracebackType
from typing import Any, Self, cast

from domain.model import AuditEvent, Campaign, CampaignSource, Person, Role
from domain.ports import UnitOfWork
from domain.rhythm.milestones import Milestone, MilestoneRecord


@dataclass
class _Tables:
    """Everything the fakes store; copied on entry so a rollback is a restore."""

    campaigns: dict[int, Campaign] = field(default_factory=dict)
    milestones: dict[tuple[int, Milestone], MilestoneRecord] = field(default_factory=dict)
    state: dict[str, str] = field(default_factory=dict)
    audit: list[AuditEvent] = field(default_factory=list)


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


class FakeUnitOfWork:
    """A unit of work over `_Tables`: writes stay only when committed."""

    def __init__(self, tables: _Tables) -> None:
        self.tables = tables
        self.campaigns = FakeCampaigns(tables)
        self.state = FakeState(tables)
        self.audit = FakeAudit(tables)
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


def person(person_id: int, *roles: Role, name: str = "高飞") -> Person:
    """A person holding the roles (bound, active)."""
    return Person(
        person_id, name, 1, "区委巡察办", frozenset(roles), 1000 + person_id, None, None, None,
        True, True,
    )  # fmt: skip
