"""An interview's length, and a low-bitrate audio-only version its team may attach.

Revision ID: h0004
Revises: h0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "h0004"
down_revision = "h0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("media") as batch:
        batch.add_column(sa.Column("duration", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("audio_name", sa.String(length=80), nullable=True))
        batch.add_column(
            sa.Column("audio_type", sa.String(length=100), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("audio_size", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("media") as batch:
        batch.alter_column("audio_type", server_default=None)
        batch.alter_column("audio_size", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("media") as batch:
        batch.drop_column("audio_size")
        batch.drop_column("audio_type")
        batch.drop_column("audio_name")
        batch.drop_column("duration")
