"""A hidden question keeps why, and the state it was hidden from (a restore returns it there).

Revision ID: q0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "q0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("questions") as batch:
        batch.add_column(sa.Column("hidden_reason", sa.Text(), nullable=False, server_default=""))
        batch.add_column(
            sa.Column("hidden_from", sa.String(length=20), nullable=False, server_default="")
        )
    with op.batch_alter_table("questions") as batch:
        batch.alter_column("hidden_reason", server_default=None)
        batch.alter_column("hidden_from", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("questions") as batch:
        batch.drop_column("hidden_from")
        batch.drop_column("hidden_reason")
