"""storage.backup: which files are rectibot databases, and moving evidence paths on restore."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from domain.model import Attachment, Role
from storage.backup import move_evidence, schema_of
from storage.database import make_engine, make_session_factory
from storage.migrate import head_revision
from storage.tables import EvidenceRow
from storage.uow import SqlUnitOfWork

WHEN = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)


def test_a_file_that_is_no_database_has_no_schema(tmp_path: Path) -> None:
    path = tmp_path / "rectibot.sqlite3"
    path.write_bytes(b"PK\x03\x04 a workbook, saved under the wrong name" * 50)
    assert schema_of(path) is None


def test_a_damaged_database_has_no_schema_even_if_its_version_row_reads(tmp_path: Path) -> None:
    path = tmp_path / "rectibot.sqlite3"
    with closing(sqlite3.connect(path)) as db:
        db.executescript(
            "CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY);"
            f"INSERT INTO alembic_version VALUES ('{head_revision()}');"
            "CREATE TABLE tasks (a INTEGER, b INTEGER);"
            "CREATE INDEX ix_tasks_a ON tasks (a);"
            "INSERT INTO tasks VALUES (1, 2), (3, 4);"
        )
    assert schema_of(path) == head_revision()  # sound so far
    with closing(sqlite3.connect(path)) as db:
        db.execute("PRAGMA writable_schema=ON")  # the index now claims to cover another column
        db.execute("UPDATE sqlite_master SET sql = 'CREATE INDEX ix_tasks_a ON tasks (b)' "
                   "WHERE name = 'ix_tasks_a'")  # fmt: skip
        db.commit()
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchone() == (
            head_revision(),
        )
    assert schema_of(path) is None


async def stored_paths(url: str) -> list[str | None]:
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            return list(await connection.scalars(select(EvidenceRow.stored_path)))
    finally:
        await engine.dispose()


async def test_evidence_paths_move_once_and_not_when_the_folder_stays(
    database_url: str, tmp_path: Path
) -> None:
    old, new = tmp_path / "old" / "evidence", tmp_path / "new" / "evidence"
    engine = make_engine(database_url)
    try:
        async with SqlUnitOfWork(make_session_factory(engine)) as uow:
            person = await uow.people.add(
                name="王建国", unit_id=None, roles=[Role.OFFICIAL], phone=None,
                telegram_username=None, now=WHEN,
            )  # fmt: skip
            report = await uow.reports.add(
                task_id=None, author_id=person.id, chat_id=1, message_id=1, now=WHEN
            )
            for name in ("a.jpg", "b.jpg"):
                photo = Attachment("f", "u", name, "image/jpeg", 1, None, f"{old}/ab/{name}")
                await uow.reports.add_evidence(report=report, attachment=photo, now=WHEN)
            other = Attachment("f", "u", "c.jpg", "image/jpeg", 1, None, "/elsewhere/c.jpg")
            await uow.reports.add_evidence(report=report, attachment=other, now=WHEN)
            await uow.commit()
    finally:
        await engine.dispose()

    assert await move_evidence(database_url, str(old), str(old)) == 0
    assert await move_evidence(database_url, str(old), str(new)) == 2
    assert await move_evidence(database_url, str(old), str(new)) == 0
    assert sorted(p or "" for p in await stored_paths(database_url)) == [
        "/elsewhere/c.jpg", f"{new}/ab/a.jpg", f"{new}/ab/b.jpg",
    ]  # fmt: skip
