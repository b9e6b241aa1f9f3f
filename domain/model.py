"""Domain entities, enums and the pure rules over them (no I/O)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from domain.texts import Phrase


class Role(StrEnum):
    """A role a person holds; a person may hold several."""

    ADMIN = "admin"
    COORDINATOR = "coordinator"
    LEADER = "leader"
    UNIT_HEAD = "unit_head"
    OFFICIAL = "official"
    LIAISON = "liaison"  # 联络员: reports for every measure of the unit


# The workbook's Chinese role names, as written in the 角色 column.
ROLE_NAMES_ZH: dict[str, Role] = {
    "管理员": Role.ADMIN,
    "协调员": Role.COORDINATOR,
    "领导": Role.LEADER,
    "单位负责人": Role.UNIT_HEAD,
    "责任人": Role.OFFICIAL,
    "联络员": Role.LIAISON,
}


def roles_zh(roles: Iterable[Role]) -> str:
    """The roles as the workbook writes them, in the template's order: "协调员、责任人"."""
    held = set(roles)
    return "、".join(zh for zh, role in ROLE_NAMES_ZH.items() if role in held)


class TaskKind(StrEnum):
    """立行立改 / 限期整改 / 长期推进."""

    IMMEDIATE = "immediate"
    BOUNDED = "bounded"
    LONG_TERM = "long_term"


KIND_NAMES_ZH: dict[str, TaskKind] = {
    "立行立改": TaskKind.IMMEDIATE,
    "限期整改": TaskKind.BOUNDED,
    "长期推进": TaskKind.LONG_TERM,
}


class TaskStatus(StrEnum):
    """Where a task stands in the 整改—审核—销号 loop."""

    OPEN = "open"
    IN_PROGRESS = "in_progress"
    PENDING_REVIEW = "pending_review"
    CLOSED = "closed"


class ReportKind(StrEnum):
    """The rectification report during the round (进展), or the final one (整改情况报告)."""

    PROGRESS = "progress"
    FINAL = "final"


class Light(StrEnum):
    """红黄绿灯."""

    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


class CampaignSource(StrEnum):
    """What kind of round a campaign follows."""

    INSPECTION = "inspection"
    AUDIT = "audit"
    SUPERVISION = "supervision"


@dataclass(frozen=True, slots=True)
class SheetPerson:
    """One row of the workbook's 人员 sheet, validated."""

    row: int
    name: str
    unit: str | None
    roles: frozenset[Role]
    telegram_username: str | None = None
    phone: str | None = None


@dataclass(frozen=True, slots=True)
class SheetTask:
    """One row of the workbook's 整改任务 sheet, validated."""

    row: int
    number: str
    category: str | None
    problem: str
    measure: str
    unit: str
    owner: str
    lead: str | None
    due_on: date | None
    kind: TaskKind
    supporting: tuple[str, ...] = ()  # 配合单位: see the measure, not counted for it


@dataclass(frozen=True, slots=True)
class RowError:
    """Why one cell (or row) of a workbook was rejected."""

    sheet: str
    row: int | None
    column: str | None
    reason: Phrase  # said in the reader's language where it is shown


@dataclass(frozen=True, slots=True)
class RoundInfo:
    """The workbook's optional 轮次 sheet: the round's source, feedback date and due dates."""

    source: CampaignSource | None = None
    feedback_on: date | None = None
    plan_due: date | None = None
    report_due: date | None = None


@dataclass(frozen=True, slots=True)
class Workbook:
    """A parsed, internally consistent import workbook."""

    people: tuple[SheetPerson, ...]
    tasks: tuple[SheetTask, ...]
    round: RoundInfo | None = None  # None when the file has no 轮次 sheet
    supporting_column: bool = False  # the file has 配合单位 (else re-import keeps them)


@dataclass(frozen=True, slots=True)
class ParsedProgress:
    """What a progress message says, as far as the parser can tell."""

    percent: int | None
    done: bool


@dataclass(frozen=True, slots=True)
class Person:
    """Someone who uses the bot; shared by all campaigns."""

    id: int
    name: str
    unit_id: int | None
    unit_name: str | None
    roles: frozenset[Role]
    telegram_user_id: int | None
    telegram_username: str | None
    phone: str | None
    language: str | None
    reachable: bool
    active: bool

    def has(self, *roles: Role) -> bool:
        """Tell whether the person holds any of the roles."""
        return any(r in self.roles for r in roles)


@dataclass(frozen=True, slots=True)
class Campaign:
    """One rectification round."""

    id: int
    name: str
    source: CampaignSource
    is_open: bool
    feedback_on: date | None = None  # the inspection's feedback (or audit report): clocks start
    lookback_auto: bool = False  # 回头看 started by the tick LOOKBACK_MONTHS after sign-off


