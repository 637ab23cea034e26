"""Themed discussions: themes, discussions and their moderators, rounds, contributions, stances.

The discussions' branch of the schema, rooted on the core's first revision (posts and
moderators refer to `users`).

Revision ID: d0001
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from fair.core.tables import UTCDateTime

revision = "d0001"
down_revision = "0001"
branch_labels = ("discussions",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "discussion_themes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("introduction", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discussion_themes")),
        sa.UniqueConstraint("slug", name=op.f("uq_discussion_themes_slug")),
    )
    op.create_table(
        "discussions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("title", sa.String(length=160), nullable=False),
        sa.Column("introduction", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["theme_id"],
            ["discussion_themes.id"],
            name=op.f("fk_discussions_theme_id_discussion_themes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discussions")),
        sa.UniqueConstraint("slug", name=op.f("uq_discussions_slug")),
    )
    op.create_index(op.f("ix_discussions_theme_id"), "discussions", ["theme_id"])
    op.create_table(
        "discussion_moderators",
        sa.Column("discussion_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["discussion_id"],
            ["discussions.id"],
            name=op.f("fk_discussion_moderators_discussion_id_discussions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_discussion_moderators_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("discussion_id", "user_id", name=op.f("pk_discussion_moderators")),
    )
    op.create_table(
        "discussion_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("discussion_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("opens_at", UTCDateTime(), nullable=False),
        sa.Column("closes_at", UTCDateTime(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["discussion_id"],
            ["discussions.id"],
            name=op.f("fk_discussion_rounds_discussion_id_discussions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discussion_rounds")),
        sa.UniqueConstraint(
            "discussion_id", "position", name=op.f("uq_discussion_rounds_discussion_id")
        ),
    )
    op.create_table(
        "discussion_contributions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_discussion_contributions_author_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["discussion_rounds.id"],
            name=op.f("fk_discussion_contributions_round_id_discussion_rounds"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["discussion_contributions.id"],
            name=op.f("fk_discussion_contributions_thread_id_discussion_contributions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discussion_contributions")),
    )
    op.create_index(
        op.f("ix_discussion_contributions_author_id"), "discussion_contributions", ["author_id"]
    )
    op.create_index(
        "ix_discussion_contributions_round_thread",
        "discussion_contributions",
        ["round_id", "thread_id"],
    )
    op.create_table(
        "discussion_stances",
        sa.Column("contribution_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("stance", sa.String(length=10), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contribution_id"],
            ["discussion_contributions.id"],
            name=op.f("fk_discussion_stances_contribution_id_discussion_contributions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_discussion_stances_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("contribution_id", "user_id", name=op.f("pk_discussion_stances")),
    )


def downgrade() -> None:
    op.drop_table("discussion_stances")
    op.drop_index("ix_discussion_contributions_round_thread", "discussion_contributions")
    op.drop_index(op.f("ix_discussion_contributions_author_id"), "discussion_contributions")
    op.drop_table("discussion_contributions")
    op.drop_table("discussion_rounds")
    op.drop_table("discussion_moderators")
    op.drop_index(op.f("ix_discussions_theme_id"), "discussions")
    op.drop_table("discussions")
    op.drop_table("discussion_themes")
