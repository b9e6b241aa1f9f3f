"""The interfaces the domain needs from the outside world (storage, clock, files)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from types import TracebackType
from typing import Any, Protocol, Self

from domain.model import Campaign, CampaignSource, Person, Role, TaskKind, TaskStatus, TaskView


class Clock(Protocol):
    """Where "now" comes from (injected so tests can travel in time)."""

    def now(self) -> datetime:
        """Return the current aware datetime."""
        ...


@dataclass(frozen=True, slots=True)
class InviteRecord:
    """A stored invite (the code itself is never stored)."""

    id: int
    person_id: int
    expires_at: datetime
    used_at: datetime | None
    revoked_at: datetime | None


@dataclass(slots=True)
class Report:
    """A progress report: one or more chat messages, maybe not yet tied to a task."""

    id: int
    task_id: int | None
    author_id: int
    text: str
    percent: int | None
    done: bool
    chat_id: int
    message_id: int
    ack_message_id: int | None
    created_at: datetime
    last_part_at: datetime
    withdrawn_at: datetime | None
    previous_percent: int | None
    previous_status: TaskStatus | None


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file that came with a report, already fetched (or found too big to fetch)."""

    file_id: str
    file_unique_id: str
    file_name: str
    mime_type: str | None
    size: int | None
    sha256: str | None
    stored_path: str | None

    @property
    def fetched(self) -> bool:
        """Tell whether the file itself was downloaded and stored."""
        return self.stored_path is not None


@dataclass(frozen=True, slots=True)
class PlannedTask:
    """The planning fields of a task, as an import sets them."""

    number: str
    position: int
    problem_id: int
    measure: str
    unit_id: int
    owner_id: int
    lead_id: int | None
    kind: TaskKind
    due_on: date | None


class PeopleRepository(Protocol):
    async def get(self, person_id: int) -> Person | None: ...
    async def by_telegram_id(self, telegram_user_id: int) -> Person | None: ...
    async def by_name(self, name: str) -> Person | None: ...
    async def search(self, fragment: str) -> list[Person]: ...
    async def with_role(self, role: Role) -> list[Person]: ...
    async def active(self) -> list[Person]: ...
    async def unit_id(self, name: str) -> int: ...
    async def add(
        self,
        *,
        name: str,
        unit_id: int | None,
        roles: Iterable[Role],
        phone: str | None,
        telegram_username: str | None,
        now: datetime,
    ) -> Person: ...
    async def update(
        self,
        person_id: int,
        *,
        unit_id: int | None,
        add_roles: Iterable[Role],
        phone: str | None,
        telegram_username: str | None,
    ) -> None: ...
    async def bind(self, person_id: int, telegram_user_id: int, username: str | None) -> None: ...
    async def unbind(self, telegram_user_id: int) -> None: ...
    async def set_language(self, person_id: int, language: str) -> None: ...


class InviteRepository(Protocol):
    async def add(
        self, *, person_id: int, code_hash: str, now: datetime, expires_at: datetime
    ) -> None: ...
    async def revoke_open(self, person_id: int, now: datetime) -> int: ...
    async def by_hash(self, code_hash: str) -> InviteRecord | None: ...
    async def mark_used(self, invite_id: int, now: datetime) -> None: ...


class CampaignRepository(Protocol):
    async def by_name(self, name: str) -> Campaign | None: ...
    async def get(self, campaign_id: int) -> Campaign | None: ...
    async def open_campaigns(self) -> list[Campaign]: ...
    async def add(self, *, name: str, source: CampaignSource, now: datetime) -> Campaign: ...


class TaskRepository(Protocol):
    async def problem_id(
        self, *, campaign_id: int, category: str | None, title: str, position: int
    ) -> int: ...
    async def id_by_number(self, campaign_id: int, number: str) -> int | None: ...
    async def add(self, *, campaign_id: int, plan: PlannedTask, now: datetime) -> int: ...
    async def replan(self, task_id: int, plan: PlannedTask) -> None: ...
    async def view(self, task_id: int) -> TaskView | None: ...
    async def views_for_owner(self, owner_id: int) -> list[TaskView]: ...
    async def views_for_campaign(self, campaign_id: int) -> list[TaskView]: ...
    async def set_progress(
        self,
        task_id: int,
        *,
        percent: int,
        status: TaskStatus,
        last_update_at: datetime | None,
    ) -> None: ...
    async def link_message(
        self, *, chat_id: int, message_id: int, task_id: int, now: datetime
    ) -> None: ...
    async def task_for_message(self, chat_id: int, message_id: int) -> int | None: ...


class ReportRepository(Protocol):
    async def add(
        self,
        *,
        task_id: int | None,
        author_id: int,
        chat_id: int,
        message_id: int,
        now: datetime,
    ) -> Report: ...
    async def get(self, report_id: int) -> Report | None: ...
    async def save(self, report: Report) -> None: ...
    async def report_for_message(self, chat_id: int, message_id: int) -> int | None: ...
    async def add_part(
        self,
        *,
        report_id: int,
        chat_id: int,
        message_id: int,
        media_group_id: str | None,
        text: str,
        now: datetime,
    ) -> None: ...
    async def set_part_text(self, chat_id: int, message_id: int, text: str) -> None: ...
    async def part_texts(self, report_id: int) -> list[str]: ...
    async def mergeable(
        self, *, author_id: int, chat_id: int, since: datetime, media_group_id: str | None
    ) -> Report | None: ...
    async def latest_for_task(self, task_id: int) -> Report | None: ...
    async def add_evidence(
        self, *, report: Report, attachment: Attachment, now: datetime
    ) -> None: ...
    async def evidence_count(self, report_id: int) -> int: ...
    async def attach_evidence(self, report_id: int, task_id: int) -> None: ...


class AuditLog(Protocol):
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
    ) -> None: ...


class UnitOfWork(Protocol):
    """One transaction; rolled back on exit unless committed."""

    @property
    def people(self) -> PeopleRepository: ...
    @property
    def invites(self) -> InviteRepository: ...
    @property
    def campaigns(self) -> CampaignRepository: ...
    @property
    def tasks(self) -> TaskRepository: ...
    @property
    def reports(self) -> ReportRepository: ...
    @property
    def audit(self) -> AuditLog: ...

    async def __aenter__(self) -> Self: ...
    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    async def commit(self) -> None: ...
    async def rollback(self) -> None: ...
