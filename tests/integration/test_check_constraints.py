"""Stored statuses and kinds are checked by the database, and the checks follow the code's enums."""

from __future__ import annotations

import importlib.util
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from storage.database import make_engine
from storage.tables import Base

MIGRATION = (
    Path(__file__).resolve().parents[2] / "storage/migrations/versions/0011_check_constraints.py"
)


def migration() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_constraints", MIGRATION)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def model_checks() -> dict[str, dict[str, str]]:
    """Each table's CHECK constraints as the models declare them (from the enums)."""
    found: dict[str, dict[str, str]] = {}
    for table in Base.metadata.sorted_tables:
        for constraint in table.constraints:
            sql = getattr(constraint, "sqltext", None)
            if sql is not None:
                column = str(constraint.name).removeprefix(f"ck_{table.name}_")
                found.setdefault(table.name, {})[column] = str(sql)
    return found


def test_the_migrated_checks_are_the_models_checks_a_new_enum_value_needs_a_migration() -> None:
    frozen = migration()
    migrated = {
        table: {column: frozen.condition(column, values) for column, values in columns.items()}
        for table, columns in frozen.CHECKS.items()
    }
    assert migrated == model_checks()


async def test_the_database_refuses_a_status_the_code_does_not_know(database_url: str) -> None:
    engine = make_engine(database_url)
    now = datetime(2026, 11, 30, tzinfo=UTC)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                text(
                    "INSERT INTO campaigns (name, source, is_open, created_at, lookback_auto) "
                    "VALUES ('普陀', 'inspection', true, :now, false)"
                ),
                {"now": now},
            )
        with pytest.raises(IntegrityError):
            async with engine.begin() as connection:
                await connection.execute(
                    text("UPDATE campaigns SET source = 'inspektion'"),
                )
        with pytest.raises(IntegrityError):
            async with engine.begin() as connection:
                await connection.execute(
                    text(
                        "INSERT INTO prompts (chat_id, message_id, person_id, kind, target_id, "
                        "created_at) VALUES (1, 1, 1, 'typo', 1, :now)"
                    ),
                    {"now": now},
                )
        async with engine.connect() as connection:
            kept = (await connection.execute(text("SELECT source FROM campaigns"))).scalar_one()
        assert kept == "inspection"
    finally:
        await engine.dispose()
