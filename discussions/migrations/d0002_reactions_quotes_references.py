"""Contributing: reactions to contributions, a contribution's quote of another, and the booths
and panels a contribution references.

Revision ID: d0002
Revises: d0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from fair.core.tables import UTCDateTime

revision = "d0002"
down_revision = "d0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "discussion_quotes",
        sa.Column("contribution_id", sa.Integer(), nullable=False),
        sa.Column("quote_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contribution_id"],
            ["discussion_contributions.id"],
            name=op.f("fk_discussion_quotes_contribution_id_discussion_contributions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["quote_id"],
            ["discussion_contributions.id"],
            name=op.f("fk_discussion_quotes_quote_id_discussion_contributions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("contribution_id", name=op.f("pk_discussion_quotes")),
    )
    op.create_index(op.f("ix_discussion_quotes_quote_id"), "discussion_quotes", ["quote_id"])
    op.create_table(
        "discussion_reactions",
        sa.Column("contribution_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contribution_id"],
            ["discussion_contributions.id"],
            name=op.f("fk_discussion_reactions_contribution_id_discussion_contributions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_discussion_reactions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "contribution_id", "user_id", "kind", name=op.f("pk_discussion_reactions")
        ),
    )
    op.create_table(
        "discussion_references",
        sa.Column("contribution_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contribution_id"],
            ["discussion_contributions.id"],
            name=op.f("fk_discussion_references_contribution_id_discussion_contributions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "contribution_id", "kind", "target_id", name=op.f("pk_discussion_references")
        ),
    )
    op.create_index(
        "ix_discussion_references_target", "discussion_references", ["kind", "target_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_discussion_references_target", "discussion_references")
    op.drop_table("discussion_references")
    op.drop_table("discussion_reactions")
    op.drop_index(op.f("ix_discussion_quotes_quote_id"), "discussion_quotes")
    op.drop_table("discussion_quotes")
