"""Attendance: who was at the fair (and where) each day, and samples of who was online.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 09:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from fair.core.tables import UTCDateTime

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "attendance",
        sa.Column("person", sa.String(length=40), nullable=False),
        sa.Column("place", sa.String(length=80), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("first_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("person", "place", "day", name=op.f("pk_attendance")),
    )
    op.create_index("ix_attendance_day_place", "attendance", ["day", "place"])
    op.create_table(
        "presence_samples",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=80), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_presence_samples")),
    )
    op.create_index("ix_presence_samples_scope_at", "presence_samples", ["scope", "at"])


def downgrade() -> None:
    op.drop_index("ix_presence_samples_scope_at", table_name="presence_samples")
    op.drop_table("presence_samples")
    op.drop_index("ix_attendance_day_place", table_name="attendance")
    op.drop_table("attendance")
