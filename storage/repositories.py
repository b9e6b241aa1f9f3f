"""SQL implementations of the domain's repositories; they never commit."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from datetime import date, datetime
from types import SimpleNamespace
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Select,
    Table,
    and_,
    bindparam,
    case,
    delete,
    exists,
    func,
    insert,
    literal,
    null,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.sql import Executable

from domain.lights import LightThresholds
from domain.model import (
    Attachment,
    AuditEvent,
    Backlog,
    Campaign,
    CampaignSource,
    Delivery,
    EvidenceRecord,
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
    Report,
    Role,
    SentPart,
    TaskKind,
    TaskLine,
    TaskStatus,
    TaskView,
    WeekKinds,
)
from domain.ports import ListOrder, TaskQuery
from domain.records.board import BoardCell, ProblemFigures
from domain.rhythm.milestones import Milestone, MilestoneRecord
from storage import figures
from storage.tables import (
    AuditEventRow,
    CampaignRow,
    ChatMigrationRow,
    EvidenceRow,
    GradeRow,
    InviteRow,
    LookbackRow,
    MessageLinkRow,
    MilestoneRow,
    OutboxFileRow,
    OutboxRow,
    PersonRoleRow,
    PersonRow,
    ProblemRow,
    ProcessedUpdateRow,
    ProgressUpdateRow,
    ReportPartRow,
    RhythmRunRow,
    SnapshotRow,
    StateRow,
    TaskRow,
    TaskSupportRow,
    UnitRow,
)


def _table(mapped: type[Any]) -> Table:
    """A mapped class's table, for Core statements run through the connection."""
    return cast(Table, mapped.__table__)


class _Repo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def _insert_for(self) -> Callable[[Any], Any]:
        """The dialect's INSERT, which has ON CONFLICT (an upsert both engines understand)."""
        bind = self.session.bind
        return (
            pg_insert if bind is not None and bind.dialect.name == "postgresql" else sqlite_insert
        )

    async def _rows(self, stmt: Executable, params: dict[str, Any] | None = None) -> Sequence[Any]:
        # Through the connection: plain rows without the ORM's result machinery, which
        # costs more than the query itself when a tick selects tens of thousands of tasks
        # (and than building the statement, on a report's path of a few lookups).
        connection = await self.session.connection()
        rows: Sequence[Any] = (await connection.execute(stmt, params)).all()
        return rows

    async def _run(self, stmt: Executable, params: dict[str, Any]) -> None:
        # A prebuilt write through the connection: no ORM flush, no session synchronisation
        # (no repository keeps mapped rows of what these statements change).
        await (await self.session.connection()).execute(stmt, params)


_PERSON_COLUMNS = (
    "id",
    "name",
    "unit_id",
    "telegram_user_id",
    "telegram_username",
    "phone",
    "language",
    "reachable",
    "active",
)


def _person_columns(stmt: Select[Any]) -> Select[Any]:
    """One statement for people: the unit's name and the roles as correlated subqueries."""
    unit = (
        select(UnitRow.name)
        .where(UnitRow.id == PersonRow.unit_id)
        .correlate(PersonRow)
        .scalar_subquery()
    )
    roles = (
        select(func.aggregate_strings(PersonRoleRow.role, ","))
        .where(PersonRoleRow.person_id == PersonRow.id)
        .correlate(PersonRow)
        .scalar_subquery()
    )
    # Plain columns instead of the mapped row: a tick loads every active person.
    columns = [getattr(PersonRow, name) for name in _PERSON_COLUMNS]
    return stmt.with_only_columns(*columns, unit.label("unit_name"), roles.label("role_list"))


# Built once: every update identifies its sender first.
_PERSON_BY_TELEGRAM = _person_columns(
    select(PersonRow).where(PersonRow.telegram_user_id == bindparam("telegram_user_id"))
)

_PEOPLE_BY_TELEGRAM = _person_columns(
    select(PersonRow).where(PersonRow.telegram_user_id.in_(bindparam("ids", expanding=True)))
)


