"""Hidden posts keep why, by whom and when they were hidden (or restored).

Revision ID: d0003
Revises: d0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from fair.core.tables import UTCDateTime

revision = "d0003"
down_revision = "d0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("discussion_contributions") as batch:
        batch.add_column(sa.Column("hidden_reason", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("hidden_by", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("hidden_at", UTCDateTime(), nullable=True))
    with op.batch_alter_table("discussion_contributions") as batch:
        batch.alter_column("hidden_reason", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("discussion_contributions") as batch:
        batch.drop_column("hidden_at")
        batch.drop_column("hidden_by")
        batch.drop_column("hidden_reason")
