"""SQLAlchemy 2 mappings of the rectibot schema."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from domain.model import CampaignSource, LookbackStatus, PromptKind, TaskKind, TaskStatus
from domain.records.grading import Grade

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def one_of(column: str, values: Iterable[str]) -> CheckConstraint:
    """A CHECK that the column holds one of the values (named ck_<table>_<column>)."""
    return CheckConstraint(f"{column} IN ({', '.join(repr(str(v)) for v in values)})", name=column)


EXTENSION_OUTCOMES = ("approved", "refused")
IMPORT_OUTCOMES = ("confirmed", "cancelled", "expired")


class TZDateTime(TypeDecorator[datetime]):
    """Aware datetimes stored as UTC; SQLite would otherwise drop the offset."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base with named constraints (Alembic needs the names)."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class CampaignRow(Base):
    __tablename__ = "campaigns"
    __table_args__ = (one_of("source", CampaignSource),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    source: Mapped[str] = mapped_column(String(20))
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(TZDateTime)
    feedback_on: Mapped[date | None] = mapped_column(Date)
    # 回头看 of measures signed off LOOKBACK_MONTHS ago, started by the tick (off by default).
    lookback_auto: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class MilestoneRow(Base):
    """A round's milestone (plan, report): a date set by hand and when it was submitted."""

    __tablename__ = "milestones"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), primary_key=True)
    milestone: Mapped[str] = mapped_column(String(20), primary_key=True)
    due_override: Mapped[date | None] = mapped_column(Date)
    submitted_on: Mapped[date | None] = mapped_column(Date)
    submitted_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))


class LookbackRow(Base):
    """One closed measure re-checked (回头看): does its rectification still hold?"""

    __tablename__ = "lookbacks"
    __table_args__ = (
        Index("ix_lookbacks_task", "task_id", "status"),
        one_of("status", LookbackStatus),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"))
    status: Mapped[str] = mapped_column(String(20))  # pending, held, slipped
    started_at: Mapped[datetime] = mapped_column(TZDateTime)
    started_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    answered_at: Mapped[datetime | None] = mapped_column(TZDateTime)
    answered_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    note: Mapped[str] = mapped_column(Text, default="")


class GradeRow(Base):
    """A unit's grade at the end of a round (A/B/C), as the coordinator decided it."""

    __tablename__ = "grades"
    __table_args__ = (one_of("grade", Grade),)

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)
    grade: Mapped[str] = mapped_column(String(1))
    proposed: Mapped[str] = mapped_column(String(1))
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    decided_at: Mapped[datetime] = mapped_column(TZDateTime)


class TaskSupportRow(Base):
    """A supporting unit (配合单位) of a measure: it sees the measure, is not counted for it."""

    __tablename__ = "task_supports"

    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True, index=True)


class UnitRow(Base):
    __tablename__ = "units"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)


class PersonRow(Base):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    telegram_user_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    telegram_username: Mapped[str | None] = mapped_column(String(64))
    phone: Mapped[str | None] = mapped_column(String(32))
    language: Mapped[str | None] = mapped_column(String(8))
    reachable: Mapped[bool] = mapped_column(Boolean, default=True)
    unreachable_since: Mapped[datetime | None] = mapped_column(TZDateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(TZDateTime)


class PersonRoleRow(Base):
    __tablename__ = "person_roles"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(20), primary_key=True)


