"""A removed (hidden) booth chat message keeps why: its author is told, and it may be restored.

Revision ID: h0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "h0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("chat_messages") as batch:
        batch.add_column(sa.Column("removed_reason", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("chat_messages") as batch:
        batch.alter_column("removed_reason", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("chat_messages") as batch:
        batch.drop_column("removed_reason")
