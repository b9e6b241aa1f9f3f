"""milestones: a round's feedback date, and its plan and report due dates and submissions

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 05:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.add_column(sa.Column("feedback_on", sa.Date(), nullable=True))
    op.create_table(
        "milestones",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("milestone", sa.String(length=20), nullable=False),
        sa.Column("due_override", sa.Date(), nullable=True),
        sa.Column("submitted_on", sa.Date(), nullable=True),
        sa.Column("submitted_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaigns.id"], name=op.f("fk_milestones_campaign_id_campaigns")
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by"], ["people.id"], name=op.f("fk_milestones_submitted_by_people")
        ),
        sa.PrimaryKeyConstraint("campaign_id", "milestone", name=op.f("pk_milestones")),
    )


def downgrade() -> None:
    op.drop_table("milestones")
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_column("feedback_on")
