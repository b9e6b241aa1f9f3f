"""Every migration can be undone: down to an empty schema and back up to the models, in-process.

Alembic's env.py runs its own event loop, so the commands run in a worker thread, as
`storage.migrate.upgrade` does.
"""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, datetime
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import bindparam, inspect, text

from bot.clock import ManualClock
from domain.intake import importing
from domain.intake.workbook import read_workbook
from domain.model import Attachment
from storage.database import make_engine, make_session_factory
from storage.migrate import alembic_config, current_revision, head_revision, upgrade
from storage.tables import Base, TZDateTime
from storage.uow import SqlUnitOfWork

WHEN = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
KEPT = ("campaigns", "people", "tasks", "progress_updates", "report_parts", "evidence")


async def downgrade(url: str, revision: str) -> None:
    await asyncio.to_thread(command.downgrade, alembic_config(url), revision)


async def checks_of(url: str, table: str) -> set[str]:
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            found = await connection.run_sync(
                lambda sync: inspect(sync).get_check_constraints(table)
            )
            return {str(c["name"]) for c in found}
    finally:
        await engine.dispose()


async def tables_of(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            return set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))
    finally:
        await engine.dispose()


async def schema_differences(url: str) -> list[Any]:
    engine = make_engine(url)

    def differences(connection: Any) -> list[Any]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))

    try:
        async with engine.connect() as connection:
            return await connection.run_sync(differences)
    finally:
        await engine.dispose()


async def counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            return {
                name: int(await connection.scalar(text(f"SELECT count(*) FROM {name}")) or 0)
                for name in KEPT
            }
    finally:
        await engine.dispose()


async def audit_guards_of(url: str) -> list[str]:
    """The append-only guards of the audit log left in the database (triggers, function)."""
    engine = make_engine(url)
    if engine.dialect.name == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
    else:
        query = "SELECT proname FROM pg_proc WHERE proname = 'audit_events_append_only'"
    try:
        async with engine.connect() as connection:
            return list((await connection.scalars(text(query))).all())
    finally:
        await engine.dispose()


async def test_downgrading_to_base_leaves_no_table_of_ours_and_upgrading_again_rebuilds_the_models(
    database_url: str,
) -> None:
    assert set(Base.metadata.tables) <= await tables_of(database_url)
    assert await audit_guards_of(database_url)

    await downgrade(database_url, "base")

    assert await current_revision(database_url) is None
    assert await tables_of(database_url) <= {"alembic_version"}
    assert await audit_guards_of(database_url) == []

    await upgrade(database_url)

    assert await current_revision(database_url) == head_revision()
    assert await schema_differences(database_url) == []
    assert await audit_guards_of(database_url)


async def test_each_migration_undoes_only_its_own_step(database_url: str) -> None:
    await downgrade(database_url, "-1")  # 0011 takes the CHECK constraints away, nothing else
    assert await checks_of(database_url, "tasks") == set()
    assert "task_supports" in await tables_of(database_url)
    await downgrade(database_url, "-1")  # 0010 takes the task supports away, nothing else
    assert "task_supports" not in await tables_of(database_url)
    assert "grades" in await tables_of(database_url)
    await downgrade(database_url, "0004")
    assert {"report_batches", "extension_requests"} <= await tables_of(database_url)
    assert "milestones" not in await tables_of(database_url)
    assert await current_revision(database_url) == "0004"
    await upgrade(database_url)
    assert await schema_differences(database_url) == []
    assert await checks_of(database_url, "tasks") == {"ck_tasks_status", "ck_tasks_kind"}


def test_the_upgrade_can_be_written_out_as_sql_for_a_postgresql_administrator() -> None:
    buffer = io.StringIO()
    config = alembic_config("postgresql+asyncpg://rectibot@db.example/rectibot")
    config.output_buffer = buffer
    command.upgrade(config, "head", sql=True)  # offline: nothing connects
    script = buffer.getvalue()
    assert "CREATE TABLE campaigns" in script
    assert "CREATE TRIGGER audit_events_append_only" in script
    assert f"UPDATE alembic_version SET version_num='{head_revision()}'" in script


