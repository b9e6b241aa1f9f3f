"""一事一档: per task a folder with its history document and evidence files, zipped in parts."""

from __future__ import annotations

import asyncio
import io
import os
import re
import shutil
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import BinaryIO, Protocol

from domain.errors import NotFound
from domain.ports import Clock, UnitOfWork
from domain.records.history import TaskHistory, load_history
from domain.texts import text

# Telegram bots may upload 50 MB; a margin stays for the multipart request around the file.
DEFAULT_PART_LIMIT = 45 * 1024 * 1024
# Stored (not deflated) entries make a part's size exact: local header 30 + central record 46
# bytes, the name twice, and room for zip64 extra fields; the end record needs 22 (98 as zip64).
_ENTRY_OVERHEAD = 30 + 46 + 64
_ARCHIVE_OVERHEAD = 128
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


class EvidenceFiles(Protocol):
    """Where the stored evidence copies are read from."""

    def size(self, path: str) -> int | None:
        """Return the stored file's size, or None when it is not there."""
        ...

    def open(self, path: str) -> BinaryIO:
        """Open the stored file for reading."""
        ...


class LocalFiles:
    """Evidence copies on the local disk, where the bot's file fetcher keeps them."""

    def size(self, path: str) -> int | None:
        """Return the file's size, or None when it is missing."""
        try:
            return os.stat(path).st_size if os.path.isfile(path) else None
        except OSError:
            return None

    def open(self, path: str) -> BinaryIO:
        """Open the file for reading."""
        return open(path, "rb")  # the caller closes it


@dataclass(frozen=True, slots=True)
class DossierPart:
    """One zip file of a dossier, ready to send."""

    name: str
    data: bytes


@dataclass(frozen=True, slots=True)
class _Entry:
    """A file of the archive: the history document (bytes) or a stored evidence copy (path)."""

    arcname: str
    size: int
    at: datetime  # local wall-clock time, as zip stores it
    data: bytes | None = None
    path: str | None = None

    @property
    def cost(self) -> int:
        return self.size + 2 * len(self.arcname.encode()) + _ENTRY_OVERHEAD


class Dossier:
    """The planned parts of a dossier; each zip is built only when asked for.

    Iterate to get the parts one at a time (only one part is in memory); `part(i)` builds one,
    e.g. in a worker thread, since it reads the evidence files from disk.
    """

    def __init__(self, base: str, parts: Sequence[Sequence[_Entry]], files: EvidenceFiles) -> None:
        self._base = base
        self._parts = [tuple(p) for p in parts]
        self._files = files

    def __len__(self) -> int:
        return len(self._parts)

    def __iter__(self) -> Iterator[DossierPart]:
        for index in range(len(self._parts)):
            yield self.part(index)

    @property
    def names(self) -> list[str]:
        """Return the file names of the parts."""
        return [self._name(i) for i in range(len(self._parts))]

    def part(self, index: int) -> DossierPart:
        """Build the zip of part `index` (0-based)."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
            for entry in self._parts[index]:
                info = zipfile.ZipInfo(entry.arcname, entry.at.timetuple()[:6])
                info.compress_type = zipfile.ZIP_STORED
                if entry.data is not None:
                    archive.writestr(info, entry.data)
                else:
                    assert entry.path is not None
                    with (
                        self._files.open(entry.path) as source,
                        archive.open(info, "w", force_zip64=entry.size > 2**31) as target,
                    ):
                        shutil.copyfileobj(source, target, 1024 * 1024)
        return DossierPart(self._name(index), buffer.getvalue())

    def _name(self, index: int) -> str:
        if len(self._parts) == 1:
            return f"{self._base}.zip"
        return f"{self._base}-{index + 1}of{len(self._parts)}.zip"


async def build_dossier(
    *,
    uow: UnitOfWork,
    clock: Clock,
    campaign_id: int,
    task_ids: Sequence[int] | None = None,
    unit: str | None = None,
    lang: str,
    tz: tzinfo,
    part_limit: int = DEFAULT_PART_LIMIT,
    files: EvidenceFiles | None = None,
) -> Dossier:
    """Plan the dossier of some tasks (by id), a unit's tasks, or, given neither, all of them."""
    files = files or LocalFiles()
    async with uow:
        campaign = await uow.campaigns.get(campaign_id)
        if campaign is None:
            raise NotFound()
        views = await uow.tasks.views_for_campaign(campaign_id)
        if task_ids is not None:
            wanted = set(task_ids)
            views = [v for v in views if v.id in wanted]
            if len(views) != len(wanted):
                raise NotFound()
        if unit is not None:
            views = [v for v in views if v.unit_name == unit]
        if not views:
            raise NotFound()
        histories = [await load_history(uow, v.id) for v in views]
    now = clock.now()
    # Laying out the documents takes a while for a whole unit: keep the event loop free.
    entries = await asyncio.to_thread(_all_entries, histories, files, lang, tz, part_limit, now)
    scope = unit or (views[0].number if len(views) == 1 else f"{len(views)}")
    base = _safe(f"{text('dossier.zip_name', lang)}-{campaign.name}-{scope}")
    return Dossier(base, _pack(entries, part_limit), files)


