"""weekly reports: several measures in one message, "no change" reports

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 16:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "report_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("media_group_id", sa.String(length=64), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("card_message_id", sa.BigInteger(), nullable=True),
        sa.Column("replaces_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"], ["people.id"], name=op.f("fk_report_batches_author_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["replaces_id"],
            ["report_batches.id"],
            name=op.f("fk_report_batches_replaces_id_report_batches"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_batches")),
    )
    with op.batch_alter_table("report_batches", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_report_batches_author_id"), ["author_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_report_batches_chat_id"), ["chat_id", "message_id"], unique=False
        )
    with op.batch_alter_table("progress_updates", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("no_change", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("batch_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_progress_updates_batch_id"), ["batch_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_progress_updates_batch_id_report_batches"),
            "report_batches",
            ["batch_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("progress_updates", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_progress_updates_batch_id_report_batches"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_progress_updates_batch_id"))
        batch_op.drop_column("batch_id")
        batch_op.drop_column("no_change")
    with op.batch_alter_table("report_batches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_batches_chat_id"))
        batch_op.drop_index(batch_op.f("ix_report_batches_author_id"))
    op.drop_table("report_batches")
