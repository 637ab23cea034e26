"""Syntheses and their citations, questions carried over from the Q&A, handbook exports.

Revision ID: d0005
Revises: d0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from fair.core.tables import UTCDateTime

revision = "d0005"
down_revision = "d0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "discussion_syntheses",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("published_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_discussion_syntheses_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["discussion_rounds.id"],
            name=op.f("fk_discussion_syntheses_round_id_discussion_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("round_id", name=op.f("pk_discussion_syntheses")),
    )
    op.create_table(
        "discussion_citations",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("contribution_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contribution_id"],
            ["discussion_contributions.id"],
            name=op.f("fk_discussion_citations_contribution_id_discussion_contributions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["discussion_syntheses.round_id"],
            name=op.f("fk_discussion_citations_round_id_discussion_syntheses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "round_id", "contribution_id", name=op.f("pk_discussion_citations")
        ),
    )
    op.create_index(
        op.f("ix_discussion_citations_contribution_id"),
        "discussion_citations",
        ["contribution_id"],
    )
    op.create_table(
        "discussion_carried_questions",
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("panel_id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("contribution_id", sa.Integer(), nullable=False),
        sa.Column("asker_id", sa.Integer(), nullable=False),
        sa.Column("carried_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["asker_id"],
            ["users.id"],
            name=op.f("fk_discussion_carried_questions_asker_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contribution_id"],
            ["discussion_contributions.id"],
            name=op.f("fk_discussion_carried_questions_contribution_id_discussion_contributions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["discussion_rounds.id"],
            name=op.f("fk_discussion_carried_questions_round_id_discussion_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("question_id", name=op.f("pk_discussion_carried_questions")),
        sa.UniqueConstraint(
            "contribution_id", name=op.f("uq_discussion_carried_questions_contribution_id")
        ),
    )
    op.create_index(
        op.f("ix_discussion_carried_questions_round_id"),
        "discussion_carried_questions",
        ["round_id"],
    )
    op.create_table(
        "discussion_handbook_exports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("requested_by", sa.Integer(), nullable=False),
        sa.Column("requested_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.Column("error", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["requested_by"],
            ["users.id"],
            name=op.f("fk_discussion_handbook_exports_requested_by_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["theme_id"],
            ["discussion_themes.id"],
            name=op.f("fk_discussion_handbook_exports_theme_id_discussion_themes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discussion_handbook_exports")),
    )
    op.create_index(
        op.f("ix_discussion_handbook_exports_state"), "discussion_handbook_exports", ["state"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_discussion_handbook_exports_state"), "discussion_handbook_exports")
    op.drop_table("discussion_handbook_exports")
    op.drop_index(op.f("ix_discussion_carried_questions_round_id"), "discussion_carried_questions")
    op.drop_table("discussion_carried_questions")
    op.drop_index(op.f("ix_discussion_citations_contribution_id"), "discussion_citations")
    op.drop_table("discussion_citations")
    op.drop_table("discussion_syntheses")
