"""`rectibot backup` and `rectibot restore`: a round trip with evidence files, and refusals."""

from __future__ import annotations

import asyncio
import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.cli import main
from bot.single import hold_sqlite_lock
from domain.model import Attachment
from storage.database import make_engine, make_session_factory
from storage.migrate import head_revision
from storage.tables import EvidenceRow
from storage.uow import SqlUnitOfWork
from tests.conftest import PUTUO_XLSX

PHOTO = b"\xff\xd8\xff\xe0 a photo of the rectified site"


async def cli(*argv: str) -> int:
    return await asyncio.to_thread(main, list(argv))


def use(monkeypatch: pytest.MonkeyPatch, data: Path, url: str) -> None:
    monkeypatch.setenv("DATA_DIR", str(data))
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("DEFAULT_LANGUAGE", "en")  # an operator who reads English


def write_photo(data: Path) -> tuple[str, Path]:
    """Store a photo where the bot's file fetcher would; return its hash and path."""
    digest = hashlib.sha256(PHOTO).hexdigest()
    path = data.resolve() / "evidence" / digest[:2] / f"{digest[:16]}_site.jpg"
    path.parent.mkdir(parents=True)
    path.write_bytes(PHOTO)
    return digest, path


def content(path: str) -> bytes:
    return Path(path).read_bytes()


async def add_evidence(url: str, data: Path) -> str:
    """Store a photo and file it under a report; return its stored path."""
    digest, path = write_photo(data)
    engine = make_engine(url)
    try:
        async with SqlUnitOfWork(make_session_factory(engine)) as uow:
            person = (await uow.people.active())[0]
            report = await uow.reports.add(
                task_id=None, author_id=person.id, chat_id=1, message_id=1,
                now=datetime.now(UTC), text="现场已整改",
            )  # fmt: skip
            attachment = Attachment("f1", "u1", "site.jpg", "image/jpeg", len(PHOTO), digest,
                                    str(path))  # fmt: skip
            await uow.reports.add_evidence(
                report=report, attachment=attachment, now=report.created_at
            )
            await uow.commit()
    finally:
        await engine.dispose()
    return str(path)


async def stored_paths(url: str) -> list[str]:
    engine = make_engine(url)
    try:
        async with SqlUnitOfWork(make_session_factory(engine)) as uow:
            campaign = await uow.campaigns.by_name("普陀")
            assert campaign is not None
            assert len(await uow.tasks.views_for_campaign(campaign.id)) == 152
            paths = await uow.reports.session.scalars(select(EvidenceRow.stored_path))
            return [p or "" for p in paths]
    finally:
        await engine.dispose()


async def test_a_backup_restored_on_another_folder_brings_back_the_round_and_its_files(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    old, new = tmp_path / "old-server", tmp_path / "new-server"
    use(monkeypatch, old, f"sqlite:///{old / 'rectibot.sqlite3'}")
    assert await cli("import", str(PUTUO_XLSX), "--campaign", "普陀") == 0
    await add_evidence(f"sqlite+aiosqlite:///{old / 'rectibot.sqlite3'}", old)

    assert await cli("backup", str(tmp_path / "backups")) == 0
    out = capsys.readouterr().out
    folder = next((tmp_path / "backups").iterdir())
    assert f"Backup written to {folder}" in out
    assert "evidence: 1 file(s)" in out
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    assert manifest["schema"] == head_revision()
    assert manifest["evidence_root"] == str((old / "evidence").resolve())

    # The old server is gone; the backup comes back on a new one with another data folder.
    use(monkeypatch, new, f"sqlite:///{new / 'rectibot.sqlite3'}")
    assert await cli("restore", str(folder)) == 0
    out = capsys.readouterr().out
    assert "1 evidence path(s) now point into" in out
    [path] = await stored_paths(f"sqlite+aiosqlite:///{new / 'rectibot.sqlite3'}")
    assert path.startswith(str(new / "evidence"))  # (tmp_path is resolved already)
    assert content(path) == PHOTO

    # Restoring again keeps the database it replaces beside it.
    assert await cli("restore", str(folder)) == 0
    assert "the database it replaces:" in capsys.readouterr().out
    assert list(new.glob("rectibot.sqlite3.before-restore-*"))


async def test_restore_refuses_a_running_bot_and_a_folder_that_is_no_backup(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    url = f"sqlite:///{tmp_path / 'data' / 'rectibot.sqlite3'}"
    use(monkeypatch, tmp_path / "data", url)
    assert await cli("import", str(PUTUO_XLSX), "--campaign", "普陀") == 0
    assert await cli("backup", str(tmp_path / "backups")) == 0
    folder = next((tmp_path / "backups").iterdir())
    capsys.readouterr()

    assert await cli("restore", str(tmp_path)) == 2
    assert "is not a rectibot backup" in capsys.readouterr().err

    running = hold_sqlite_lock(url.replace("sqlite:", "sqlite+aiosqlite:"))
    try:
        assert await cli("restore", str(folder)) == 2
        err = capsys.readouterr().err
    finally:
        assert running is not None
        running.close()
    assert "is already running" in err
    assert not list((tmp_path / "data").glob("*.before-restore-*"))  # nothing was touched


async def test_on_postgresql_backup_copies_the_files_and_names_the_pg_dump_command(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database_url: str,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    if not database_url.startswith("postgresql"):
        pytest.skip("the SQLite round trip is above")
    monkeypatch.chdir(tmp_path)
    use(monkeypatch, tmp_path / "data", database_url)
    assert await cli("import", str(PUTUO_XLSX), "--campaign", "普陀") == 0
    await add_evidence(database_url, tmp_path / "data")
    assert await cli("backup", str(tmp_path / "backups")) == 0
    out = capsys.readouterr().out
    assert "pg_dump -Fc -h 127.0.0.1 -p 5432 -U postgres -d " in out
    assert "evidence: 1 file(s)" in out
    folder = next((tmp_path / "backups").iterdir())
    assert await cli("restore", str(folder)) == 2
    assert "pg_restore --clean" in capsys.readouterr().err
