"""Evidence files: download from Telegram into the data folder, hashed."""

from __future__ import annotations

import asyncio
import hashlib
import io
import logging
import os
import re
from dataclasses import replace
from pathlib import Path

from telegram import Bot
from telegram.error import BadRequest

from domain.model import Attachment

log = logging.getLogger(__name__)
_UNSAFE = re.compile(r"[^\w.\-\u4e00-\u9fff]+")


class TelegramFileFetcher:
    """Fetch files through the Bot API; over `limit` bytes they are recorded by id only."""

    def __init__(self, folder: Path, limit: int | None) -> None:
        self.folder = folder
        self.limit = limit  # None: a self-hosted Bot API server with no download limit

    async def fetch(
        self,
        bot: Bot,
        *,
        file_id: str,
        file_unique_id: str,
        name: str,
        mime_type: str | None,
        size: int | None,
    ) -> Attachment:
        """Download and store the file, or return an unfetched record if it is too big."""
        unfetched = Attachment(file_id, file_unique_id, name, mime_type, size, None, None)
        if self.limit is not None and size is not None and size > self.limit:
            return unfetched
        try:
            handle = await bot.get_file(file_id)
            buffer = io.BytesIO()
            await handle.download_to_memory(buffer)
        except BadRequest as exc:
            if "too big" in exc.message.lower():
                return unfetched
            raise
        data = buffer.getvalue()
        digest = hashlib.sha256(data).hexdigest()
        if size is not None and len(data) != size:  # a download cut short
            log.warning("file %s: got %d of %d bytes", file_unique_id, len(data), size)
            return replace(unfetched, not_saved=True)
        path = self.folder / digest[:2] / f"{digest[:16]}_{safe_name(name)}"
        try:
            await asyncio.to_thread(store_file, path, data, digest)
        except OSError as exc:  # a full disk, a read-only folder: keep the report, ask again
            log.error("could not store evidence %s: %s", path, exc)
            return replace(unfetched, not_saved=True)
        return Attachment(file_id, file_unique_id, name, mime_type, len(data), digest, str(path))


def store_file(path: Path, data: bytes, digest: str) -> None:
    """Write under a temporary name, check it, then rename: a file on disk is always whole.

    A file already there is reused only if its content has the expected hash (an earlier
    write may have been cut short before this rule existed).
    """
    if path.exists() and hashlib.sha256(path.read_bytes()).hexdigest() == digest:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        with partial.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if partial.stat().st_size != len(data):
            raise OSError(f"short write: {partial.stat().st_size} of {len(data)} bytes")
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def safe_name(name: str) -> str:
    """Return a file name safe to use on disk (no paths, no odd characters)."""
    base = Path(name.replace("\\", "/")).name
    cleaned = _UNSAFE.sub("_", base).strip("._") or "file"
    return cleaned[-100:]
