"""The notice board's table.

Revision ID: nb0001
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from fair.core.tables import UTCDateTime

revision = "nb0001"
down_revision = "0001"
branch_labels = ("noticeboard",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "noticeboard_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=200), nullable=False),
        sa.Column("pinned_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_noticeboard_notices_author_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_noticeboard_notices")),
    )


def downgrade() -> None:
    op.drop_table("noticeboard_notices")
