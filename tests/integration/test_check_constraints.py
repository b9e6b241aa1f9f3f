"""Stored statuses and kinds are checked by the database, and the checks follow the code's enums."""

from __future__ import annotations

import importlib.util
from datetime import UTC, date, datetime
from pathlib import Path
from types import ModuleType

import pytest
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Integer,
    LargeBinary,
    Table,
    insert,
)
from sqlalchemy.exc import IntegrityError

from storage.database import make_engine
from storage.tables import Base, TZDateTime

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


async def test_every_checked_column_refuses_a_value_the_code_does_not_know(
    database_url: str,
) -> None:
    frozen = migration()
    engine = make_engine(database_url)
    try:
        async with engine.connect() as connection:
            # Only the CHECK may refuse: foreign keys are not what is tested here.
            if engine.dialect.name == "sqlite":
                await connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            else:
                await connection.exec_driver_sql("SET session_replication_role = replica")
            for table_name, columns in frozen.CHECKS.items():
                table = Base.metadata.tables[table_name]
                good = {column: values[0] for column, values in columns.items()}
                await connection.execute(insert(table).values(_row(table, good, 1)))
                for column in columns:
                    bad = insert(table).values(_row(table, {**good, column: "x"}, 2))
                    async with connection.begin_nested() as attempt:
                        with pytest.raises(IntegrityError, match=f"ck_{table_name}_{column}"):
                            await connection.execute(bad)
                        await attempt.rollback()
            await connection.rollback()
    finally:
        await engine.dispose()


def _row(table: Table, given: dict[str, str], key: int) -> dict[str, object]:
    """A row with every required column filled (`key` keeps primary and unique keys apart)."""
    row: dict[str, object] = {}
    for column in table.columns:
        if column.name in given:
            row[column.name] = given[column.name]
        elif column.nullable and not column.primary_key:
            continue
        elif isinstance(column.type, Integer | BigInteger):
            row[column.name] = key
        elif isinstance(column.type, Boolean):
            row[column.name] = False
        elif isinstance(column.type, Date):
            row[column.name] = date(2026, 11, 30)
        elif isinstance(column.type, TZDateTime | DateTime):
            row[column.name] = datetime(2026, 11, 30, tzinfo=UTC)
        elif isinstance(column.type, LargeBinary):
            row[column.name] = b""
        elif isinstance(column.type, JSON):
            row[column.name] = {}
        else:
            length = getattr(column.type, "length", None) or 100
            row[column.name] = f"{column.name}-{key}"[-length:]
    return row
