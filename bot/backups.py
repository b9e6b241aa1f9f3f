"""`rectibot backup DIR` and `rectibot restore DIR`: the database and the evidence files together.

A backup folder holds `rectibot.sqlite3` (SQLite: a consistent copy taken while the bot runs),
`evidence/` (every stored file, copied after the database so that every file the copy refers to
is there) and `manifest.json` (when, which schema, where the evidence lived). On PostgreSQL the
database is pg_dump's job: the command is printed, the evidence is copied the same way.
"""

from __future__ import annotations

import asyncio
import json
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.single import hold_sqlite_lock
from config.settings import ConfigError, Settings
from domain.texts import Phrase
from storage.backup import copy_sqlite, move_evidence, schema_of, sqlite_path
from storage.migrate import head_revision

DATABASE = "rectibot.sqlite3"
EVIDENCE = "evidence"
MANIFEST = "manifest.json"


@dataclass(frozen=True, slots=True)
class Done:
    """What a backup or a restore did, for the one-paragraph report."""

    folder: Path
    files: int
    lines: list[Phrase]  # said in DEFAULT_LANGUAGE by the CLI


def evidence_root(settings: Settings) -> Path:
    """Where the bot stores evidence files (as bot/app.py wires the fetcher)."""
    return settings.data_dir.resolve() / EVIDENCE


def backup(settings: Settings, into: Path, now: datetime) -> Done:
    """Write a new backup folder under `into`."""
    folder = into / f"rectibot-backup-{now:%Y%m%d-%H%M%S}"
    if folder.exists():
        raise ConfigError(f"{folder} exists already; wait a second or choose another folder")
    url = settings.effective_database_url
    source = sqlite_path(url)
    lines: list[Phrase] = []
    folder.mkdir(parents=True)
    if source is not None:
        if not source.exists():
            raise ConfigError(f"DATABASE_URL: there is no database at {source} to back up")
        copy_sqlite(source, folder / DATABASE)
        schema = schema_of(folder / DATABASE)
        lines.append(Phrase.of("backup.database", path=folder / DATABASE, schema=schema))
    else:
        dump = folder / "rectibot.dump"
        lines.append(Phrase.of("backup.pg_dump", command=pg_dump(url, dump)))
    files = _copy_tree(evidence_root(settings), folder / EVIDENCE)
    lines.append(Phrase.of("backup.evidence", count=files, path=folder / EVIDENCE))
    manifest = {
        "taken_at": now.isoformat(),
        "schema": schema_of(folder / DATABASE) if source is not None else head_revision(),
        "database": "sqlite" if source is not None else "postgresql",
        "evidence_root": str(evidence_root(settings)),
        "evidence_files": files,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), "utf-8")
    return Done(folder, files, lines)


def restore(settings: Settings, folder: Path, now: datetime) -> Done:
    """Put a backup folder back in place of the current SQLite database and evidence."""
    manifest = _manifest(folder)
    url = settings.effective_database_url
    target = sqlite_path(url)
    if target is None:
        raise ConfigError(
            "restore works on SQLite; on PostgreSQL use pg_restore: "
            + pg_restore(url, folder / "rectibot.dump")
        )
    copy = folder / DATABASE
    revision = schema_of(copy) if copy.exists() else None
    if revision is None:
        raise ConfigError(f"{copy} is missing or not a rectibot database; nothing was changed")
    lock = hold_sqlite_lock(url)  # refuses while a bot runs on this file
    try:
        lines: list[Phrase] = []
        if target.exists():
            aside = target.with_name(f"{target.name}.before-restore-{now:%Y%m%d-%H%M%S}")
            copy_sqlite(target, aside)
            lines.append(Phrase.of("backup.replaced", path=aside))
        for leftover in (target.with_name(target.name + s) for s in ("-wal", "-shm")):
            leftover.unlink(missing_ok=True)
        copy_sqlite(copy, target)
        files = _copy_tree(folder / EVIDENCE, evidence_root(settings))
        moved = asyncio.run(
            move_evidence(url, str(manifest["evidence_root"]), str(evidence_root(settings)))
        )
    finally:
        if lock is not None:
            lock.close()
    lines.insert(0, Phrase.of("backup.restored_database", path=target, schema=revision))
    lines.append(Phrase.of("backup.evidence", count=files, path=evidence_root(settings)))
    if moved:
        lines.append(Phrase.of("backup.moved", count=moved, path=evidence_root(settings)))
    return Done(folder, files, lines)


def _manifest(folder: Path) -> dict[str, object]:
    try:
        data = json.loads((folder / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        raise ConfigError(f"{folder} is not a rectibot backup (no readable {MANIFEST})") from None
    if not isinstance(data, dict) or "evidence_root" not in data:
        raise ConfigError(f"{folder / MANIFEST} is not a rectibot backup manifest")
    return data


def _copy_tree(source: Path, target: Path) -> int:
    """Copy every file under `source` into `target` (existing files are kept); count them."""
    count = 0
    if not source.is_dir():
        return 0
    for path in sorted(source.rglob("*")):
        if path.is_file() and not path.name.endswith(".part"):
            destination = target / path.relative_to(source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            if not destination.exists():
                shutil.copy2(path, destination)
            count += 1
    return count


def pg_dump(url: str, target: Path) -> str:
    """The pg_dump command that writes this database to `target` (custom format)."""
    parsed = make_url(url)
    return (
        f"pg_dump -Fc -h {parsed.host or 'localhost'} -p {parsed.port or 5432} "
        f"-U {parsed.username or 'postgres'} -d {parsed.database} -f {target}"
    )


def pg_restore(url: str, source: Path) -> str:
    """The pg_restore command that puts a dump back into this database."""
    parsed = make_url(url)
    return (
        f"stop the bot, then pg_restore --clean --if-exists -h {parsed.host or 'localhost'} "
        f"-p {parsed.port or 5432} -U {parsed.username or 'postgres'} -d {parsed.database} "
        f"{source}"
    )