def _all_entries(
    histories: Sequence[TaskHistory],
    files: EvidenceFiles,
    lang: str,
    tz: tzinfo,
    part_limit: int,
    now: datetime,
) -> list[_Entry]:
    return [
        entry
        for history in histories
        for entry in _task_entries(history, files, lang, tz, part_limit, now)
    ]


def _task_entries(
    history: TaskHistory,
    files: EvidenceFiles,
    lang: str,
    tz: tzinfo,
    part_limit: int,
    now: datetime,
) -> list[_Entry]:
    """Return the task's document and the evidence copies that fit in a part."""
    folder = _safe(history.task.number)
    where: dict[int, str] = {}
    copies: list[_Entry] = []
    limit_mb = f"{part_limit / (1024 * 1024):g}"
    for index, item in enumerate(history.evidence, start=1):
        size = files.size(item.stored_path) if item.stored_path else None
        if size is None:
            where[item.id] = text("dossier.not_stored", lang)
            continue
        entry = _Entry(
            arcname=f"{folder}/{index:02d}_{_safe(item.name)}",
            size=size,
            at=item.at.astimezone(tz),
            path=item.stored_path,
        )
        if entry.cost + _ARCHIVE_OVERHEAD > part_limit:
            where[item.id] = text("dossier.too_big", lang, limit=limit_mb)
            continue
        where[item.id] = entry.arcname
        copies.append(entry)
    from domain.records.history_doc import history_docx  # python-docx loads with the first dossier

    document = history_docx(history, lang=lang, tz=tz, where=where, generated_at=now)
    doc_name = f"{folder}/{folder}-{text('dossier.doc_name', lang)}.docx"
    head = _Entry(doc_name, len(document), now.astimezone(tz), data=document)
    if head.cost + _ARCHIVE_OVERHEAD > part_limit:
        raise ValueError(f"part_limit {part_limit} is too small for the history of {folder}")
    return [head, *copies]


def _pack(entries: Sequence[_Entry], part_limit: int) -> list[list[_Entry]]:
    """Fill parts in order; a task's files may continue in the next part."""
    parts: list[list[_Entry]] = [[]]
    used = _ARCHIVE_OVERHEAD
    for entry in entries:
        if parts[-1] and used + entry.cost > part_limit:
            parts.append([])
            used = _ARCHIVE_OVERHEAD
        parts[-1].append(entry)
        used += entry.cost
    return parts


def _safe(name: str) -> str:
    """Make a file or folder name that every unzip tool accepts."""
    return _UNSAFE.sub("_", name).strip(" .")[:100] or "_"