class InviteRow(Base):
    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    # Only a hash is kept: a copy of the database does not hand out working links.
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(TZDateTime)
    expires_at: Mapped[datetime] = mapped_column(TZDateTime)
    used_at: Mapped[datetime | None] = mapped_column(TZDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(TZDateTime)


class ProblemRow(Base):
    __tablename__ = "problems"
    __table_args__ = (UniqueConstraint("campaign_id", "category", "title"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    category: Mapped[str | None] = mapped_column(String(500))
    title: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer)


class TaskRow(Base):
    __tablename__ = "tasks"
    __table_args__ = (
        UniqueConstraint("campaign_id", "number"),
        Index("ix_tasks_due_on", "due_on", "campaign_id"),
        Index("ix_tasks_campaign_due", "campaign_id", "due_on", "status"),
        Index("ix_tasks_ledger", "campaign_id", "position"),
        one_of("status", TaskStatus),
        one_of("kind", TaskKind),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    problem_id: Mapped[int] = mapped_column(ForeignKey("problems.id"), index=True)
    number: Mapped[str] = mapped_column(String(50))
    position: Mapped[int] = mapped_column(Integer)
    measure: Mapped[str] = mapped_column(Text)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    kind: Mapped[str] = mapped_column(String(20))
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20))
    percent: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(TZDateTime)
    last_update_at: Mapped[datetime | None] = mapped_column(TZDateTime)
    review_requested_at: Mapped[datetime | None] = mapped_column(TZDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(TZDateTime)


class ProgressUpdateRow(Base):
    __tablename__ = "progress_updates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Null while the author has not yet said which task the report is about.
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    text: Mapped[str] = mapped_column(Text, default="")
    percent: Mapped[int | None] = mapped_column(Integer)
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(TZDateTime)
    last_part_at: Mapped[datetime] = mapped_column(TZDateTime)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int] = mapped_column(BigInteger)
    ack_message_id: Mapped[int | None] = mapped_column(BigInteger)
    withdrawn_at: Mapped[datetime | None] = mapped_column(TZDateTime)
    # Percent before this report, so a withdrawal can restore it.
    previous_percent: Mapped[int | None] = mapped_column(Integer)
    previous_status: Mapped[str | None] = mapped_column(String(20))
    # 本周无新进展: a report that counts for silence and keeps the percent.
    no_change: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Set when the report is one measure of a message about several (its source).
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("report_batches.id"), index=True)