class LookbackStatus(StrEnum):
    """Where a 回头看 check of a signed-off measure stands."""

    PENDING = "pending"
    HELD = "held"  # the rectification still holds
    SLIPPED = "slipped"  # it slipped back: the measure was reopened


@dataclass(frozen=True, slots=True)
class LookbackCheck:
    """One signed-off measure re-checked."""

    id: int
    campaign_id: int
    task_id: int
    status: LookbackStatus
    started_at: datetime
    started_by: int | None
    answered_at: datetime | None = None
    answered_by: int | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class TaskView:
    """A task with the names a reader needs, as loaded for display and rules."""

    id: int
    campaign_id: int
    number: str
    problem_id: int
    category: str | None
    problem: str
    measure: str
    unit_id: int
    unit_name: str
    owner_id: int
    owner_name: str
    lead_id: int | None
    lead_name: str | None
    kind: TaskKind
    due_on: date | None
    status: TaskStatus
    percent: int
    created_at: datetime
    last_update_at: datetime | None
    last_update_text: str | None = None
    closed_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class TaskLine:
    """What a reminder lists of a task: a slim `TaskView` for runs that list thousands."""

    id: int
    campaign_id: int
    position: int  # the ledger's order within the round
    number: str
    problem_id: int
    problem: str
    measure: str
    unit_id: int
    unit_name: str
    owner_id: int
    owner_name: str
    due_on: date | None
    percent: int


CLOSED_OR_WAITING = frozenset({TaskStatus.PENDING_REVIEW, TaskStatus.CLOSED})


def may_report_on(person: Person, task: TaskView) -> bool:
    """The owner reports on a task, and so does a liaison (联络员) of the task's unit."""
    if task.owner_id == person.id:
        return True
    return Role.LIAISON in person.roles and person.unit_id == task.unit_id


# ---------------------------------------------------------------- records the ports carry


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
    no_change: bool = False  # 本周无新进展: counts as reporting, keeps the percent
    batch_id: int | None = None  # one of several measures reported in one message


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
    not_saved: bool = False  # the download or the disk failed: the sender must resend it

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


@dataclass(frozen=True, slots=True)
class GradeRecord:
    """A unit's decided grade in a round."""

    campaign_id: int
    unit_id: int
    grade: str  # A, B or C
    proposed: str  # what the rule proposed when it was decided
    reason: str
    decided_by: int | None
    decided_at: datetime


@dataclass(frozen=True, slots=True)
class WeekKinds:
    """How the measures of a round were reported in a week."""

    progress: int  # measures with at least one report of real progress
    no_change: int  # measures whose reports all said "no change"


class Refusal(StrEnum):
    """Why an item of a multi-measure card will not be written."""

    NOT_REPORTABLE = "not_reportable"  # no such measure, or not the sender's to report on
    AMBIGUOUS = "ambiguous"  # the number names several measures
    NO_POSITION = "no_position"  # 第N项 beyond the check-in's list
    DUPLICATE = "duplicate"  # named twice on the card
    CLOSED = "closed"
    PENDING_REVIEW = "pending_review"
    DROPPED = "dropped"  # the sender left it out while fixing the card


@dataclass(frozen=True, slots=True)
class BatchItem:
    """One measure on a multi-measure card: what will be stored, or why it will not be."""

    label: str  # as the sender named it: 1.2, 第3项, 其余
    text: str
    percent: int | None
    done: bool
    no_change: bool
    task_id: int | None = None
    number: str | None = None
    title: str = ""
    current_percent: int | None = None  # the task's percent when the card was made
    refused: Refusal | None = None


@dataclass(frozen=True, slots=True)
class ReportBatch:
    """A message about several measures (or a "no change" tap), staged until confirmed."""

    id: int
    author_id: int
    chat_id: int
    message_id: int
    text: str
    items: tuple[BatchItem, ...]
    attachments: tuple[Attachment, ...]
    media_group_id: str | None
    status: str  # pending, confirmed, cancelled
    card_message_id: int | None
    created_at: datetime
    replaces_id: int | None = None


@dataclass(frozen=True, slots=True)
class OutgoingFile:
    """An attachment of a scheduled message."""

    name: str
    kind: str  # "photo" or "document"
    data: bytes
    remote_id: str | None = None  # a file Telegram already has: sent by id, no bytes


class Notice(StrEnum):
    """What an outbox message is when no scheduled run sends it (those are `rhythm.Kind`)."""

    ACK = "ack"  # "recorded" under a report sent while the bot was down
    REVIEW = "review"  # a sign-off request, decision or returned evidence
    EXTENSION = "extension"
    LOOKBACK = "lookback"
    REMIND = "remind"  # a coordinator's /remind
    REASSIGN = "reassign"
    SUMMONS = "summons"  # 履责约谈 after a C grade
    GAVE_UP = "gave_up"  # to coordinators: a message could not be delivered


