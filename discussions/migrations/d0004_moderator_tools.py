"""Moderator tools and focal points: pinned and locked threads, offline-group posts, slow mode,
and the people of a discussion (focal points, mutes, when each last posted).

Revision ID: d0004
Revises: d0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from fair.core.tables import UTCDateTime

revision = "d0004"
down_revision = "d0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("discussions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("slow_mode", sa.String(length=10), nullable=False, server_default="off")
        )
        batch_op.add_column(
            sa.Column("slow_mode_reason", sa.String(length=300), nullable=False, server_default="")
        )
    with op.batch_alter_table("discussion_contributions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("pinned", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("locked", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("group_name", sa.String(length=160), nullable=True))
        batch_op.add_column(sa.Column("group_size", sa.Integer(), nullable=True))
    op.create_table(
        "discussion_people",
        sa.Column("discussion_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("focal_point", sa.Boolean(), nullable=False),
        sa.Column("muted", sa.Boolean(), nullable=False),
        sa.Column("muted_until", UTCDateTime(), nullable=True),
        sa.Column("mute_reason", sa.String(length=300), nullable=False),
        sa.Column("last_posted_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["discussion_id"],
            ["discussions.id"],
            name=op.f("fk_discussion_people_discussion_id_discussions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_discussion_people_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("discussion_id", "user_id", name=op.f("pk_discussion_people")),
    )


def downgrade() -> None:
    op.drop_table("discussion_people")
    with op.batch_alter_table("discussion_contributions", schema=None) as batch_op:
        batch_op.drop_column("group_size")
        batch_op.drop_column("group_name")
        batch_op.drop_column("locked")
        batch_op.drop_column("pinned")
    with op.batch_alter_table("discussions", schema=None) as batch_op:
        batch_op.drop_column("slow_mode_reason")
        batch_op.drop_column("slow_mode")
