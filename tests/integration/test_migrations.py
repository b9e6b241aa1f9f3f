"""The Alembic migrations build exactly the schema the models describe."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from storage.database import make_engine
from storage.migrate import current_revision, head_revision
from storage.tables import Base
from tests.conftest import PG_URL, _create_database, _drop_database

ROOT = Path(__file__).resolve().parents[2]


async def test_the_migrated_schema_matches_the_models(database_url: str) -> None:
    engine = make_engine(database_url)

    def differences(connection: Any) -> list[Any]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))

    try:
        async with engine.connect() as connection:
            found = await connection.run_sync(differences)
    finally:
        await engine.dispose()
    assert found == []


async def test_replicas_starting_together_upgrade_a_new_postgresql_database_once(
    postgres_database: str | None,
) -> None:
    if postgres_database is None:
        pytest.skip("PostgreSQL unavailable")
    name = f"{postgres_database}_fresh"  # this run's own, dropped below
    await _create_database(name)
    try:
        url = urlsplit(PG_URL)._replace(path=f"/{name}").geturl()
        env = {"PATH": "", "PYTHONPATH": str(ROOT), "DATABASE_URL": url}
        processes = [  # separate processes, as replicas are (Alembic is not thread-safe)
            await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                "db",
                "upgrade",
                env=env,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT,
            )
            for _ in range(3)
        ]
        outputs = [(await asyncio.wait_for(p.communicate(), 120))[0].decode() for p in processes]
        assert [p.returncode for p in processes] == [0, 0, 0], outputs
        assert sum("Running upgrade 0005 -> 0006" in out for out in outputs) == 1, outputs
        assert await current_revision(url) == head_revision()
    finally:
        await _drop_database(name)