class PromptKind(StrEnum):
    """What a ForceReply question asks; the reply to it is routed by this."""

    SEND_BACK = "send_back"  # the reason a measure is sent back
    EXTENSION_REASON = "extension_ask"  # the reason and date of an extension request
    EXTENSION_DATE = "extension_date"  # the coordinator's other date
    EXTENSION_NOTE = "extension_note"  # the coordinator's reason for refusing
    LOOKBACK_SLIPPED = "lookback_slipped"  # why a signed-off measure slipped back


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A scheduled message for one recipient, keyed so it is sent once."""

    key: str
    kind: StrEnum  # a `rhythm.Kind` or a `Notice`
    period: str
    chat_id: int
    parts: list[str]
    person_id: int | None = None
    buttons: list[list[tuple[str, str]]] | None = None  # (label, callback data)
    file: OutgoingFile | None = None
    task_ids: list[int] | None = None


@dataclass(frozen=True, slots=True)
class Delivery:
    """A claimed outbox row, ready for the sender."""

    id: int
    kind: str
    person_id: int | None
    chat_id: int
    parts: list[str]
    parts_sent: int
    buttons: list[list[tuple[str, str]]] | None
    file_id: int | None
    file_kind: str | None
    file_name: str | None
    file_remote_id: str | None
    task_ids: list[int]
    attempts: int
    created_at: datetime | None = None

    @property
    def total_parts(self) -> int:
        """Return the number of messages this delivery sends (text parts and the file)."""
        return len(self.parts) + (1 if self.file_id is not None else 0)


@dataclass(frozen=True, slots=True)
class SentPart:
    """A part of a delivery that Telegram accepted."""

    delivery_id: int
    parts_sent: int
    done: bool
    chat_id: int
    message_id: int
    task_id: int | None  # link the message to this task (a reply then reports on it)
    file_id: int | None
    remote_id: str | None  # Telegram's id of an uploaded file, reused for later sends


@dataclass(frozen=True, slots=True)
class Backlog:
    """The outbox as an operator watches it."""

    waiting: int
    oldest_due_at: datetime | None  # the longest-waiting message that may be sent now
    failed: int


@dataclass(frozen=True, slots=True)
class StagedImport:
    """An uploaded workbook waiting for the coordinator's Confirm or Cancel."""

    id: int
    person_id: int
    campaign_id: int | None
    campaign_name: str | None
    file_name: str
    data: bytes
    created_at: datetime
    outcome: str | None


@dataclass(frozen=True, slots=True)
class Prompt:
    """A ForceReply question the bot asked; the reply answers it."""

    id: int
    chat_id: int
    message_id: int
    person_id: int
    kind: PromptKind
    target_id: int
    answered: bool


@dataclass(frozen=True, slots=True)
class Extension:
    """A deadline extension request (申请延期) and its decision, if any."""

    id: int
    task_id: int
    person_id: int
    reason: str
    old_due: date | None
    requested_due: date
    created_at: datetime
    outcome: str | None
    new_due: date | None
    decided_by: int | None
    note: str | None


@dataclass(frozen=True, slots=True)
class EvidenceRecord:
    """A stored evidence file of a task, as the records (history, dossier) show it."""

    id: int
    task_id: int | None
    report_id: int
    author_id: int
    file_name: str
    mime_type: str | None
    size: int | None
    sha256: str | None
    stored_path: str | None
    created_at: datetime
    telegram_file_id: str | None = None  # resend without uploading again


# ---------------------------------------------------------------- records the ports carry


@dataclass(frozen=True, slots=True)
class NewReport:
    """A one-message report to store with its first part (reports arriving together)."""

    task_id: int
    author_id: int
    chat_id: int
    message_id: int
    at: datetime
    text: str
    percent: int | None
    done: bool
    previous: tuple[int, TaskStatus]  # the task's (percent, status) before it


@dataclass(frozen=True, slots=True)
class ProgressMove:
    """A task's progress after a report: written for many tasks at once."""

    task_id: int
    percent: int
    status: TaskStatus
    at: datetime


@dataclass(frozen=True, slots=True)
class NewAuditEvent:
    """An audit line to write (the log gives it its id)."""

    at: datetime
    actor_id: int | None
    action: str
    entity: str
    entity_id: int | None
    data: dict[str, Any]


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """One line of the append-only audit log."""

    id: int
    at: datetime
    actor_id: int | None
    actor_label: str | None
    action: str
    entity: str
    entity_id: int | None
    data: dict[str, Any]
