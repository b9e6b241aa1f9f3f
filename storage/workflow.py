"""SQL repositories of staged work: imports, prompts, extensions, multi-measure reports."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from sqlalchemy import select, update

from domain.model import (
    Attachment,
    BatchItem,
    Extension,
    Prompt,
    PromptKind,
    Refusal,
    Report,
    ReportBatch,
    StagedImport,
)
from storage.repositories import _Repo, _report
from storage.tables import (
    ExtensionRow,
    ProgressUpdateRow,
    PromptRow,
    ReportBatchRow,
    StagedImportRow,
    TaskRow,
)


def _staged(row: StagedImportRow) -> StagedImport:
    return StagedImport(
        id=row.id,
        person_id=row.person_id,
        campaign_id=row.campaign_id,
        campaign_name=row.campaign_name,
        file_name=row.file_name,
        data=row.data,
        created_at=row.created_at,
        outcome=row.outcome,
    )


class SqlStaging(_Repo):
    """Uploaded workbooks awaiting a decision."""

    async def add(
        self,
        *,
        person_id: int,
        campaign_id: int | None,
        campaign_name: str | None,
        file_name: str,
        data: bytes,
        now: datetime,
    ) -> int:
        row = StagedImportRow(
            person_id=person_id,
            campaign_id=campaign_id,
            campaign_name=campaign_name,
            file_name=file_name[:255],
            data=data,
            created_at=now,
        )
        self.session.add(row)
        await self.session.flush()
        return row.id

    async def get(self, staged_id: int) -> StagedImport | None:
        row = await self.session.get(StagedImportRow, staged_id)
        return _staged(row) if row is not None else None

    async def decide(self, staged_id: int, outcome: str, now: datetime) -> bool:
        # Conditional update: of two concurrent presses only one wins.
        result = await self.session.execute(
            update(StagedImportRow)
            .where(StagedImportRow.id == staged_id, StagedImportRow.outcome.is_(None))
            # The upload is not kept once decided: the tasks (or nothing) are what remains.
            .values(outcome=outcome, decided_at=now, data=b"")
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def expire_before(self, moment: datetime, now: datetime) -> int:
        # The file itself is dropped: a stale upload is not kept around.
        result = await self.session.execute(
            update(StagedImportRow)
            .where(StagedImportRow.outcome.is_(None), StagedImportRow.created_at < moment)
            .values(outcome="expired", decided_at=now, data=b"")
        )
        return int(result.rowcount)  # type: ignore[attr-defined]


class SqlPrompts(_Repo):
    """ForceReply questions and whether they were answered."""

    async def add(
        self,
        *,
        chat_id: int,
        message_id: int,
        person_id: int,
        kind: str,
        target_id: int,
        now: datetime,
    ) -> None:
        self.session.add(
            PromptRow(
                chat_id=chat_id,
                message_id=message_id,
                person_id=person_id,
                kind=kind,
                target_id=target_id,
                created_at=now,
            )
        )
        await self.session.flush()

    async def for_message(self, chat_id: int, message_id: int) -> Prompt | None:
        row = await self.session.scalar(
            select(PromptRow).where(
                PromptRow.chat_id == chat_id, PromptRow.message_id == message_id
            )
        )
        if row is None:
            return None
        return Prompt(
            id=row.id,
            chat_id=row.chat_id,
            message_id=row.message_id,
            person_id=row.person_id,
            kind=PromptKind(row.kind),
            target_id=row.target_id,
            answered=row.answered_at is not None,
        )

    async def answer(self, prompt_id: int, now: datetime) -> bool:
        result = await self.session.execute(
            update(PromptRow)
            .where(PromptRow.id == prompt_id, PromptRow.answered_at.is_(None))
            .values(answered_at=now)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]


def _extension(row: ExtensionRow) -> Extension:
    return Extension(
        id=row.id,
        task_id=row.task_id,
        person_id=row.person_id,
        reason=row.reason,
        old_due=row.old_due,
        requested_due=row.requested_due,
        created_at=row.created_at,
        outcome=row.outcome,
        new_due=row.new_due,
        decided_by=row.decided_by,
        note=row.note,
    )


class SqlExtensions(_Repo):
    """Deadline extension requests."""

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
        row = ExtensionRow(
            task_id=task_id,
            person_id=person_id,
            reason=reason,
            old_due=old_due,
            requested_due=requested_due,
            created_at=now,
        )
        self.session.add(row)
        await self.session.flush()
        return row.id

    async def get(self, extension_id: int) -> Extension | None:
        row = await self.session.get(ExtensionRow, extension_id)
        return _extension(row) if row is not None else None

    async def open_for_task(self, task_id: int) -> Extension | None:
        row = await self.session.scalar(
            select(ExtensionRow)
            .where(ExtensionRow.task_id == task_id, ExtensionRow.outcome.is_(None))
            .order_by(ExtensionRow.id.desc())
            .limit(1)
        )
        return _extension(row) if row is not None else None

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
        result = await self.session.execute(
            update(ExtensionRow)
            .where(ExtensionRow.id == extension_id, ExtensionRow.outcome.is_(None))
            .values(
                outcome=outcome, decided_by=decided_by, new_due=new_due, note=note, decided_at=now
            )
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def for_task(self, task_id: int) -> list[Extension]:
        rows = await self.session.scalars(
            select(ExtensionRow).where(ExtensionRow.task_id == task_id).order_by(ExtensionRow.id)
        )
        return [_extension(r) for r in rows]

    async def granted_in_campaign(self, campaign_id: int) -> dict[int, list[Extension]]:
        rows = await self.session.scalars(
            select(ExtensionRow)
            .join(TaskRow, TaskRow.id == ExtensionRow.task_id)
            .where(TaskRow.campaign_id == campaign_id, ExtensionRow.outcome == "approved")
            .order_by(ExtensionRow.id)
        )
        granted: dict[int, list[Extension]] = {}
        for row in rows:
            granted.setdefault(row.task_id, []).append(_extension(row))
        return granted


def _batch_item(stored: dict[str, Any]) -> BatchItem:
    refused = stored.get("refused")
    return BatchItem(**{**stored, "refused": Refusal(refused) if refused else None})


def _batch(row: ReportBatchRow) -> ReportBatch:
    return ReportBatch(
        id=row.id,
        author_id=row.author_id,
        chat_id=row.chat_id,
        message_id=row.message_id,
        text=row.text,
        items=tuple(_batch_item(item) for item in row.items or []),
        attachments=tuple(Attachment(**a) for a in row.attachments or []),
        media_group_id=row.media_group_id,
        status=row.status,
        card_message_id=row.card_message_id,
        created_at=row.created_at,
        replaces_id=row.replaces_id,
    )


def _items(items: Sequence[BatchItem]) -> list[dict[str, Any]]:
    return [asdict(item) for item in items]


class SqlBatches(_Repo):
    """Messages about several measures, staged until the author confirms the card."""

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
    ) -> ReportBatch:
        row = ReportBatchRow(
            author_id=author_id,
            chat_id=chat_id,
            message_id=message_id,
            text=text,
            items=_items(items),
            attachments=[],
            media_group_id=media_group_id,
            status="pending",
            replaces_id=replaces_id,
            created_at=now,
        )
        self.session.add(row)
        await self.session.flush()
        return _batch(row)

    async def get(self, batch_id: int) -> ReportBatch | None:
        row = await self.session.get(ReportBatchRow, batch_id)
        return _batch(row) if row is not None else None

    async def for_message(self, chat_id: int, message_id: int) -> ReportBatch | None:
        row = await self.session.scalar(
            select(ReportBatchRow)
            .where(ReportBatchRow.chat_id == chat_id, ReportBatchRow.message_id == message_id)
            .order_by(ReportBatchRow.id.desc())
            .limit(1)
        )
        return _batch(row) if row is not None else None

    async def for_media_group(self, author_id: int, media_group_id: str) -> ReportBatch | None:
        row = await self.session.scalar(
            select(ReportBatchRow)
            .where(
                ReportBatchRow.author_id == author_id,
                ReportBatchRow.media_group_id == media_group_id,
            )
            .order_by(ReportBatchRow.id.desc())
            .limit(1)
        )
        return _batch(row) if row is not None else None

    async def set_items(self, batch_id: int, items: Sequence[BatchItem]) -> None:
        await self.session.execute(
            update(ReportBatchRow).where(ReportBatchRow.id == batch_id).values(items=_items(items))
        )

    async def add_attachment(self, batch_id: int, attachment: Attachment) -> None:
        row = await self.session.get(ReportBatchRow, batch_id, with_for_update=True)
        if row is not None:
            row.attachments = [*(row.attachments or []), asdict(attachment)]
            await self.session.flush()

    async def set_card(self, batch_id: int, message_id: int) -> None:
        await self.session.execute(
            update(ReportBatchRow)
            .where(ReportBatchRow.id == batch_id)
            .values(card_message_id=message_id)
        )

    async def decide(self, batch_id: int, status: str, now: datetime) -> bool:
        # Conditional update: of two concurrent presses only one wins.
        result = await self.session.execute(
            update(ReportBatchRow)
            .where(ReportBatchRow.id == batch_id, ReportBatchRow.status == "pending")
            .values(status=status, decided_at=now)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def reports_of(self, batch_id: int) -> list[Report]:
        rows = await self.session.scalars(
            select(ProgressUpdateRow)
            .where(ProgressUpdateRow.batch_id == batch_id)
            .order_by(ProgressUpdateRow.id)
        )
        return [_report(r) for r in rows]