async def write_a_report_as_0003_had_it(url: str) -> None:
    """A person, a report, its message part and a photo, in the columns of schema 0003."""
    statements = [
        "INSERT INTO people (id, name, reachable, active, created_at) "
        "VALUES (1, '王建国', true, true, :at)",
        "INSERT INTO progress_updates (id, author_id, text, done, created_at, last_part_at, "
        "chat_id, message_id) VALUES (1, 1, '进度60%', false, :at, :at, 1001, 7)",
        "INSERT INTO report_parts (id, update_id, chat_id, message_id, text, created_at) "
        "VALUES (1, 1, 1001, 7, '进度60%', :at)",
        "INSERT INTO evidence (id, update_id, author_id, file_id, file_unique_id, file_name, "
        "created_at) VALUES (1, 1, 1, 'f1', 'u1', 'site.jpg', :at)",
    ]
    engine = make_engine(url)
    try:
        async with engine.begin() as connection:
            for statement in statements:
                query = text(statement).bindparams(bindparam("at", type_=TZDateTime()))
                await connection.execute(query, {"at": WHEN})
    finally:
        await engine.dispose()


async def test_upgrading_from_0003_keeps_the_reports_their_parts_and_their_photos(
    database_url: str,
) -> None:
    # 0004 rebuilds progress_updates on SQLite; with foreign keys on, dropping the old table
    # deleted every report part (ON DELETE CASCADE) and refused to go on with evidence.
    await downgrade(database_url, "0003")
    await write_a_report_as_0003_had_it(database_url)

    await upgrade(database_url)

    assert await current_revision(database_url) == head_revision()
    found = await counts(database_url)
    assert (found["progress_updates"], found["report_parts"], found["evidence"]) == (1, 1, 1)


async def add_a_report_with_a_photo(url: str, putuo_bytes: bytes) -> None:
    engine = make_engine(url)
    clock = ManualClock(WHEN)
    factory = make_session_factory(engine)
    try:
        workbook = read_workbook(putuo_bytes, allow_admin=True)
        await importing.import_workbook(
            uow=SqlUnitOfWork(factory), clock=clock, workbook=workbook, campaign_name="普陀"
        )
        async with SqlUnitOfWork(factory) as uow:
            person = (await uow.people.active())[0]
            report = await uow.reports.add(
                task_id=None, author_id=person.id, chat_id=1001, message_id=7, now=WHEN,
                text="现场已整改",
            )  # fmt: skip
            await uow.reports.add_part(
                report_id=report.id, chat_id=1001, message_id=7, media_group_id=None,
                text="现场已整改", now=WHEN,
            )  # fmt: skip
            photo = Attachment("f1", "u1", "site.jpg", "image/jpeg", 10, "0" * 64, None)
            await uow.reports.add_evidence(report=report, attachment=photo, now=WHEN)
            await uow.commit()
    finally:
        await engine.dispose()


async def test_a_round_in_use_survives_going_down_to_0003_and_back_up(
    database_url: str, putuo_bytes: bytes
) -> None:
    await add_a_report_with_a_photo(database_url, putuo_bytes)
    before = await counts(database_url)
    assert before == {
        "campaigns": 1, "people": before["people"], "tasks": 152,
        "progress_updates": 1, "report_parts": 1, "evidence": 1,
    }  # fmt: skip

    await downgrade(database_url, "0003")  # rebuilds campaigns and progress_updates on SQLite
    assert await counts(database_url) == before
    await upgrade(database_url)

    assert await counts(database_url) == before
    assert await schema_differences(database_url) == []
    await downgrade(database_url, "base")  # rows and all
    assert await tables_of(database_url) <= {"alembic_version"}
