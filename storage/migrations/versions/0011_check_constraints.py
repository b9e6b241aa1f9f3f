"""check constraints: stored statuses and kinds can only be values the code knows

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 09:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen as of this revision (a migration never follows the code); a new value needs a new
# revision, which tests/integration/test_check_constraints.py asks for.
CHECKS: dict[str, dict[str, tuple[str, ...]]] = {
    "tasks": {
        "status": ("open", "in_progress", "pending_review", "closed"),
        "kind": ("immediate", "bounded", "long_term"),
    },
    "campaigns": {"source": ("inspection", "audit", "supervision")},
    "lookbacks": {"status": ("pending", "held", "slipped")},
    "grades": {"grade": ("A", "B", "C")},
    "prompts": {
        "kind": (
            "send_back",
            "extension_ask",
            "extension_date",
            "extension_note",
            "lookback_slipped",
        )
    },
    "extension_requests": {"outcome": ("approved", "refused")},
    "staged_imports": {"outcome": ("confirmed", "cancelled", "expired")},
}


def condition(column: str, values: tuple[str, ...]) -> str:
    """The CHECK's SQL: one of the values (NULL passes a CHECK, as for an undecided outcome)."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    for table, columns in CHECKS.items():
        # Batch mode: SQLite adds a constraint by rebuilding the table (foreign keys are off
        # during migrations, see env.py); PostgreSQL gets ALTER TABLE … ADD CONSTRAINT.
        with op.batch_alter_table(table) as batch:
            for column, values in columns.items():
                batch.create_check_constraint(column, condition(column, values))


def downgrade() -> None:
    for table, columns in CHECKS.items():
        with op.batch_alter_table(table) as batch:
            for column in columns:
                batch.drop_constraint(op.f(f"ck_{table}_{column}"), type_="check")