class SqlPeople(_Repo):
    """People, their roles and units."""

    async def _load(self, stmt: Select[Any], params: dict[str, Any] | None = None) -> list[Person]:
        return await self._people(_person_columns(stmt), params)

    async def _people(self, stmt: Select[Any], params: dict[str, Any] | None) -> list[Person]:
        rows = await self._rows(stmt, params)
        return [
            Person(
                id=r.id,
                name=r.name,
                unit_id=r.unit_id,
                unit_name=r.unit_name,
                roles=frozenset(Role(x) for x in r.role_list.split(","))
                if r.role_list
                else frozenset(),
                telegram_user_id=r.telegram_user_id,
                telegram_username=r.telegram_username,
                phone=r.phone,
                language=r.language,
                reachable=r.reachable,
                active=r.active,
            )
            for r in rows
        ]

    async def _one(self, stmt: Select[Any], params: dict[str, Any] | None = None) -> Person | None:
        found = await self._load(stmt, params)
        return found[0] if found else None

    async def get(self, person_id: int) -> Person | None:
        return await self._one(select(PersonRow).where(PersonRow.id == person_id))

    async def by_telegram_id(self, telegram_user_id: int) -> Person | None:
        found = await self._people(_PERSON_BY_TELEGRAM, {"telegram_user_id": telegram_user_id})
        return found[0] if found else None

    async def by_telegram_ids(self, telegram_user_ids: Sequence[int]) -> dict[int, Person]:
        found = await self._people(_PEOPLE_BY_TELEGRAM, {"ids": list(telegram_user_ids)})
        return {p.telegram_user_id: p for p in found if p.telegram_user_id is not None}

    async def by_name(self, name: str) -> Person | None:
        return await self._one(select(PersonRow).where(PersonRow.name == name))

    async def search(self, fragment: str) -> list[Person]:
        pattern = "%" + fragment.replace("%", "").replace("_", "") + "%"
        return await self._load(
            select(PersonRow).where(PersonRow.name.ilike(pattern)).order_by(PersonRow.name)
        )

    async def with_role(self, role: Role) -> list[Person]:
        return await self._load(
            select(PersonRow)
            .where(
                exists().where(
                    and_(PersonRoleRow.person_id == PersonRow.id, PersonRoleRow.role == role.value)
                )
            )
            .order_by(PersonRow.id)
        )

    async def active(self) -> list[Person]:
        return await self._load(
            select(PersonRow).where(PersonRow.active.is_(True)).order_by(PersonRow.id)
        )

    async def unit_names(self) -> list[str]:
        return list(await self.session.scalars(select(UnitRow.name).order_by(UnitRow.name)))

    async def unit_id(self, name: str) -> int:
        found = await self.session.scalar(select(UnitRow.id).where(UnitRow.name == name))
        if found is not None:
            return found
        row = UnitRow(name=name)
        self.session.add(row)
        await self.session.flush()
        return row.id

    async def add(
        self,
        *,
        name: str,
        unit_id: int | None,
        roles: Iterable[Role],
        phone: str | None,
        telegram_username: str | None,
        now: datetime,
    ) -> Person:
        row = PersonRow(
            name=name,
            unit_id=unit_id,
            phone=phone,
            telegram_username=telegram_username,
            reachable=True,
            active=True,
            created_at=now,
        )
        self.session.add(row)
        await self.session.flush()
        self.session.add_all(PersonRoleRow(person_id=row.id, role=r.value) for r in set(roles))
        await self.session.flush()
        person = await self.get(row.id)
        assert person is not None
        return person

    async def update(
        self,
        person_id: int,
        *,
        unit_id: int | None,
        add_roles: Iterable[Role],
        phone: str | None,
        telegram_username: str | None,
    ) -> None:
        await self.session.execute(
            update(PersonRow)
            .where(PersonRow.id == person_id)
            .values(unit_id=unit_id, phone=phone, telegram_username=telegram_username)
        )
        have = set(
            await self.session.scalars(
                select(PersonRoleRow.role).where(PersonRoleRow.person_id == person_id)
            )
        )
        self.session.add_all(
            PersonRoleRow(person_id=person_id, role=r.value)
            for r in set(add_roles)
            if r.value not in have
        )
        await self.session.flush()

    async def bind(self, person_id: int, telegram_user_id: int, username: str | None) -> None:
        # Binding through a fresh invite also brings back a retired person (a new account).
        values: dict[str, Any] = {
            "telegram_user_id": telegram_user_id,
            "reachable": True,
            "active": True,
        }
        if username:
            values["telegram_username"] = username
        await self.session.execute(
            update(PersonRow).where(PersonRow.id == person_id).values(**values)
        )

    async def unbind(self, telegram_user_id: int) -> None:
        await self.session.execute(
            update(PersonRow)
            .where(PersonRow.telegram_user_id == telegram_user_id)
            .values(telegram_user_id=None)
        )
        await self.session.flush()

    async def set_language(self, person_id: int, language: str) -> None:
        await self.session.execute(
            update(PersonRow).where(PersonRow.id == person_id).values(language=language)
        )

    async def set_reachable(self, person_id: int, reachable: bool, now: datetime) -> bool:
        """Change the flag; return True when it actually changed."""
        result = await self.session.execute(
            update(PersonRow)
            .where(PersonRow.id == person_id, PersonRow.reachable.is_(not reachable))
            .values(reachable=reachable, unreachable_since=None if reachable else now)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def unreachable_count(self) -> int:
        count = await self.session.scalar(
            select(func.count())
            .select_from(PersonRow)
            .where(
                PersonRow.active.is_(True),
                PersonRow.reachable.is_(False),
                PersonRow.telegram_user_id.is_not(None),
            )
        )
        return int(count or 0)

    async def by_ids(self, ids: Iterable[int]) -> list[Person]:
        wanted = set(ids)
        if not wanted:
            return []
        return await self._load(
            select(PersonRow).where(PersonRow.id.in_(wanted)).order_by(PersonRow.id)
        )

    async def retire(self, person_id: int) -> None:
        # The Telegram account is released: the person can no longer use the bot, and a new
        # account (theirs or a successor's) binds only through a fresh invite.
        await self.session.execute(
            update(PersonRow)
            .where(PersonRow.id == person_id)
            .values(active=False, telegram_user_id=None)
        )


class SqlInvites(_Repo):
    """Invite codes (hashed)."""

    async def add(
        self, *, person_id: int, code_hash: str, now: datetime, expires_at: datetime
    ) -> None:
        self.session.add(
            InviteRow(
                person_id=person_id, code_hash=code_hash, created_at=now, expires_at=expires_at
            )
        )
        await self.session.flush()

    async def revoke_open(self, person_id: int, now: datetime) -> int:
        result = await self.session.execute(
            update(InviteRow)
            .where(
                InviteRow.person_id == person_id,
                InviteRow.used_at.is_(None),
                InviteRow.revoked_at.is_(None),
            )
            .values(revoked_at=now)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def by_hash(self, code_hash: str) -> InviteRecord | None:
        row = await self.session.scalar(select(InviteRow).where(InviteRow.code_hash == code_hash))
        if row is None:
            return None
        return InviteRecord(
            id=row.id,
            person_id=row.person_id,
            expires_at=row.expires_at,
            used_at=row.used_at,
            revoked_at=row.revoked_at,
        )

    async def mark_used(self, invite_id: int, now: datetime) -> bool:
        """Use the invite if it is still usable; False if someone else just did."""
        result = await self.session.execute(
            update(InviteRow)
            .where(
                InviteRow.id == invite_id,
                InviteRow.used_at.is_(None),
                InviteRow.revoked_at.is_(None),
                InviteRow.expires_at > now,
            )
            .values(used_at=now)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]


def _campaign(row: CampaignRow) -> Campaign:
    return Campaign(
        id=row.id,
        name=row.name,
        source=CampaignSource(row.source),
        is_open=row.is_open,
        feedback_on=row.feedback_on,
        lookback_auto=row.lookback_auto,
    )


class SqlCampaigns(_Repo):
    """Rectification rounds."""

    async def by_name(self, name: str) -> Campaign | None:
        row = await self.session.scalar(select(CampaignRow).where(CampaignRow.name == name))
        return _campaign(row) if row else None

    async def get(self, campaign_id: int) -> Campaign | None:
        row = await self.session.get(CampaignRow, campaign_id)
        return _campaign(row) if row else None

    async def open_campaigns(self) -> list[Campaign]:
        rows = await self.session.scalars(
            select(CampaignRow).where(CampaignRow.is_open.is_(True)).order_by(CampaignRow.id)
        )
        return [_campaign(r) for r in rows]

    async def add(self, *, name: str, source: CampaignSource, now: datetime) -> Campaign:
        row = CampaignRow(name=name, source=source.value, is_open=True, created_at=now)
        self.session.add(row)
        await self.session.flush()
        return _campaign(row)

    async def set_source(self, campaign_id: int, source: CampaignSource) -> None:
        await self.session.execute(
            update(CampaignRow).where(CampaignRow.id == campaign_id).values(source=source.value)
        )

    async def set_lookback_auto(self, campaign_id: int, on: bool) -> None:
        await self.session.execute(
            update(CampaignRow).where(CampaignRow.id == campaign_id).values(lookback_auto=on)
        )

    async def set_feedback(self, campaign_id: int, day: date | None) -> None:
        await self.session.execute(
            update(CampaignRow).where(CampaignRow.id == campaign_id).values(feedback_on=day)
        )

    async def milestones(self, campaign_ids: Sequence[int]) -> list[MilestoneRecord]:
        if not campaign_ids:
            return []
        rows = await self.session.scalars(
            select(MilestoneRow).where(MilestoneRow.campaign_id.in_(campaign_ids))
        )
        return [
            MilestoneRecord(r.campaign_id, Milestone(r.milestone), r.due_override, r.submitted_on)
            for r in rows
        ]

    async def open_with_milestones(self) -> list[tuple[Campaign, list[MilestoneRecord]]]:
        rows = await self.session.execute(
            select(CampaignRow, MilestoneRow)
            .outerjoin(MilestoneRow, MilestoneRow.campaign_id == CampaignRow.id)
            .where(CampaignRow.is_open.is_(True))
            .order_by(CampaignRow.id)
        )
        found: dict[int, tuple[Campaign, list[MilestoneRecord]]] = {}
        for campaign, m in rows:
            _, records = found.setdefault(campaign.id, (_campaign(campaign), []))
            if m is not None:
                records.append(
                    MilestoneRecord(
                        m.campaign_id, Milestone(m.milestone), m.due_override, m.submitted_on
                    )
                )
        return list(found.values())

    async def set_milestone_due(
        self, campaign_id: int, milestone: Milestone, due: date | None
    ) -> None:
        row = await self._milestone(campaign_id, milestone)
        row.due_override = due
        await self.session.flush()

    async def set_milestone_submitted(
        self, campaign_id: int, milestone: Milestone, on: date | None, by: int | None
    ) -> None:
        row = await self._milestone(campaign_id, milestone)
        row.submitted_on, row.submitted_by = on, by
        await self.session.flush()

    async def _milestone(self, campaign_id: int, milestone: Milestone) -> MilestoneRow:
        row = await self.session.get(MilestoneRow, (campaign_id, milestone.value))
        if row is None:
            row = MilestoneRow(campaign_id=campaign_id, milestone=milestone.value)
            self.session.add(row)
        return row


def _lookback(row: LookbackRow) -> LookbackCheck:
    return LookbackCheck(
        id=row.id,
        campaign_id=row.campaign_id,
        task_id=row.task_id,
        status=LookbackStatus(row.status),
        started_at=row.started_at,
        started_by=row.started_by,
        answered_at=row.answered_at,
        answered_by=row.answered_by,
        note=row.note,
    )


IDS_PER_QUERY = 5_000  # ids per IN list, well under both engines' parameter limits


class SqlSupports(_Repo):
    """Supporting units (配合单位) of measures."""

    async def replace(self, campaign_id: int, by_number: dict[str, list[int]]) -> None:
        round_tasks = select(TaskRow.id).where(TaskRow.campaign_id == campaign_id)
        await self.session.execute(
            delete(TaskSupportRow).where(TaskSupportRow.task_id.in_(round_tasks))
        )
        numbered = await self.session.execute(
            select(TaskRow.number, TaskRow.id).where(TaskRow.campaign_id == campaign_id)
        )
        ids = {number: task_id for number, task_id in numbered}
        rows = [
            {"task_id": ids[number], "unit_id": unit_id}
            for number, units in by_number.items()
            if number in ids
            for unit_id in dict.fromkeys(units)
        ]
        if rows:
            await self.session.execute(insert(TaskSupportRow), rows)

    async def units_of(self, task_ids: Sequence[int]) -> dict[int, list[int]]:
        found: dict[int, list[int]] = {}
        for start in range(0, len(task_ids), IDS_PER_QUERY):
            rows = await self.session.execute(
                select(TaskSupportRow.task_id, TaskSupportRow.unit_id).where(
                    TaskSupportRow.task_id.in_(list(task_ids[start : start + IDS_PER_QUERY]))
                )
            )
            for task_id, unit_id in rows:
                found.setdefault(task_id, []).append(unit_id)
        return found

    async def names_for(self, task_ids: Sequence[int]) -> dict[int, list[str]]:
        if not task_ids:
            return {}
        found: dict[int, list[str]] = {}
        rows = await self.session.execute(
            select(TaskSupportRow.task_id, UnitRow.name)
            .join(UnitRow, UnitRow.id == TaskSupportRow.unit_id)
            .where(TaskSupportRow.task_id.in_(list(task_ids)))
            .order_by(TaskSupportRow.task_id, UnitRow.name)
        )
        for task_id, name in rows:
            found.setdefault(task_id, []).append(name)
        return found

    async def names_in_campaign(self, campaign_id: int) -> dict[int, list[str]]:
        found: dict[int, list[str]] = {}
        rows = await self.session.execute(
            select(TaskSupportRow.task_id, UnitRow.name)
            .join(UnitRow, UnitRow.id == TaskSupportRow.unit_id)
            .join(TaskRow, TaskRow.id == TaskSupportRow.task_id)
            .where(TaskRow.campaign_id == campaign_id)
            .order_by(TaskSupportRow.task_id, UnitRow.name)
        )
        for task_id, name in rows:
            found.setdefault(task_id, []).append(name)
        return found

    async def supported_by(self, campaign_id: int, unit_id: int) -> list[int]:
        rows = await self.session.scalars(
            select(TaskRow.id)
            .join(TaskSupportRow, TaskSupportRow.task_id == TaskRow.id)
            .where(TaskRow.campaign_id == campaign_id, TaskSupportRow.unit_id == unit_id)
            .order_by(TaskRow.position)
        )
        return list(rows)


class SqlGrades(_Repo):
    """Units' grades at the end of a round."""

    async def for_campaign(self, campaign_id: int) -> list[GradeRecord]:
        rows = await self.session.scalars(
            select(GradeRow).where(GradeRow.campaign_id == campaign_id)
        )
        return [
            GradeRecord(
                r.campaign_id, r.unit_id, r.grade, r.proposed, r.reason, r.decided_by, r.decided_at
            )
            for r in rows
        ]

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
    ) -> None:
        row = await self.session.get(GradeRow, (campaign_id, unit_id))
        if row is None:
            row = GradeRow(campaign_id=campaign_id, unit_id=unit_id)
            self.session.add(row)
        row.grade, row.proposed, row.reason = grade, proposed, reason
        row.decided_by, row.decided_at = by, at
        await self.session.flush()


class SqlLookbacks(_Repo):
    """回头看 checks of signed-off measures."""

    async def add(
        self, *, campaign_id: int, task_ids: Sequence[int], started_by: int | None, now: datetime
    ) -> list[LookbackCheck]:
        rows = [
            LookbackRow(
                campaign_id=campaign_id,
                task_id=task_id,
                status=LookbackStatus.PENDING.value,
                started_at=now,
                started_by=started_by,
                note="",
            )
            for task_id in task_ids
        ]
        self.session.add_all(rows)
        await self.session.flush()
        return [_lookback(r) for r in rows]

    async def get(self, check_id: int) -> LookbackCheck | None:
        row = await self.session.get(LookbackRow, check_id)
        return _lookback(row) if row else None

    async def for_campaign(self, campaign_id: int) -> list[LookbackCheck]:
        rows = await self.session.scalars(
            select(LookbackRow)
            .where(LookbackRow.campaign_id == campaign_id)
            .order_by(LookbackRow.id)
        )
        return [_lookback(r) for r in rows]

    async def answer(
        self, check_id: int, *, status: LookbackStatus, by: int, at: datetime, note: str
    ) -> bool:
        result = await self.session.execute(
            update(LookbackRow)
            .where(LookbackRow.id == check_id, LookbackRow.status == LookbackStatus.PENDING.value)
            .values(status=status.value, answered_by=by, answered_at=at, note=note)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]


NO_CHANGE_MARK = "【无新进展】"
_Owner = aliased(PersonRow)
_Lead = aliased(PersonRow)


def _latest_text() -> ColumnElement[Any]:
    """The text of the task's latest report that stands, as a correlated subquery."""
    # A "no change" report says so wherever the latest report is shown (ledger, lists).
    marked = case(
        (ProgressUpdateRow.no_change.is_(True), literal(NO_CHANGE_MARK) + ProgressUpdateRow.text),
        else_=ProgressUpdateRow.text,
    )
    return (
        select(marked)
        .where(
            ProgressUpdateRow.task_id == TaskRow.id,
            ProgressUpdateRow.withdrawn_at.is_(None),
        )
        .order_by(ProgressUpdateRow.last_part_at.desc(), ProgressUpdateRow.id.desc())
        .limit(1)
        .correlate(TaskRow)
        .scalar_subquery()
    )


_VIEW_COLUMNS = (
    "id",
    "campaign_id",
    "number",
    "problem_id",
    "measure",
    "unit_id",
    "owner_id",
    "lead_id",
    "kind",
    "due_on",
    "status",
    "percent",
    "created_at",
    "last_update_at",
    "closed_at",
)


_KINDS = {k.value: k for k in TaskKind}  # a dict lookup is several times cheaper than TaskKind(v)
_STATUSES = {s.value: s for s in TaskStatus}


def _task_views(*, latest: bool = True) -> Select[Any]:
    # Plain columns, not the mapped row: building views of many rows is then several times
    # cheaper (no identity map, no instance state).
    last_text = _latest_text() if latest else null()
    return (
        select(
            *(getattr(TaskRow, name) for name in _VIEW_COLUMNS),
            ProblemRow.category,
            ProblemRow.title,
            UnitRow.name,
            _Owner.name,
            _Lead.name,
            last_text,
        )
        .select_from(TaskRow)
        .join(ProblemRow, ProblemRow.id == TaskRow.problem_id)
        .join(UnitRow, UnitRow.id == TaskRow.unit_id)
        .join(_Owner, _Owner.id == TaskRow.owner_id)
        .outerjoin(_Lead, _Lead.id == TaskRow.lead_id)
    )


def _view(row: Any) -> TaskView:
    (
        task_id,
        campaign_id,
        number,
        problem_id,
        measure,
        unit_id,
        owner_id,
        lead_id,
        kind,
        due_on,
        status,
        percent,
        created_at,
        last_update_at,
        closed_at,
        category,
        title,
        unit,
        owner,
        lead,
        last_text,
    ) = row
    return TaskView(
        id=task_id,
        campaign_id=campaign_id,
        number=number,
        problem_id=problem_id,
        category=category,
        problem=title,
        measure=measure,
        unit_id=unit_id,
        unit_name=unit,
        owner_id=owner_id,
        owner_name=owner,
        lead_id=lead_id,
        lead_name=lead,
        kind=_KINDS[kind],
        due_on=due_on,
        status=_STATUSES[status],
        percent=percent,
        created_at=created_at,
        last_update_at=last_update_at,
        last_update_text=last_text,
        closed_at=closed_at,
    )


_LEDGER = (TaskRow.campaign_id, TaskRow.position, TaskRow.id)
_LINE_COLUMNS: list[Any] = [  # domain.model.TaskLine, field by field
    TaskRow.id,
    TaskRow.campaign_id,
    TaskRow.position,
    TaskRow.number,
    TaskRow.problem_id,
    ProblemRow.title,
    TaskRow.measure,
    TaskRow.unit_id,
    UnitRow.name,
    TaskRow.owner_id,
    _Owner.name,
    TaskRow.due_on,
    TaskRow.percent,
]
STREAM_ROWS = 2_000  # rows fetched at a time when a result is streamed


def _collation(session: AsyncSession) -> str:
    """Names sort by code point as in Python (PostgreSQL's locale would order them otherwise)."""
    bind = session.bind
    return (
        "C" if bind is not None and bind.dialect.name == "postgresql" else "BINARY"
    )  # ties keep the ledger's order


def _reportable(who: ColumnElement[bool]) -> Select[Any]:
    return (
        _task_views()
        .join(CampaignRow, CampaignRow.id == TaskRow.campaign_id)
        .where(who, CampaignRow.is_open.is_(True), TaskRow.status != TaskStatus.CLOSED.value)
        .order_by(TaskRow.campaign_id, TaskRow.position)
    )


# Built once with bound values: every /mytasks and every report runs one of them, and building
# the statement cost more than running it. Apart, so the common one is a plain index lookup.
_REPORTABLE_OWN = _reportable(TaskRow.owner_id == bindparam("person"))
_REPORTABLE_OWNERS = _reportable(TaskRow.owner_id.in_(bindparam("owners", expanding=True)))
_REPORTABLE_LIAISON = _reportable(
    or_(TaskRow.owner_id == bindparam("person"), TaskRow.unit_id == bindparam("unit"))
)


_SET_PROGRESS = (
    update(_table(TaskRow))
    .where(_table(TaskRow).c.id == bindparam("task_id"))
    .values(
        percent=bindparam("new_percent"),
        status=bindparam("new_status"),
        last_update_at=bindparam("new_last_update_at"),
    )
)


class SqlTasks(_Repo):
    """Problems, tasks and the bot messages linked to tasks."""

    async def problem_ids(
        self, campaign_id: int, problems: Sequence[tuple[str | None, str]]
    ) -> dict[tuple[str | None, str], int]:
        known = await self._problems(campaign_id)
        missing = list(dict.fromkeys(p for p in problems if p not in known))
        if missing:
            position = {p: i for i, p in enumerate(dict.fromkeys(problems), start=1)}
            await self._executemany(
                insert(ProblemRow),
                [
                    {
                        "campaign_id": campaign_id,
                        "category": category,
                        "title": title,
                        "position": position[category, title],
                    }
                    for category, title in missing
                ],
            )
            known = await self._problems(campaign_id)
        return {p: known[p] for p in problems}

    async def _problems(self, campaign_id: int) -> dict[tuple[str | None, str], int]:
        rows = await self._rows(
            select(ProblemRow.category, ProblemRow.title, ProblemRow.id).where(
                ProblemRow.campaign_id == campaign_id
            )
        )
        return {(category, title): i for category, title, i in rows}

    async def _executemany(self, stmt: Executable, rows: list[dict[str, Any]]) -> None:
        # Core executemany on the session's connection: one statement for thousands of rows.
        await (await self.session.connection()).execute(stmt, rows)

    async def id_by_number(self, campaign_id: int, number: str) -> int | None:
        return await self.session.scalar(
            select(TaskRow.id).where(TaskRow.campaign_id == campaign_id, TaskRow.number == number)
        )

    async def add_many(
        self, *, campaign_id: int, plans: Sequence[PlannedTask], now: datetime
    ) -> None:
        if plans:
            await self._executemany(
                insert(TaskRow),
                [
                    {
                        "campaign_id": campaign_id,
                        "status": TaskStatus.OPEN.value,
                        "percent": 0,
                        "created_at": now,
                        **_plan_values(plan),
                    }
                    for plan in plans
                ],
            )

    async def replan_many(self, plans: Sequence[tuple[int, PlannedTask]]) -> None:
        if plans:
            stmt = (
                update(TaskRow)
                .where(TaskRow.id == bindparam("task_id"))
                .values({name: bindparam(f"new_{name}") for name in _plan_values(plans[0][1])})
            )  # (bound names apart from the columns': SQLAlchemy reserves those)
            await self._executemany(
                stmt,
                [
                    {"task_id": task_id, **{f"new_{k}": v for k, v in _plan_values(plan).items()}}
                    for task_id, plan in plans
                ],
            )

    async def view(self, task_id: int) -> TaskView | None:
        rows = await self._rows(_task_views().where(TaskRow.id == task_id))
        return _view(rows[0]) if rows else None

    async def views_for_owner(self, owner_id: int) -> list[TaskView]:
        stmt = (
            _task_views()
            .join(CampaignRow, CampaignRow.id == TaskRow.campaign_id)
            .where(TaskRow.owner_id == owner_id, CampaignRow.is_open.is_(True))
            .order_by(TaskRow.campaign_id, TaskRow.position)
        )
        return [_view(r) for r in await self._rows(stmt)]

    async def reportable_views(self, person_id: int, unit_id: int | None) -> list[TaskView]:
        """Open-round tasks not yet closed that the person owns, or of ``unit_id`` (a liaison's)."""
        if unit_id is None:
            rows = await self._rows(_REPORTABLE_OWN, {"person": person_id})
        else:
            rows = await self._rows(_REPORTABLE_LIAISON, {"person": person_id, "unit": unit_id})
        return [_view(r) for r in rows]

    async def reportable_of_owners(self, owner_ids: Sequence[int]) -> dict[int, list[TaskView]]:
        found: dict[int, list[TaskView]] = {}
        for row in await self._rows(_REPORTABLE_OWNERS, {"owners": list(owner_ids)}):
            view = _view(row)
            found.setdefault(view.owner_id, []).append(view)
        return found

    async def count(self, query: TaskQuery) -> int:
        stmt = select(func.count()).select_from(TaskRow).where(figures.query_filter(query))
        return int(await self.session.scalar(stmt) or 0)

    async def page(self, query: TaskQuery, *, limit: int, offset: int) -> list[TaskView]:
        # The page's ids first (joining only what the order needs), then their full views:
        # names and latest reports are looked up for one page, not for every row sorted.
        ids = select(TaskRow.id)
        if query.order == ListOrder.UNIT_OWNER:
            ids = ids.join(UnitRow, UnitRow.id == TaskRow.unit_id).join(
                _Owner, _Owner.id == TaskRow.owner_id
            )
        order = [*self._list_order(query), *_LEDGER]
        ids = ids.where(figures.query_filter(query)).order_by(*order).limit(limit).offset(offset)
        # One statement: the page's views, joined and sorted again (ten rows, not the round).
        stmt = _task_views().where(TaskRow.id.in_(ids)).order_by(*order)
        return [_view(r) for r in await self._rows(stmt)]

    async def matching(self, query: TaskQuery) -> list[TaskView]:
        stmt = (
            _task_views(latest=False)
            .where(figures.query_filter(query))
            .order_by(*self._list_order(query), *_LEDGER)
        )
        return [_view(r) for r in await self._rows(stmt)]

    async def lines(self, query: TaskQuery) -> list[TaskLine]:
        stmt = self._lines(query).order_by(*self._list_order(query), *_LEDGER)
        return [TaskLine(*row) for row in await self._rows(stmt)]

    async def lines_by_owner(self, query: TaskQuery) -> AsyncIterator[list[TaskLine]]:
        # Streamed: a province's check-in never holds every quiet task at once.
        stmt = self._lines(query).order_by(TaskRow.owner_id, *_LEDGER)
        connection = await self.session.connection()
        result = await connection.stream(stmt.execution_options(yield_per=STREAM_ROWS))
        owner: list[TaskLine] = []
        async for rows in result.partitions():  # a row at a time would switch greenlets per row
            for row in rows:
                line = TaskLine(*row)
                if owner and owner[0].owner_id != line.owner_id:
                    yield owner
                    owner = []
                owner.append(line)
        if owner:
            yield owner

    async def numbers_by_owner(self, query: TaskQuery) -> list[tuple[str, str, list[str]]]:
        c = _collation(self.session)
        stmt = (
            select(_Owner.name, UnitRow.name, TaskRow.number)
            .select_from(TaskRow)
            .join(UnitRow, UnitRow.id == TaskRow.unit_id)
            .join(_Owner, _Owner.id == TaskRow.owner_id)
            .where(figures.query_filter(query))
            .order_by(UnitRow.name.collate(c), _Owner.name.collate(c), TaskRow.owner_id, *_LEDGER)
            .execution_options(yield_per=STREAM_ROWS)
        )
        grouped: list[tuple[str, str, list[str]]] = []
        result = await (await self.session.connection()).stream(stmt)
        async for rows in result.partitions():
            for name, unit, number in rows:
                if not grouped or grouped[-1][:2] != (name, unit):
                    grouped.append((name, unit, []))
                grouped[-1][2].append(number)
        return grouped

    def _lines(self, query: TaskQuery) -> Select[Any]:
        return (
            select(*_LINE_COLUMNS)
            .select_from(TaskRow)
            .join(ProblemRow, ProblemRow.id == TaskRow.problem_id)
            .join(UnitRow, UnitRow.id == TaskRow.unit_id)
            .join(_Owner, _Owner.id == TaskRow.owner_id)
            .where(figures.query_filter(query))
        )

    async def views_of(self, ids: Sequence[int]) -> list[TaskView]:
        wanted = list(ids)
        if not wanted:
            return []
        found = {
            v.id: v
            for v in map(_view, await self._rows(_task_views().where(TaskRow.id.in_(wanted))))
        }
        return [found[i] for i in wanted if i in found]

    async def review_requests(self, query: TaskQuery) -> dict[int, datetime]:
        stmt = select(TaskRow.id, TaskRow.review_requested_at).where(
            figures.query_filter(query),
            TaskRow.status == TaskStatus.PENDING_REVIEW.value,
            TaskRow.review_requested_at.is_not(None),
        )
        return {i: at for i, at in await self.session.execute(stmt) if at is not None}

    async def due_before(self, query: TaskQuery, day: date) -> dict[str, int]:
        return await figures.due_before(self.session, query, day)

    async def units_in(self, query: TaskQuery) -> list[tuple[int, str]]:
        stmt = (
            select(UnitRow.id, UnitRow.name)
            .where(UnitRow.id.in_(select(TaskRow.unit_id).where(figures.query_filter(query))))
            .order_by(UnitRow.id)
        )
        return [(i, n) for i, n in await self.session.execute(stmt)]

    async def owners_in(self, query: TaskQuery) -> list[tuple[int, str]]:
        stmt = (
            select(PersonRow.id, PersonRow.name)
            .where(PersonRow.id.in_(select(TaskRow.owner_id).where(figures.query_filter(query))))
            .order_by(PersonRow.id)
        )
        return [(i, n) for i, n in await self.session.execute(stmt)]

    def _list_order(self, query: TaskQuery) -> list[Any]:
        c = _collation(self.session)
        # Without a deadline last, on both engines (their NULL orders differ); when the query
        # has no such task, the deadline alone, so the index on it gives the order.
        dated = query.overdue_on is not None or query.due_on is not None
        due = [TaskRow.due_on] if dated else [TaskRow.due_on.is_(None), TaskRow.due_on]
        match query.order:
            case ListOrder.DUE:
                return due
            case ListOrder.UNIT_OWNER:
                return [UnitRow.name.collate(c), _Owner.name.collate(c)]
            case ListOrder.URGENT:
                return [*due, TaskRow.number.collate(c)]
        return []

    async def board_cells(self, query: TaskQuery, at: LightThresholds) -> list[BoardCell]:
        return await figures.board_cells(self.session, query, at)

    async def problem_figures(self, query: TaskQuery) -> ProblemFigures:
        return await figures.problem_figures(self.session, query)

    async def views_for_campaign(self, campaign_id: int) -> list[TaskView]:
        stmt = _task_views().where(TaskRow.campaign_id == campaign_id).order_by(TaskRow.position)
        return [_view(r) for r in await self._rows(stmt)]

    async def unclosed_in_problem(self, problem_id: int) -> int:
        count = await self.session.scalar(
            select(func.count())
            .select_from(TaskRow)
            .where(TaskRow.problem_id == problem_id, TaskRow.status != TaskStatus.CLOSED.value)
        )
        return int(count or 0)

    async def near_deadlines(self, first: date, last: date) -> set[date]:
        return await figures.near_deadlines(self.session, first, last)

    async def mark_review_requested(self, task_id: int, at: datetime | None) -> None:
        await self.session.execute(
            update(TaskRow).where(TaskRow.id == task_id).values(review_requested_at=at)
        )

    async def set_progress(
        self,
        task_id: int,
        *,
        percent: int,
        status: TaskStatus,
        last_update_at: datetime | None,
    ) -> None:
        await self._run(
            _SET_PROGRESS,
            {
                "task_id": task_id,
                "new_percent": percent,
                "new_status": status.value,
                "new_last_update_at": last_update_at,
            },
        )

    async def set_progress_many(self, moves: Sequence[ProgressMove]) -> None:
        if not moves:
            return
        connection = await self.session.connection()
        await connection.execute(  # one executemany
            _SET_PROGRESS,
            [
                {
                    "task_id": m.task_id,
                    "new_percent": m.percent,
                    "new_status": m.status.value,
                    "new_last_update_at": m.at,
                }
                for m in sorted(moves, key=lambda m: m.task_id)  # one lock order (PostgreSQL)
            ],
        )

    async def link_message(
        self, *, chat_id: int, message_id: int, task_id: int, now: datetime
    ) -> None:
        insert_for = self._insert_for()
        stmt = insert_for(MessageLinkRow).values(
            chat_id=chat_id, message_id=message_id, task_id=task_id, created_at=now
        )
        await self.session.execute(
            stmt.on_conflict_do_update(
                index_elements=[MessageLinkRow.chat_id, MessageLinkRow.message_id],
                set_={"task_id": task_id, "created_at": now},
            )
        )

    async def link_messages(self, links: Sequence[tuple[int, int, int]], now: datetime) -> None:
        latest = {(chat, message): task for chat, message, task in links}  # one row per message
        if not latest:
            return
        stmt = self._insert_for()(MessageLinkRow)
        await self._executemany(
            stmt.on_conflict_do_update(
                index_elements=[MessageLinkRow.chat_id, MessageLinkRow.message_id],
                set_={"task_id": stmt.excluded.task_id, "created_at": stmt.excluded.created_at},
            ),
            [
                {"chat_id": chat, "message_id": message, "task_id": task, "created_at": now}
                for (chat, message), task in latest.items()
            ],
        )

    async def change_status(
        self, task_id: int, *, expected: TaskStatus, status: TaskStatus, percent: int
    ) -> bool:
        # Conditional: of two reviewers pressing at once, only one decides.
        result = await self.session.execute(
            update(TaskRow)
            .where(TaskRow.id == task_id, TaskRow.status == expected.value)
            .values(status=status.value, percent=percent)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def set_closed_at(self, task_id: int, at: datetime | None) -> None:
        await self.session.execute(
            update(TaskRow).where(TaskRow.id == task_id).values(closed_at=at)
        )

    async def set_plan_fields(
        self, task_id: int, *, owner_id: int | None = None, due_on: date | None = None
    ) -> None:
        values: dict[str, Any] = {}
        if owner_id is not None:
            values["owner_id"] = owner_id
        if due_on is not None:
            values["due_on"] = due_on
        if values:
            await self.session.execute(
                update(TaskRow).where(TaskRow.id == task_id).values(**values)
            )

    async def task_for_message(self, chat_id: int, message_id: int) -> int | None:
        return await self.session.scalar(
            select(MessageLinkRow.task_id).where(
                MessageLinkRow.chat_id == chat_id, MessageLinkRow.message_id == message_id
            )
        )


def _plan_values(plan: PlannedTask) -> dict[str, Any]:
    return {
        "number": plan.number,
        "position": plan.position,
        "problem_id": plan.problem_id,
        "measure": plan.measure,
        "unit_id": plan.unit_id,
        "owner_id": plan.owner_id,
        "lead_id": plan.lead_id,
        "kind": plan.kind.value,
        "due_on": plan.due_on,
    }


def _report(row: Any) -> Report:
    """A report from its mapped row or any row with the same columns."""
    return Report(
        id=row.id,
        task_id=row.task_id,
        author_id=row.author_id,
        text=row.text,
        percent=row.percent,
        done=row.done,
        chat_id=row.chat_id,
        message_id=row.message_id,
        ack_message_id=row.ack_message_id,
        created_at=row.created_at,
        last_part_at=row.last_part_at,
        withdrawn_at=row.withdrawn_at,
        previous_percent=row.previous_percent,
        previous_status=TaskStatus(row.previous_status) if row.previous_status else None,
        no_change=bool(row.no_change),
        batch_id=row.batch_id,
    )


# Built once, run through the connection: the statements of a plain report's path.
_REPORTS = _table(ProgressUpdateRow)
_INSERT_REPORT = insert(_REPORTS).returning(_REPORTS.c.id)
# Many rows in few statements (SQLAlchemy's "insertmanyvalues"). Each id comes back with its
# message: asking for them in the rows' order makes SQLite insert one row at a time.
_INSERT_REPORTS = insert(_REPORTS).returning(
    _REPORTS.c.id, _REPORTS.c.chat_id, _REPORTS.c.message_id
)
_INSERT_PART = insert(_table(ReportPartRow))
_REPORT_OF_MESSAGE = select(ReportPartRow.update_id).where(
    ReportPartRow.chat_id == bindparam("chat_id"),
    ReportPartRow.message_id == bindparam("message_id"),
)
_PARTS_OF_MESSAGES = select(ReportPartRow.chat_id, ReportPartRow.message_id).where(
    ReportPartRow.message_id.in_(bindparam("message_ids", expanding=True)),
    ReportPartRow.chat_id.in_(bindparam("chat_ids", expanding=True)),
)
_RECENT_CHATS = (
    select(_REPORTS.c.author_id, _REPORTS.c.chat_id)
    .where(
        _REPORTS.c.author_id.in_(bindparam("author_ids", expanding=True)),
        _REPORTS.c.withdrawn_at.is_(None),
        _REPORTS.c.last_part_at >= bindparam("since"),
    )
    .distinct()
)
_LATEST_REPORT = (
    select(_REPORTS)
    .where(
        _REPORTS.c.author_id == bindparam("author_id"),
        _REPORTS.c.chat_id == bindparam("chat_id"),
        _REPORTS.c.withdrawn_at.is_(None),
        _REPORTS.c.last_part_at >= bindparam("since"),
    )
    .order_by(_REPORTS.c.last_part_at.desc(), _REPORTS.c.id.desc())
    .limit(1)
)


class SqlReports(_Repo):
    """Progress reports, their message parts and evidence."""

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
        values: dict[str, Any] = {
            "task_id": task_id,
            "author_id": author_id,
            "text": text,
            "percent": percent,
            "done": done,
            "created_at": now,
            "last_part_at": now,
            "chat_id": chat_id,
            "message_id": message_id,
            "previous_percent": previous[0] if previous else None,
            "previous_status": previous[1].value if previous else None,
            "no_change": False,
        }
        connection = await self.session.connection()
        report_id = (await connection.execute(_INSERT_REPORT, values)).scalar_one()
        return _report(
            SimpleNamespace(
                id=report_id, ack_message_id=None, withdrawn_at=None, batch_id=None, **values
            )
        )

    async def add_many(self, reports: Sequence[NewReport]) -> list[Report]:
        if not reports:
            return []
        rows = [
            {
                "task_id": r.task_id,
                "author_id": r.author_id,
                "text": r.text,
                "percent": r.percent,
                "done": r.done,
                "created_at": r.at,
                "last_part_at": r.at,
                "chat_id": r.chat_id,
                "message_id": r.message_id,
                "previous_percent": r.previous[0],
                "previous_status": r.previous[1].value,
                "no_change": False,
            }
            for r in reports
        ]
        connection = await self.session.connection()
        inserted = (await connection.execute(_INSERT_REPORTS, rows)).all()
        by_message = {(r.chat_id, r.message_id): r.id for r in inserted}
        ids = [by_message[r.chat_id, r.message_id] for r in reports]
        await connection.execute(
            _INSERT_PART,
            [
                {
                    "update_id": report_id,
                    "chat_id": r.chat_id,
                    "message_id": r.message_id,
                    "media_group_id": None,
                    "text": r.text,
                    "created_at": r.at,
                }
                for report_id, r in zip(ids, reports, strict=True)
            ],
        )
        return [
            _report(
                SimpleNamespace(
                    id=report_id, ack_message_id=None, withdrawn_at=None, batch_id=None, **row
                )
            )
            for report_id, row in zip(ids, rows, strict=True)
        ]

    async def known_messages(self, messages: Sequence[tuple[int, int]]) -> set[tuple[int, int]]:
        if not messages:
            return set()
        rows = await self._rows(  # a superset (chat ids and message ids apart), then exact
            _PARTS_OF_MESSAGES,
            {
                "chat_ids": sorted({chat for chat, _ in messages}),
                "message_ids": sorted({message for _, message in messages}),
            },
        )
        return {(r.chat_id, r.message_id) for r in rows} & set(messages)

    async def recent_chats(
        self, author_ids: Sequence[int], since: datetime
    ) -> set[tuple[int, int]]:
        if not author_ids:
            return set()
        rows = await self._rows(_RECENT_CHATS, {"author_ids": list(author_ids), "since": since})
        return {(r.author_id, r.chat_id) for r in rows}

    async def get(self, report_id: int) -> Report | None:
        row = await self.session.get(ProgressUpdateRow, report_id)
        return _report(row) if row else None

    async def save(self, report: Report) -> None:
        await self.session.execute(
            update(ProgressUpdateRow)
            .where(ProgressUpdateRow.id == report.id)
            .values(
                task_id=report.task_id,
                text=report.text,
                percent=report.percent,
                done=report.done,
                ack_message_id=report.ack_message_id,
                last_part_at=report.last_part_at,
                withdrawn_at=report.withdrawn_at,
                previous_percent=report.previous_percent,
                previous_status=report.previous_status.value if report.previous_status else None,
                no_change=report.no_change,
                batch_id=report.batch_id,
            )
        )

    async def set_acks(self, acks: Sequence[tuple[int, int]]) -> None:
        if not acks:
            return
        connection = await self.session.connection()
        await connection.execute(  # one executemany, not one round trip per report
            update(ProgressUpdateRow)
            .where(ProgressUpdateRow.id == bindparam("report_id"))
            .values(ack_message_id=bindparam("ack")),
            [{"report_id": report, "ack": message} for report, message in acks],
        )

    async def report_for_message(self, chat_id: int, message_id: int) -> int | None:
        rows = await self._rows(_REPORT_OF_MESSAGE, {"chat_id": chat_id, "message_id": message_id})
        return int(rows[0][0]) if rows else None

    async def add_part(
        self,
        *,
        report_id: int,
        chat_id: int,
        message_id: int,
        media_group_id: str | None,
        text: str,
        now: datetime,
    ) -> None:
        await self._run(
            _INSERT_PART,
            {
                "update_id": report_id,
                "chat_id": chat_id,
                "message_id": message_id,
                "media_group_id": media_group_id,
                "text": text,
                "created_at": now,
            },
        )

    async def set_part_text(self, chat_id: int, message_id: int, text: str) -> None:
        await self.session.execute(
            update(ReportPartRow)
            .where(ReportPartRow.chat_id == chat_id, ReportPartRow.message_id == message_id)
            .values(text=text)
        )

    async def part_texts(self, report_id: int) -> list[str]:
        rows = await self.session.scalars(
            select(ReportPartRow.text)
            .where(ReportPartRow.update_id == report_id)
            .order_by(ReportPartRow.message_id)
        )
        return list(rows)

    async def mergeable(
        self, *, author_id: int, chat_id: int, since: datetime, media_group_id: str | None
    ) -> Report | None:
        base = select(ProgressUpdateRow).where(
            ProgressUpdateRow.author_id == author_id,
            ProgressUpdateRow.chat_id == chat_id,
            ProgressUpdateRow.withdrawn_at.is_(None),
        )
        if media_group_id is not None:
            row = await self.session.scalar(
                base.where(
                    exists().where(
                        ReportPartRow.update_id == ProgressUpdateRow.id,
                        ReportPartRow.media_group_id == media_group_id,
                    )
                )
            )
            if row is not None:
                return _report(row)
        rows = await self._rows(
            _LATEST_REPORT, {"author_id": author_id, "chat_id": chat_id, "since": since}
        )
        return _report(rows[0]) if rows else None

    async def for_task(self, task_id: int) -> list[Report]:
        """Every report on the task, withdrawn ones too, oldest first."""
        rows = await self.session.scalars(
            select(ProgressUpdateRow)
            .where(ProgressUpdateRow.task_id == task_id)
            .order_by(ProgressUpdateRow.created_at, ProgressUpdateRow.id)
        )
        return [_report(r) for r in rows]

    async def add_evidence(self, *, report: Report, attachment: Attachment, now: datetime) -> None:
        self.session.add(
            EvidenceRow(
                task_id=report.task_id,
                update_id=report.id,
                author_id=report.author_id,
                file_id=attachment.file_id,
                file_unique_id=attachment.file_unique_id,
                file_name=attachment.file_name,
                mime_type=attachment.mime_type,
                size=attachment.size,
                sha256=attachment.sha256,
                stored_path=attachment.stored_path,
                created_at=now,
            )
        )
        await self.session.flush()

    async def count_in_campaign(self, campaign_id: int) -> int:
        count = await self.session.scalar(
            select(func.count())
            .select_from(ProgressUpdateRow)
            .join(TaskRow, TaskRow.id == ProgressUpdateRow.task_id)
            .where(TaskRow.campaign_id == campaign_id, ProgressUpdateRow.withdrawn_at.is_(None))
        )
        return int(count or 0)

    async def evidence_count(self, report_id: int) -> int:
        count = await self.session.scalar(
            select(func.count()).select_from(EvidenceRow).where(EvidenceRow.update_id == report_id)
        )
        return int(count or 0)

    async def attach_evidence(self, report_id: int, task_id: int) -> None:
        await self.session.execute(
            update(EvidenceRow).where(EvidenceRow.update_id == report_id).values(task_id=task_id)
        )

    async def week_kinds(self, campaign_id: int, since: datetime, until: datetime) -> WeekKinds:
        """Count measures with real progress and those with only "no change", in one query."""
        real = func.max(case((ProgressUpdateRow.no_change.is_(False), 1), else_=0))
        per_task = (
            select(ProgressUpdateRow.task_id, real.label("real"))
            .join(TaskRow, TaskRow.id == ProgressUpdateRow.task_id)
            .where(
                TaskRow.campaign_id == campaign_id,
                ProgressUpdateRow.withdrawn_at.is_(None),
                ProgressUpdateRow.last_part_at >= since,
                ProgressUpdateRow.last_part_at < until,
            )
            .group_by(ProgressUpdateRow.task_id)
            .subquery()
        )
        row = (
            await self.session.execute(
                select(
                    func.coalesce(func.sum(per_task.c.real), 0),
                    func.count(),
                ).select_from(per_task)
            )
        ).one()
        progress, reported = int(row[0]), int(row[1])
        return WeekKinds(progress=progress, no_change=reported - progress)

    async def stalled(self, campaign_id: int, since: datetime) -> list[int]:
        """Open measures of the round that got only "no change" reports since ``since``."""
        real = func.max(case((ProgressUpdateRow.no_change.is_(False), 1), else_=0))
        stmt = (
            select(ProgressUpdateRow.task_id)
            .join(TaskRow, TaskRow.id == ProgressUpdateRow.task_id)
            .where(
                TaskRow.campaign_id == campaign_id,
                TaskRow.status.in_([TaskStatus.OPEN.value, TaskStatus.IN_PROGRESS.value]),
                TaskRow.created_at < since,
                ProgressUpdateRow.withdrawn_at.is_(None),
                ProgressUpdateRow.last_part_at >= since,
            )
            .group_by(ProgressUpdateRow.task_id, TaskRow.position)
            .having(real == 0)
            .order_by(TaskRow.position)
        )
        return list(await self.session.scalars(stmt))

    async def evidence_for_task(self, task_id: int) -> list[EvidenceRecord]:
        """Every evidence file of the task, withdrawn reports' too, oldest first."""
        rows = await self.session.scalars(
            select(EvidenceRow)
            .where(EvidenceRow.task_id == task_id)
            .order_by(EvidenceRow.created_at, EvidenceRow.id)
        )
        return [
            EvidenceRecord(
                id=r.id,
                task_id=r.task_id,
                report_id=r.update_id,
                author_id=r.author_id,
                file_name=r.file_name,
                mime_type=r.mime_type,
                size=r.size,
                sha256=r.sha256,
                stored_path=r.stored_path,
                created_at=r.created_at,
                telegram_file_id=r.file_id,
            )
            for r in rows
        ]


def _outbox_values(message: Outgoing, file_id: int | None, now: datetime) -> dict[str, Any]:
    return {
        "key": message.key,
        "kind": message.kind,
        "period": message.period,
        "person_id": message.person_id,
        "chat_id": message.chat_id,
        "parts": message.parts,
        "markup": [[{"text": t, "data": d} for t, d in row] for row in message.buttons]
        if message.buttons
        else None,
        "file_id": file_id,
        "task_ids": message.task_ids or [],
        "status": "pending",
        "parts_sent": 0,
        "attempts": 0,
        "not_before": now,
        "created_at": now,
    }


class SqlOutbox(_Repo):
    """Scheduled deliveries, written in the same transaction as the decision to send."""

    async def latest_task_ids(self, person_id: int, kinds: Sequence[str]) -> list[int]:
        """The tasks listed by the newest message of these kinds to the person (a check-in)."""
        ids = await self.session.scalar(
            select(OutboxRow.task_ids)
            .where(OutboxRow.person_id == person_id, OutboxRow.kind.in_(kinds))
            .order_by(OutboxRow.created_at.desc(), OutboxRow.id.desc())
            .limit(1)
        )
        return list(ids or [])

    async def add(self, message: Outgoing, *, now: datetime, file_id: int | None) -> bool:
        """Add the message unless its key exists; return whether it was added."""
        return await self.add_many([(message, file_id)], now=now) == 1

    async def add_many(
        self, messages: Sequence[tuple[Outgoing, int | None]], *, now: datetime
    ) -> int:
        """Add the messages whose keys are new; return how many were added.

        The unique key does the de-duplication (ON CONFLICT DO NOTHING), and SQLAlchemy sends
        the rows as multi-row INSERTs, so a tick writes thousands of rows in a few statements.
        """
        if not messages:
            return 0
        rows = [_outbox_values(m, file_id, now) for m, file_id in messages]
        stmt = self._insert_for()(OutboxRow).on_conflict_do_nothing(index_elements=[OutboxRow.key])
        connection = await self.session.connection()
        if connection.dialect.name == "sqlite":  # its executemany sums the rows changed
            return int((await connection.execute(stmt, rows)).rowcount)
        # asyncpg's executemany reports no count: the new rows' ids say how many were added.
        return len((await connection.execute(stmt.returning(OutboxRow.id), rows)).all())

    async def add_file(self, file: OutgoingFile, *, now: datetime) -> int:
        row = OutboxFileRow(
            name=file.name,
            kind=file.kind,
            data=file.data,
            remote_id=file.remote_id,
            created_at=now,
        )
        self.session.add(row)
        await self.session.flush()
        return row.id

    async def claim(self, *, now: datetime, stale_before: datetime, limit: int) -> list[Delivery]:
        """Take due rows (and rows a crashed sender left claimed) for sending."""
        claimable = ((OutboxRow.status == "pending") & (OutboxRow.not_before <= now)) | (
            (OutboxRow.status == "sending") & (OutboxRow.claimed_at < stale_before)
        )
        due = select(OutboxRow.id).where(claimable).order_by(OutboxRow.id).limit(limit)
        if self.session.bind is not None and self.session.bind.dialect.name == "postgresql":
            due = due.with_for_update(skip_locked=True)  # several replicas share the outbox
        ids = list(await self.session.scalars(due))
        if not ids:
            return []
        # The condition again, at write time: of two senders (two processes on one SQLite
        # file) only the one whose UPDATE ran first gets a row.
        claimed = await self.session.scalars(
            update(OutboxRow)
            .where(OutboxRow.id.in_(ids), claimable)
            .values(status="sending", claimed_at=now)
            .returning(OutboxRow.id)
        )
        ids = list(claimed)
        if not ids:
            return []
        rows = await self.session.execute(
            select(OutboxRow, OutboxFileRow.kind, OutboxFileRow.name, OutboxFileRow.remote_id)
            .outerjoin(OutboxFileRow, OutboxFileRow.id == OutboxRow.file_id)
            .where(OutboxRow.id.in_(ids))
            .order_by(OutboxRow.id)
        )
        return [
            Delivery(
                id=r.id,
                kind=r.kind,
                person_id=r.person_id,
                chat_id=r.chat_id,
                parts=list(r.parts),
                parts_sent=r.parts_sent,
                buttons=[[(b["text"], b["data"]) for b in row] for row in r.markup]
                if r.markup
                else None,
                file_id=r.file_id,
                file_kind=kind,
                file_name=name,
                file_remote_id=remote,
                task_ids=list(r.task_ids or []),
                attempts=r.attempts,
                created_at=r.created_at,
            )
            for r, kind, name, remote in rows
        ]

    async def _set(self, delivery_id: int, **values: Any) -> None:
        await self.session.execute(
            update(OutboxRow).where(OutboxRow.id == delivery_id).values(**values)
        )

    async def record_sent(self, parts: Sequence[SentPart], now: datetime) -> None:
        """Write a batch of accepted parts with a few executemany statements."""
        latest: dict[int, SentPart] = {}
        for part in parts:
            latest[part.delivery_id] = part  # batches keep order: the last one counts
        await self.session.execute(
            update(OutboxRow),
            [
                {"id": p.delivery_id, "parts_sent": p.parts_sent}
                | ({"status": "sent", "sent_at": now, "error": None} if p.done else {})
                for p in latest.values()
            ],
        )
        links = [
            {
                "chat_id": p.chat_id,
                "message_id": p.message_id,
                "task_id": p.task_id,
                "created_at": now,
            }
            for p in parts
            if p.task_id is not None
        ]
        if links:
            await self.session.execute(insert(MessageLinkRow), links)
        for p in parts:
            if p.file_id is not None and p.remote_id:
                await self.set_file_remote_id(p.file_id, p.remote_id)

    async def retry_later(self, delivery_id: int, *, not_before: datetime, error: str) -> None:
        await self._set(
            delivery_id,
            status="pending",
            not_before=not_before,
            error=error[:500],
            attempts=OutboxRow.attempts + 1,
        )

    async def failed(self, delivery_id: int, error: str) -> None:
        await self._set(delivery_id, status="failed", error=error[:500])

    async def move_chat(self, delivery_id: int, chat_id: int) -> None:
        await self._set(delivery_id, chat_id=chat_id)

    async def file_data(self, file_id: int) -> bytes:
        data = await self.session.scalar(
            select(OutboxFileRow.data).where(OutboxFileRow.id == file_id)
        )
        return bytes(data or b"")

    async def set_file_remote_id(self, file_id: int, remote_id: str) -> None:
        await self.session.execute(
            update(OutboxFileRow).where(OutboxFileRow.id == file_id).values(remote_id=remote_id)
        )

    async def backlog(self, now: datetime) -> Backlog:
        waiting = OutboxRow.status.in_(("pending", "sending"))
        row = (
            await self.session.execute(
                select(
                    func.count().filter(waiting),
                    func.min(OutboxRow.not_before).filter(waiting, OutboxRow.not_before <= now),
                    func.count().filter(OutboxRow.status == "failed"),
                )
            )
        ).one()
        return Backlog(waiting=int(row[0]), oldest_due_at=row[1], failed=int(row[2]))


TICK_LOCK = 0x7265637469  # "recti": the advisory lock key of the tick


class SqlRunLog(_Repo):
    """Scheduled runs done, missed or failed, and the tick's lock."""

    async def run_status(self, kind: str, period: str) -> str | None:
        return await self.session.scalar(
            select(RhythmRunRow.status).where(
                RhythmRunRow.kind == kind, RhythmRunRow.period == period
            )
        )

    async def recorded_runs(self, runs: Sequence[tuple[str, str]]) -> set[tuple[str, str]]:
        if not runs:
            return set()
        wanted = set(runs)
        rows = await self.session.execute(
            select(RhythmRunRow.kind, RhythmRunRow.period).where(
                RhythmRunRow.kind.in_({k for k, _ in wanted}),
                RhythmRunRow.period.in_({p for _, p in wanted}),
            )
        )
        return {(k, p) for k, p in rows if (k, p) in wanted}

    async def record_run(
        self,
        *,
        kind: str,
        period: str,
        due_at: datetime,
        status: str,
        now: datetime,
        recipients: int,
    ) -> None:
        self.session.add(
            RhythmRunRow(
                kind=kind,
                period=period,
                due_at=due_at,
                status=status,
                ran_at=now,
                recipients=recipients,
            )
        )
        await self.session.flush()

    async def claim_tick(self) -> bool:
        bind = self.session.bind
        if bind is None or bind.dialect.name != "postgresql":
            return True  # SQLite: one process per file (bot/single.py)
        # A transaction-scoped advisory lock: released at commit, or when a dead holder's
        # connection goes, so no lease to expire and no takeover to arrange.
        taken = await self.session.scalar(select(func.pg_try_advisory_xact_lock(TICK_LOCK)))
        return bool(taken)


class SqlStateStore(_Repo):
    """Small named values the rhythm keeps between ticks."""

    async def get_state(self, name: str) -> str | None:
        return await self.session.scalar(select(StateRow.value).where(StateRow.name == name))

    async def set_state(self, name: str, value: str) -> None:
        # An upsert: two tickers starting at once on PostgreSQL must not both INSERT.
        insert_for = self._insert_for()
        statement = insert_for(StateRow).values(name=name, value=value)
        await self.session.execute(
            statement.on_conflict_do_update(index_elements=[StateRow.name], set_={"value": value})
        )


class SqlSnapshots(_Repo):
    """The board's figures as they stood at the end of each period."""

    async def snapshot(self, campaign_id: int, period: str) -> dict[str, Any] | None:
        return await self.session.scalar(
            select(SnapshotRow.figures).where(
                SnapshotRow.campaign_id == campaign_id, SnapshotRow.period == period
            )
        )

    async def latest_snapshot_before(
        self, campaign_id: int, period_prefix: str, period: str
    ) -> dict[str, Any] | None:
        return await self.session.scalar(
            select(SnapshotRow.figures)
            .where(
                SnapshotRow.campaign_id == campaign_id,
                SnapshotRow.period.like(period_prefix + "%"),
                SnapshotRow.period < period,
            )
            .order_by(SnapshotRow.period.desc())
            .limit(1)
        )

    async def snapshots_like(self, campaign_id: int, period_prefix: str) -> list[dict[str, Any]]:
        rows = await self.session.scalars(
            select(SnapshotRow.figures)
            .where(
                SnapshotRow.campaign_id == campaign_id,
                SnapshotRow.period.like(period_prefix.replace("%", "") + "%"),
            )
            .order_by(SnapshotRow.period)
        )
        return [dict(r) for r in rows]

    async def save_snapshot(
        self, campaign_id: int, period: str, figures: dict[str, Any], now: datetime
    ) -> None:
        if await self.snapshot(campaign_id, period) is None:
            self.session.add(
                SnapshotRow(campaign_id=campaign_id, period=period, figures=figures, created_at=now)
            )
            await self.session.flush()


class SqlChatMigrations(_Repo):
    """Groups that became supergroups: old chat id to new."""

    async def record_migration(self, old_chat_id: int, new_chat_id: int, now: datetime) -> None:
        if await self.session.get(ChatMigrationRow, old_chat_id) is None:
            self.session.add(
                ChatMigrationRow(old_chat_id=old_chat_id, new_chat_id=new_chat_id, migrated_at=now)
            )
            await self.session.flush()

    async def chat_for(self, chat_id: int) -> int:
        """Follow group-to-supergroup migrations to the chat's current id."""
        seen = {chat_id}
        while True:
            new = await self.session.scalar(
                select(ChatMigrationRow.new_chat_id).where(ChatMigrationRow.old_chat_id == chat_id)
            )
            if new is None or new in seen:
                return chat_id
            seen.add(new)
            chat_id = new


class SqlUpdateInbox(_Repo):
    """Incoming updates kept until handled (at-least-once intake)."""

    async def store_update(self, update_id: int, payload: dict[str, Any], now: datetime) -> bool:
        """Keep an incoming update until it is handled; False if it was stored before."""
        insert_for = self._insert_for()
        result = await self.session.execute(
            insert_for(ProcessedUpdateRow)
            .values(update_id=update_id, processed_at=now, payload=payload)
            .on_conflict_do_nothing(index_elements=[ProcessedUpdateRow.update_id])
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def store_updates(
        self, updates: Sequence[tuple[int, dict[str, Any]]], now: datetime
    ) -> set[int]:
        """Keep a batch of incoming updates; return the ids among them handled before."""
        if not updates:
            return set()
        insert_for = self._insert_for()
        await self.session.execute(
            insert_for(ProcessedUpdateRow)
            .values([{"update_id": i, "processed_at": now, "payload": p} for i, p in updates])
            .on_conflict_do_nothing(index_elements=[ProcessedUpdateRow.update_id])
        )
        done = await self.session.scalars(
            select(ProcessedUpdateRow.update_id).where(
                ProcessedUpdateRow.update_id.in_([i for i, _ in updates]),
                or_(ProcessedUpdateRow.done_at.is_not(None), ProcessedUpdateRow.payload.is_(None)),
            )
        )
        return set(done)

    async def update_done(self, update_id: int) -> bool:
        """Tell whether the update was handled already (rows from before payloads: yes)."""
        row = await self.session.get(ProcessedUpdateRow, update_id)
        return row is not None and (row.done_at is not None or row.payload is None)

    async def mark_updates_done(self, update_ids: Sequence[int], now: datetime) -> None:
        if not update_ids:
            return
        await self.session.execute(
            update(ProcessedUpdateRow)
            .where(ProcessedUpdateRow.update_id.in_(update_ids))
            .values(done_at=now, payload=None)  # nothing personal is kept once handled
        )

    async def pending_updates(self) -> list[dict[str, Any]]:
        """Updates stored but not handled (the process died meanwhile), oldest first."""
        rows = await self.session.scalars(
            select(ProcessedUpdateRow.payload)
            .where(ProcessedUpdateRow.done_at.is_(None), ProcessedUpdateRow.payload.is_not(None))
            .order_by(ProcessedUpdateRow.update_id)
        )
        return [dict(r) for r in rows if r is not None]

    async def take_orphans(self, stored_before: datetime, now: datetime) -> list[dict[str, Any]]:
        table = _table(ProcessedUpdateRow)
        rows = await self._rows(
            update(table)
            .where(
                table.c.done_at.is_(None),
                table.c.payload.is_not(None),
                table.c.processed_at < stored_before,
            )
            .values(processed_at=now)
            .returning(table.c.update_id, table.c.payload)
        )
        return [dict(payload) for _, payload in sorted(rows, key=lambda r: int(r[0]))]

    async def forget_updates_before(self, moment: datetime) -> None:
        await self.session.execute(
            delete(ProcessedUpdateRow).where(
                ProcessedUpdateRow.processed_at < moment, ProcessedUpdateRow.done_at.is_not(None)
            )
        )


_INSERT_AUDIT = insert(_table(AuditEventRow))


class SqlAudit(_Repo):
    """The append-only audit log."""

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
        await self._run(
            _INSERT_AUDIT,
            {
                "at": at,
                "actor_id": actor_id,
                "actor_label": actor_label,
                "action": action,
                "entity": entity,
                "entity_id": entity_id,
                "data": data or {},
            },
        )

    async def record_many(self, events: Sequence[NewAuditEvent]) -> None:
        if not events:
            return
        connection = await self.session.connection()
        await connection.execute(
            _INSERT_AUDIT,
            [
                {
                    "at": e.at,
                    "actor_id": e.actor_id,
                    "actor_label": None,
                    "action": e.action,
                    "entity": e.entity,
                    "entity_id": e.entity_id,
                    "data": e.data,
                }
                for e in events
            ],
        )

    async def counts(self, action: str, since: datetime, until: datetime) -> dict[int, int]:
        """How often each entity met the action in [since, until)."""
        rows = await self.session.execute(
            select(AuditEventRow.entity_id, func.count())
            .where(
                AuditEventRow.action == action,
                AuditEventRow.at >= since,
                AuditEventRow.at < until,
                AuditEventRow.entity_id.is_not(None),
            )
            .group_by(AuditEventRow.entity_id)
        )
        return {entity_id: int(n) for entity_id, n in rows if entity_id is not None}

    async def for_entity(self, entity: str, ids: Iterable[int]) -> list[AuditEvent]:
        """Return the events about these entities, oldest first."""
        wanted = set(ids)
        if not wanted:
            return []
        rows = await self.session.scalars(
            select(AuditEventRow)
            .where(AuditEventRow.entity == entity, AuditEventRow.entity_id.in_(wanted))
            .order_by(AuditEventRow.at, AuditEventRow.id)
        )
        return [
            AuditEvent(
                id=r.id,
                at=r.at,
                actor_id=r.actor_id,
                actor_label=r.actor_label,
                action=r.action,
                entity=r.entity,
                entity_id=r.entity_id,
                data=dict(r.data or {}),
            )
            for r in rows
        ]
