"""Idempotency keys of commands: who ran what under which key, and its reply.

Revision ID: 0004
Revises: 0001
Create Date: 2026-12-01 22:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "command_keys",
        sa.Column("person", sa.String(length=80), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("command", sa.String(length=64), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("created", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("person", "key", name=op.f("pk_command_keys")),
    )
    op.create_index("ix_command_keys_created", "command_keys", ["created"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_command_keys_created", table_name="command_keys")
    op.drop_table("command_keys")