class ReportBatchRow(Base):
    """A message about several measures, or a "no change" tap, staged until confirmed."""

    __tablename__ = "report_batches"
    __table_args__ = (Index(None, "chat_id", "message_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int] = mapped_column(BigInteger)
    media_group_id: Mapped[str | None] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text, default="")
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    card_message_id: Mapped[int | None] = mapped_column(BigInteger)
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("report_batches.id"))
    created_at: Mapped[datetime] = mapped_column(TZDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(TZDateTime)


class ReportPartRow(Base):
    """One chat message that is part of a report (albums and split texts have several)."""

    __tablename__ = "report_parts"
    __table_args__ = (UniqueConstraint("chat_id", "message_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    update_id: Mapped[int] = mapped_column(
        ForeignKey("progress_updates.id", ondelete="CASCADE"), index=True
    )
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int] = mapped_column(BigInteger)
    media_group_id: Mapped[str | None] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(TZDateTime)


class EvidenceRow(Base):
    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id"), index=True)
    update_id: Mapped[int] = mapped_column(ForeignKey("progress_updates.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    file_id: Mapped[str] = mapped_column(String(255))
    file_unique_id: Mapped[str] = mapped_column(String(64))
    file_name: Mapped[str] = mapped_column(String(255))
    mime_type: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[int | None] = mapped_column(BigInteger)
    sha256: Mapped[str | None] = mapped_column(String(64))
    stored_path: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(TZDateTime)


class MessageLinkRow(Base):
    """A bot message that is about one task: a reply to it reports on that task."""

    __tablename__ = "message_links"
    __table_args__ = (UniqueConstraint("chat_id", "message_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int] = mapped_column(BigInteger)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(TZDateTime)


class AuditEventRow(Base):
    """Append-only log of every change: who did what, when."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(TZDateTime)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    actor_label: Mapped[str | None] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(50))
    entity: Mapped[str] = mapped_column(String(30))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class OutboxFileRow(Base):
    """An attachment shared by outbox rows (one chart for every leader)."""

    __tablename__ = "outbox_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))  # photo | document
    data: Mapped[bytes] = mapped_column(LargeBinary)
    # After the first upload Telegram's file id is reused instead of the bytes.
    remote_id: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(TZDateTime)


class OutboxRow(Base):
    """One scheduled delivery: unique per (kind, period, recipient)."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "not_before"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    period: Mapped[str] = mapped_column(String(40))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    parts: Mapped[list[str]] = mapped_column(JSON)
    markup: Mapped[list[list[dict[str, str]]] | None] = mapped_column(JSON)
    file_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_files.id"))
    task_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    parts_sent: Mapped[int] = mapped_column(Integer, default=0)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime] = mapped_column(TZDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(TZDateTime)
    created_at: Mapped[datetime] = mapped_column(TZDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(TZDateTime)
    error: Mapped[str | None] = mapped_column(Text)


class RhythmRunRow(Base):
    """A scheduled run of one kind for one period: done, or missed while the bot was down."""

    __tablename__ = "rhythm_runs"
    __table_args__ = (UniqueConstraint("kind", "period"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    period: Mapped[str] = mapped_column(String(40))
    due_at: Mapped[datetime] = mapped_column(TZDateTime)
    status: Mapped[str] = mapped_column(String(20))
    ran_at: Mapped[datetime] = mapped_column(TZDateTime)
    recipients: Mapped[int] = mapped_column(Integer, default=0)


class StateRow(Base):
    """Small named values the scheduler keeps (e.g. the last tick)."""

    __tablename__ = "rhythm_state"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


class SnapshotRow(Base):
    """Board figures at a digest or bulletin, for week-over-week and month-over-month change."""

    __tablename__ = "board_snapshots"
    __table_args__ = (UniqueConstraint("campaign_id", "period"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    period: Mapped[str] = mapped_column(String(40))
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(TZDateTime)


class ProcessedUpdateRow(Base):
    """Incoming Telegram updates: stored before they are confirmed, marked done once handled."""

    __tablename__ = "processed_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    # When it was received and stored (before Telegram was told it arrived).
    processed_at: Mapped[datetime] = mapped_column(TZDateTime, index=True)
    # The raw update, kept until it is handled, so a killed process handles it after restart.
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    done_at: Mapped[datetime | None] = mapped_column(TZDateTime)


class ChatMigrationRow(Base):
    """A group chat that Telegram moved to a supergroup."""

    __tablename__ = "chat_migrations"

    old_chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    new_chat_id: Mapped[int] = mapped_column(BigInteger)
    migrated_at: Mapped[datetime] = mapped_column(TZDateTime)


class StagedImportRow(Base):
    """A workbook a coordinator uploaded, kept until they confirm or cancel the preview."""

    __tablename__ = "staged_imports"
    __table_args__ = (one_of("outcome", IMPORT_OUTCOMES),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"))
    # A caption may name a new campaign that the confirmation creates.
    campaign_name: Mapped[str | None] = mapped_column(String(200))
    file_name: Mapped[str] = mapped_column(String(255))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(TZDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(TZDateTime)
    outcome: Mapped[str | None] = mapped_column(String(20))  # confirmed | cancelled | expired


class PromptRow(Base):
    """A question the bot asked with ForceReply: the reply to it answers this, not a report."""

    __tablename__ = "prompts"
    __table_args__ = (UniqueConstraint("chat_id", "message_id"), one_of("kind", PromptKind))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int] = mapped_column(BigInteger)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    kind: Mapped[str] = mapped_column(String(30))
    target_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(TZDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(TZDateTime)


class ExtensionRow(Base):
    """An official's request to move a deadline (申请延期) and the coordinators' decision."""

    __tablename__ = "extension_requests"
    __table_args__ = (one_of("outcome", EXTENSION_OUTCOMES),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    reason: Mapped[str] = mapped_column(Text)
    old_due: Mapped[date | None] = mapped_column(Date)
    requested_due: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(TZDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(TZDateTime)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    outcome: Mapped[str | None] = mapped_column(String(20))  # approved | refused
    new_due: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
