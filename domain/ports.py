"""The interfaces the domain needs from the outside world (storage, clock): protocols only.

The records they carry live in `domain.model`; `tests/fakes.py` holds in-memory versions.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol, Self

from domain.lights import LightThresholds
from domain.model import (
    Attachment,
    AuditEvent,
    Backlog,
    BatchItem,
    Campaign,
    CampaignSource,
    Delivery,
    EvidenceRecord,
    Extension,
    GradeRecord,
    InviteRecord,
    LookbackCheck,
    LookbackStatus,
    NewAuditEvent,
    NewReport,
    Outgoing,
    OutgoingFile,
    Person,
    PlannedTask,
    ProgressMove,
    Prompt,
    Report,
    ReportBatch,
    Role,
    SentPart,
    StagedImport,
    TaskLine,
    TaskStatus,
    TaskView,
    WeekKinds,
)

if TYPE_CHECKING:  # domain.records.board reads through these ports itself
    from domain.records.board import BoardCell, ProblemFigures
    from domain.rhythm.milestones import Milestone, MilestoneRecord


class Clock(Protocol):
    """Where "now" comes from (injected so tests can travel in time)."""

    def now(self) -> datetime:
        """Return the current aware datetime."""
        ...


class PeopleRepository(Protocol):
    async def get(self, person_id: int) -> Person | None: ...
    async def by_telegram_id(self, telegram_user_id: int) -> Person | None: ...
    async def by_telegram_ids(self, telegram_user_ids: Sequence[int]) -> dict[int, Person]:
        """The people bound to these Telegram accounts (retired ones too), by account id."""
        ...

    async def by_name(self, name: str) -> Person | None: ...
    async def search(self, fragment: str) -> list[Person]: ...
    async def with_role(self, role: Role) -> list[Person]: ...
    async def active(self) -> list[Person]: ...
    async def unit_names(self) -> list[str]: ...
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
    async def set_reachable(self, person_id: int, reachable: bool, now: datetime) -> bool:
        """Set the flag; True only when it changed (so the change is announced once)."""
        ...

    async def unreachable_count(self) -> int:
        """Active people linked to the bot who blocked it or whose account is gone."""
        ...

    async def retire(self, person_id: int) -> None: ...
    async def by_ids(self, ids: Iterable[int]) -> list[Person]: ...


class InviteRepository(Protocol):
    async def add(
        self, *, person_id: int, code_hash: str, now: datetime, expires_at: datetime
    ) -> None: ...
    async def revoke_open(self, person_id: int, now: datetime) -> int: ...
    async def by_hash(self, code_hash: str) -> InviteRecord | None: ...
    async def mark_used(self, invite_id: int, now: datetime) -> bool:
        """Spend an unused invite; False when it was used already (two taps of one link)."""
        ...


class CampaignRepository(Protocol):
    async def by_name(self, name: str) -> Campaign | None: ...
    async def get(self, campaign_id: int) -> Campaign | None: ...
    async def open_campaigns(self) -> list[Campaign]: ...
    async def add(self, *, name: str, source: CampaignSource, now: datetime) -> Campaign: ...
    async def set_source(self, campaign_id: int, source: CampaignSource) -> None: ...
    async def set_feedback(self, campaign_id: int, day: date | None) -> None: ...
    async def set_lookback_auto(self, campaign_id: int, on: bool) -> None: ...
    async def milestones(self, campaign_ids: Sequence[int]) -> list[MilestoneRecord]: ...
    async def open_with_milestones(self) -> list[tuple[Campaign, list[MilestoneRecord]]]:
        """The open rounds with their stored milestones, in one query (the tick's)."""
        ...

    async def set_milestone_due(
        self, campaign_id: int, milestone: Milestone, due: date | None
    ) -> None: ...
    async def set_milestone_submitted(
        self, campaign_id: int, milestone: Milestone, on: date | None, by: int | None
    ) -> None: ...


class GradeRepository(Protocol):
    """Units' grades at the end of a round."""

    async def for_campaign(self, campaign_id: int) -> list[GradeRecord]: ...
    async def set(
        self,
        *,
        campaign_id: int,
        unit_id: int,
        grade: str,
        proposed: str,
        reason: str,
        by: int | None,
        at: datetime,
    ) -> None: ...


class SupportRepository(Protocol):
    """Supporting units (配合单位) of measures."""

    async def replace(self, campaign_id: int, by_number: dict[str, list[int]]) -> None:
        """Make the round's supporting units exactly these (task number -> unit ids)."""
        ...

    async def names_for(self, task_ids: Sequence[int]) -> dict[int, list[str]]:
        """The supporting units' names of these tasks (tasks without any are left out)."""
        ...

    async def units_of(self, task_ids: Sequence[int]) -> dict[int, list[int]]:
        """The supporting units' ids of these tasks (tasks without any are left out)."""
        ...

    async def names_in_campaign(self, campaign_id: int) -> dict[int, list[str]]:
        """Every supported task of the round with its supporting units' names."""
        ...

    async def supported_by(self, campaign_id: int, unit_id: int) -> list[int]:
        """The ids of the round's tasks the unit supports, in the ledger's order."""
        ...


class LookbackRepository(Protocol):
    """回头看 checks of signed-off measures."""

    async def add(
        self, *, campaign_id: int, task_ids: Sequence[int], started_by: int | None, now: datetime
    ) -> list[LookbackCheck]: ...
    async def get(self, check_id: int) -> LookbackCheck | None: ...
    async def for_campaign(self, campaign_id: int) -> list[LookbackCheck]: ...
    async def answer(
        self, check_id: int, *, status: LookbackStatus, by: int, at: datetime, note: str
    ) -> bool:
        """Record the answer if the check is still pending; False when someone answered first."""
        ...


class ListOrder(StrEnum):
    """How a paged list of tasks is sorted (ties: the ledger's order)."""

    LEDGER = "ledger"  # the round's own order (序号 as imported)
    DUE = "due"  # earliest deadline first (then the ledger's order)
    UNIT_OWNER = "unit_owner"  # by unit, then official
    URGENT = "urgent"  # earliest deadline first, then 序号 (digest and bulletin lists)


@dataclass(frozen=True, slots=True)
class TaskQuery:
    """Which tasks of a round a list shows, and in which order; storage runs it in SQL.

    The round, or every open round when `campaign_id` is None (the tick's runs). The scope
    comes next: everything, or the tasks of `unit_id` or led by `lead_id`. Then every filter
    given must hold.
    """

    campaign_id: int | None
    everything: bool = True
    unit_id: int | None = None
    lead_id: int | None = None
    overdue_on: date | None = None  # past the deadline on this day, not signed off
    silent_since: datetime | None = None  # open or in progress, no report since (made before)
    status: TaskStatus | None = None
    of_unit: int | None = None
    supported: bool = False  # only measures with supporting units (配合单位)
    of_owner: int | None = None
    needs_report: bool = False  # open or in progress (`domain.rhythm.digest.needs_report`)
    due_on: date | None = None  # this very deadline
    created_before: datetime | None = None
    no_report_since: datetime | None = None  # never reported, or last before this
    not_reported_in: tuple[datetime, datetime] | None = None  # no latest report in [from, to)
    red_at: LightThresholds | None = None  # red by `domain.lights.light_of` at these thresholds
    owner_in: tuple[int, ...] | None = None  # owned by one of these (a batch of a long run)
    order: ListOrder = ListOrder.LEDGER


class TaskRepository(Protocol):
    async def count(self, query: TaskQuery) -> int:
        """How many tasks the query selects (one statement)."""
        ...

    async def page(self, query: TaskQuery, *, limit: int, offset: int) -> list[TaskView]:
        """One page of the query's tasks, in its order (ids, then their views)."""
        ...

    async def matching(self, query: TaskQuery) -> list[TaskView]:
        """Every task of the query, in its order, without the latest report's text.

        For the tick's runs, which list what they select but never show the latest report.
        """
        ...

    async def lines(self, query: TaskQuery) -> list[TaskLine]:
        """What reminders list of the query's tasks, in its order (a few columns per task)."""
        ...

    def lines_by_owner(self, query: TaskQuery) -> AsyncIterator[list[TaskLine]]:
        """Each owner's lines of the query (ledger order), streamed one owner at a time."""
        ...

    async def numbers_by_owner(self, query: TaskQuery) -> list[tuple[str, str, list[str]]]:
        """(official, unit, 序号 in ledger order) of the query's tasks, by unit then official."""
        ...

    async def views_of(self, ids: Sequence[int]) -> list[TaskView]:
        """The views of these tasks, in the order given (unknown ids left out)."""
        ...

    async def review_requests(self, query: TaskQuery) -> dict[int, datetime]:
        """When sign-off was asked, for the query's tasks that are waiting for it."""
        ...

    async def due_before(self, query: TaskQuery, day: date) -> dict[str, int]:
        """How many of the query's tasks per unit name had a deadline before `day`."""
        ...

    async def units_in(self, query: TaskQuery) -> list[tuple[int, str]]:
        """The distinct units (id, name) of the query's tasks (one statement)."""
        ...

    async def owners_in(self, query: TaskQuery) -> list[tuple[int, str]]:
        """The distinct owners (id, name) of the query's tasks (one statement)."""
        ...

    async def board_cells(self, query: TaskQuery, at: LightThresholds) -> list[BoardCell]:
        """The query's measures counted by unit, status, kind, light and overdue (one query)."""
        ...

    async def problem_figures(self, query: TaskQuery) -> ProblemFigures:
        """The query's problems, and those with every measure in it signed off (one query)."""
        ...

    async def problem_ids(
        self, campaign_id: int, problems: Sequence[tuple[str | None, str]]
    ) -> dict[tuple[str | None, str], int]:
        """The ids of these (category, title) problems, the missing ones added in bulk.

        A new problem's position is its place among `problems` (first appearance).
        """
        ...

    async def id_by_number(self, campaign_id: int, number: str) -> int | None: ...
    async def add_many(
        self, *, campaign_id: int, plans: Sequence[PlannedTask], now: datetime
    ) -> None:
        """Add open tasks by their plans, in bulk."""
        ...

    async def replan_many(self, plans: Sequence[tuple[int, PlannedTask]]) -> None:
        """Change tasks' plans (never their progress), in bulk."""
        ...

    async def view(self, task_id: int) -> TaskView | None: ...
    async def views_for_owner(self, owner_id: int) -> list[TaskView]: ...
    async def reportable_views(self, person_id: int, unit_id: int | None) -> list[TaskView]: ...
    async def reportable_of_owners(self, owner_ids: Sequence[int]) -> dict[int, list[TaskView]]:
        """`reportable_views` of many owners at once (their own tasks only), by owner id."""
        ...

    async def views_for_campaign(self, campaign_id: int) -> list[TaskView]: ...
    async def unclosed_in_problem(self, problem_id: int) -> int:
        """How many measures of the problem are not signed off (0: the problem is rectified)."""
        ...

    async def near_deadlines(self, first: date, last: date) -> set[date]:
        """The distinct deadlines of open rounds within [first, last] (not one per task)."""
        ...

    async def mark_review_requested(self, task_id: int, at: datetime | None) -> None: ...
    async def set_progress(
        self,
        task_id: int,
        *,
        percent: int,
        status: TaskStatus,
        last_update_at: datetime | None,
    ) -> None: ...
    async def set_progress_many(self, moves: Sequence[ProgressMove]) -> None:
        """`set_progress` of many tasks in one statement."""
        ...

    async def link_message(
        self, *, chat_id: int, message_id: int, task_id: int, now: datetime
    ) -> None: ...
    async def link_messages(self, links: Sequence[tuple[int, int, int]], now: datetime) -> None:
        """Link many (chat_id, message_id, task_id) at once; a later link of a message wins."""

    async def task_for_message(self, chat_id: int, message_id: int) -> int | None: ...
    async def set_closed_at(self, task_id: int, at: datetime | None) -> None: ...
    async def change_status(
        self, task_id: int, *, expected: TaskStatus, status: TaskStatus, percent: int
    ) -> bool:
        """Move the task from `expected`; False when its status differed (someone was first)."""
        ...

    async def set_plan_fields(
        self, task_id: int, *, owner_id: int | None = None, due_on: date | None = None
    ) -> None: ...


class ReportRepository(Protocol):
    async def add(
        self,
        *,
        task_id: int | None,
        author_id: int,
        chat_id: int,
        message_id: int,
        now: datetime,
        text: str = "",
        percent: int | None = None,
        done: bool = False,
        previous: tuple[int, TaskStatus] | None = None,
    ) -> Report:
        """Start a report; `previous` is its task's (percent, status) before it."""
        ...

    async def get(self, report_id: int) -> Report | None: ...
    async def save(self, report: Report) -> None: ...
    async def set_acks(self, acks: Sequence[tuple[int, int]]) -> None:
        """Record many (report_id, ack message_id) at once."""

    async def report_for_message(self, chat_id: int, message_id: int) -> int | None: ...
    async def add_many(self, reports: Sequence[NewReport]) -> list[Report]:
        """Store one-message reports (each message once) with their parts, in bulk; same order."""
        ...

    async def known_messages(self, messages: Sequence[tuple[int, int]]) -> set[tuple[int, int]]:
        """Which of these (chat_id, message_id) are already part of a report."""
        ...

    async def recent_chats(
        self, author_ids: Sequence[int], since: datetime
    ) -> set[tuple[int, int]]:
        """(author_id, chat_id) of reports not withdrawn with a part since `since`."""
        ...

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
    async def for_task(self, task_id: int) -> list[Report]: ...
    async def add_evidence(
        self, *, report: Report, attachment: Attachment, now: datetime
    ) -> None: ...
    async def evidence_count(self, report_id: int) -> int: ...
    async def count_in_campaign(self, campaign_id: int) -> int:
        """How many reports (not withdrawn) the round's measures received."""
        ...

    async def attach_evidence(self, report_id: int, task_id: int) -> None: ...
    async def evidence_for_task(self, task_id: int) -> list[EvidenceRecord]: ...
    async def week_kinds(self, campaign_id: int, since: datetime, until: datetime) -> WeekKinds: ...
    async def stalled(self, campaign_id: int, since: datetime) -> list[int]: ...


class BatchRepository(Protocol):
    async def add(
        self,
        *,
        author_id: int,
        chat_id: int,
        message_id: int,
        text: str,
        items: Sequence[BatchItem],
        media_group_id: str | None,
        replaces_id: int | None,
        now: datetime,
    ) -> ReportBatch: ...
    async def get(self, batch_id: int) -> ReportBatch | None: ...
    async def for_message(self, chat_id: int, message_id: int) -> ReportBatch | None: ...
    async def for_media_group(self, author_id: int, media_group_id: str) -> ReportBatch | None: ...
    async def set_items(self, batch_id: int, items: Sequence[BatchItem]) -> None: ...
    async def add_attachment(self, batch_id: int, attachment: Attachment) -> None: ...
    async def set_card(self, batch_id: int, message_id: int) -> None: ...
    async def decide(self, batch_id: int, status: str, now: datetime) -> bool:
        """Settle a staged card; False when it was settled already (a second tap)."""
        ...

    async def reports_of(self, batch_id: int) -> list[Report]: ...


class OutboxRepository(Protocol):
    async def add(self, message: Outgoing, *, now: datetime, file_id: int | None) -> bool:
        """Queue a message; False when its key was queued before (nothing is added twice)."""
        ...

    async def add_many(
        self, messages: Sequence[tuple[Outgoing, int | None]], *, now: datetime
    ) -> int:
        """Add the messages (with their file ids) whose keys are new, in bulk; return how many."""
        ...

    async def latest_task_ids(self, person_id: int, kinds: Sequence[str]) -> list[int]: ...
    async def add_file(self, file: OutgoingFile, *, now: datetime) -> int: ...
    async def claim(
        self, *, now: datetime, stale_before: datetime, limit: int
    ) -> list[Delivery]: ...
    async def record_sent(self, parts: Sequence[SentPart], now: datetime) -> None: ...
    async def retry_later(self, delivery_id: int, *, not_before: datetime, error: str) -> None: ...
    async def failed(self, delivery_id: int, error: str) -> None: ...
    async def move_chat(self, delivery_id: int, chat_id: int) -> None: ...
    async def file_data(self, file_id: int) -> bytes: ...
    async def set_file_remote_id(self, file_id: int, remote_id: str) -> None: ...
    async def backlog(self, now: datetime) -> Backlog:
        """What waits to be sent: how many messages, the oldest due one's age, how many failed."""
        ...


class RunLog(Protocol):
    """Scheduled runs done, missed or failed, and the tick's lock."""

    async def run_status(self, kind: str, period: str) -> str | None: ...

    async def recorded_runs(self, runs: Sequence[tuple[str, str]]) -> set[tuple[str, str]]:
        """Which of these (kind, period) runs are recorded (done, missed or failed): one query."""
        ...

    async def record_run(
        self,
        *,
        kind: str,
        period: str,
        due_at: datetime,
        status: str,
        now: datetime,
        recipients: int,
    ) -> None: ...

    async def claim_tick(self) -> bool:
        """Take the tick for this transaction; False when another process is ticking.

        Several processes may share one database; exactly one runs each tick.
        """
        ...


class StateStore(Protocol):
    """Small named values the rhythm keeps between ticks."""

    async def get_state(self, name: str) -> str | None: ...

    async def set_state(self, name: str, value: str) -> None: ...


class SnapshotStore(Protocol):
    """The board's figures as they stood at the end of each period."""

    async def snapshot(self, campaign_id: int, period: str) -> dict[str, Any] | None: ...

    async def latest_snapshot_before(
        self, campaign_id: int, period_prefix: str, period: str
    ) -> dict[str, Any] | None: ...

    async def snapshots_like(self, campaign_id: int, period_prefix: str) -> list[dict[str, Any]]:
        """The snapshots whose period starts with the prefix, in period order."""
        ...

    async def save_snapshot(
        self, campaign_id: int, period: str, figures: dict[str, Any], now: datetime
    ) -> None: ...


class ChatMigrations(Protocol):
    """Groups that became supergroups: old chat id to new."""

    async def record_migration(self, old_chat_id: int, new_chat_id: int, now: datetime) -> None: ...

    async def chat_for(self, chat_id: int) -> int: ...


class UpdateInbox(Protocol):
    """Incoming updates kept until handled (at-least-once intake)."""

    async def store_update(self, update_id: int, payload: dict[str, Any], now: datetime) -> bool:
        """Keep an incoming update until handled; False when it was stored before."""
        ...

    async def store_updates(
        self, updates: Sequence[tuple[int, dict[str, Any]]], now: datetime
    ) -> set[int]: ...

    async def update_done(self, update_id: int) -> bool:
        """Tell whether the update was handled already (a redelivery to skip)."""
        ...

    async def mark_updates_done(self, update_ids: Sequence[int], now: datetime) -> None:
        """Mark the updates handled and drop their payloads, in one statement."""

    async def pending_updates(self) -> list[dict[str, Any]]: ...

    async def take_orphans(self, stored_before: datetime, now: datetime) -> list[dict[str, Any]]:
        """Take the unhandled updates stored before `stored_before` (their process died).

        Taking re-stamps them with `now`, in one statement, so that of several processes
        sweeping at once only one gets each update.
        """
        ...

    async def forget_updates_before(self, moment: datetime) -> None: ...


class StagingRepository(Protocol):
    async def add(
        self,
        *,
        person_id: int,
        campaign_id: int | None,
        campaign_name: str | None,
        file_name: str,
        data: bytes,
        now: datetime,
    ) -> int: ...
    async def get(self, staged_id: int) -> StagedImport | None: ...
    async def decide(self, staged_id: int, outcome: str, now: datetime) -> bool:
        """Settle a staged import; False when it was settled already (confirmed or expired)."""
        ...

    async def expire_before(self, moment: datetime, now: datetime) -> int: ...


class PromptRepository(Protocol):
    async def add(
        self,
        *,
        chat_id: int,
        message_id: int,
        person_id: int,
        kind: str,
        target_id: int,
        now: datetime,
    ) -> None: ...
    async def for_message(self, chat_id: int, message_id: int) -> Prompt | None: ...
    async def answer(self, prompt_id: int, now: datetime) -> bool:
        """Mark the question answered; False when it was answered already."""
        ...


class ExtensionRepository(Protocol):
    async def add(
        self,
        *,
        task_id: int,
        person_id: int,
        reason: str,
        old_due: date | None,
        requested_due: date,
        now: datetime,
    ) -> int: ...
    async def get(self, extension_id: int) -> Extension | None: ...
    async def open_for_task(self, task_id: int) -> Extension | None: ...
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
        """Decide a pending request; False when it was decided already (two coordinators)."""
        ...

    async def for_task(self, task_id: int) -> list[Extension]: ...
    async def granted_in_campaign(self, campaign_id: int) -> dict[int, list[Extension]]:
        """The approved extensions of a round's tasks, by task id, oldest first."""
        ...


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
    async def record_many(self, events: Sequence[NewAuditEvent]) -> None:
        """Write many lines in one statement."""
        ...

    async def counts(self, action: str, since: datetime, until: datetime) -> dict[int, int]:
        """How often each entity id met `action` in [since, until)."""
        ...

    async def for_entity(self, entity: str, ids: Iterable[int]) -> list[AuditEvent]: ...


class UnitOfWork(Protocol):
    """One transaction; rolled back on exit unless committed."""

    @property
    def people(self) -> PeopleRepository: ...
    @property
    def invites(self) -> InviteRepository: ...
    @property
    def campaigns(self) -> CampaignRepository: ...
    @property
    def lookbacks(self) -> LookbackRepository: ...
    @property
    def grades(self) -> GradeRepository: ...
    @property
    def supports(self) -> SupportRepository: ...
    @property
    def tasks(self) -> TaskRepository: ...
    @property
    def reports(self) -> ReportRepository: ...
    @property
    def audit(self) -> AuditLog: ...
    @property
    def outbox(self) -> OutboxRepository: ...
    @property
    def runs(self) -> RunLog: ...
    @property
    def state(self) -> StateStore: ...
    @property
    def snapshots(self) -> SnapshotStore: ...
    @property
    def chats(self) -> ChatMigrations: ...
    @property
    def inbox(self) -> UpdateInbox: ...
    @property
    def staging(self) -> StagingRepository: ...
    @property
    def prompts(self) -> PromptRepository: ...
    @property
    def extensions(self) -> ExtensionRepository: ...
    @property
    def batches(self) -> BatchRepository: ...

    def savepoint(self) -> AbstractAsyncContextManager[object]:
        """A nested transaction: an exception inside undoes only what was done inside."""
        ...

    async def __aenter__(self) -> Self: ...
    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    async def commit(self) -> None: ...
    async def rollback(self) -> None: ...
