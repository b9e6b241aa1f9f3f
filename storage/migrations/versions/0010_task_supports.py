"""task supports: the supporting units (配合单位) of each measure

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 08:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "task_supports",
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["task_id"], ["tasks.id"], name=op.f("fk_task_supports_task_id_tasks")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_task_supports_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("task_id", "unit_id", name=op.f("pk_task_supports")),
    )
    op.create_index(op.f("ix_task_supports_unit_id"), "task_supports", ["unit_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_task_supports_unit_id"), table_name="task_supports")
    op.drop_table("task_supports")
