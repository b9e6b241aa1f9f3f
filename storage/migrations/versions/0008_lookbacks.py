"""lookbacks: 回头看 checks of signed-off measures, and a round's automatic look-back switch

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 06:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("lookback_auto", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.create_table(
        "lookbacks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_by", sa.Integer(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_by", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaigns.id"], name=op.f("fk_lookbacks_campaign_id_campaigns")
        ),
        sa.ForeignKeyConstraint(["task_id"], ["tasks.id"], name=op.f("fk_lookbacks_task_id_tasks")),
        sa.ForeignKeyConstraint(
            ["started_by"], ["people.id"], name=op.f("fk_lookbacks_started_by_people")
        ),
        sa.ForeignKeyConstraint(
            ["answered_by"], ["people.id"], name=op.f("fk_lookbacks_answered_by_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lookbacks")),
    )
    op.create_index(op.f("ix_lookbacks_campaign_id"), "lookbacks", ["campaign_id"], unique=False)
    op.create_index("ix_lookbacks_task", "lookbacks", ["task_id", "status"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_lookbacks_task", table_name="lookbacks")
    op.drop_index(op.f("ix_lookbacks_campaign_id"), table_name="lookbacks")
    op.drop_table("lookbacks")
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_column("lookback_auto")
