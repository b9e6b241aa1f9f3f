"""Consistent copies of a SQLite database, and moving evidence paths when a copy comes back.

The copy uses SQLite's online backup API, so the bot may keep running: the copy is the database
as of one moment, never half a transaction.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from sqlalchemy import func, update
from sqlalchemy.engine import make_url

from storage.database import make_engine
from storage.tables import EvidenceRow


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (None for PostgreSQL or an in-memory database)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def copy_sqlite(source: Path, target: Path) -> None:
    """Copy a live SQLite database consistently (the online backup API)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


def schema_of(path: Path) -> str | None:
    """The schema revision a SQLite file holds; None if it is not a rectibot database."""
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            if db.execute("PRAGMA integrity_check").fetchone() != ("ok",):
                return None
            row = db.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError:
        return None
    return str(row[0]) if row else None


async def move_evidence(url: str, old_root: str, new_root: str) -> int:
    """Point stored evidence paths under `old_root` to `new_root`; return how many moved."""
    if old_root == new_root:
        return 0
    engine = make_engine(url)
    try:
        async with engine.begin() as connection:
            column = EvidenceRow.stored_path
            result = await connection.execute(
                update(EvidenceRow)
                .where(column.startswith(old_root, autoescape=True))
                .values(stored_path=new_root + func.substr(column, len(old_root) + 1))
            )
            return int(result.rowcount)
    finally:
        await engine.dispose()
