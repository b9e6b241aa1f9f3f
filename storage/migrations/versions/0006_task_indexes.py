"""task indexes: near deadlines, paged overdue lists and the ledger's order without a sort

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 22:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The tick steps from one distinct deadline to the next (storage.figures.near_deadlines).
    op.create_index("ix_tasks_due_on", "tasks", ["due_on", "campaign_id"])
    # Overdue counts and pages walk one round's deadlines in order, status read from the index.
    op.create_index("ix_tasks_campaign_due", "tasks", ["campaign_id", "due_on", "status"])
    # The ledger's order (round, position): the tick's selections come sorted from the index.
    op.create_index("ix_tasks_ledger", "tasks", ["campaign_id", "position"])


def downgrade() -> None:
    op.drop_index("ix_tasks_ledger", table_name="tasks")
    op.drop_index("ix_tasks_campaign_due", table_name="tasks")
    op.drop_index("ix_tasks_due_on", table_name="tasks")
