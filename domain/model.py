"""Domain entities, enums and the pure rules over them (no I/O)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

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
class PersonRow:
    """One row of the workbook's 人员 sheet, validated."""

    row: int
    name: str
    unit: str | None
    roles: frozenset[Role]
    telegram_username: str | None = None
    phone: str | None = None


@dataclass(frozen=True, slots=True)
class TaskRow:
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

    people: tuple[PersonRow, ...]
    tasks: tuple[TaskRow, ...]
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
