"""Live Q&A panels: panels, their panelists and moderators, questions, votes, edits, notes.

The qa's branch of the schema, rooted on the core's first revision; it needs the hall's first
revision too (a panel lists booths, and its interview is one of the hall's media).

Revision ID: 0003
Revises: 0001
Depends on: 0002
Create Date: 2026-11-28 03:54:31.990431
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0001"
branch_labels = ("qa",)
depends_on = "0002"


def upgrade() -> None:
    op.create_table(
        "panels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("title", sa.String(length=160), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("moderation", sa.String(length=10), nullable=False),
        sa.Column("stream_url", sa.String(length=300), nullable=False),
        sa.Column("interview_media_id", sa.Integer(), nullable=True),
        sa.Column("answering_id", sa.Integer(), nullable=True),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["interview_media_id"],
            ["media.id"],
            name=op.f("fk_panels_interview_media_id_media"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panels")),
        sa.UniqueConstraint("slug", name=op.f("uq_panels_slug")),
    )
    op.create_table(
        "backstage_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("panel_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_backstage_notes_author_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["panel_id"],
            ["panels.id"],
            name=op.f("fk_backstage_notes_panel_id_panels"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_backstage_notes")),
    )
    with op.batch_alter_table("backstage_notes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_backstage_notes_panel_id"), ["panel_id"], unique=False)

    op.create_table(
        "panel_booths",
        sa.Column("panel_id", sa.Integer(), nullable=False),
        sa.Column("booth_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["booth_id"],
            ["booths.id"],
            name=op.f("fk_panel_booths_booth_id_booths"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["panel_id"],
            ["panels.id"],
            name=op.f("fk_panel_booths_panel_id_panels"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("panel_id", "booth_id", name=op.f("pk_panel_booths")),
    )
    op.create_table(
        "panel_members",
        sa.Column("panel_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["panel_id"],
            ["panels.id"],
            name=op.f("fk_panel_members_panel_id_panels"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_panel_members_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("panel_id", "user_id", "role", name=op.f("pk_panel_members")),
    )
    op.create_table(
        "questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("panel_id", sa.Integer(), nullable=False),
        sa.Column("asker_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("reject_reason", sa.String(length=40), nullable=False),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.Column("tags", sa.String(length=200), nullable=False),
        sa.Column("votes", sa.Integer(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("answered_by", sa.Integer(), nullable=True),
        sa.Column("answered_live", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["asker_id"], ["users.id"], name=op.f("fk_questions_asker_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["panel_id"],
            ["panels.id"],
            name=op.f("fk_questions_panel_id_panels"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questions")),
    )
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_questions_asker_id"), ["asker_id"], unique=False)
        batch_op.create_index("ix_questions_panel_id_state", ["panel_id", "state"], unique=False)

    op.create_table(
        "question_edits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("editor_id", sa.Integer(), nullable=False),
        sa.Column("before", sa.Text(), nullable=False),
        sa.Column("after", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["editor_id"],
            ["users.id"],
            name=op.f("fk_question_edits_editor_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["questions.id"],
            name=op.f("fk_question_edits_question_id_questions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question_edits")),
    )
    with op.batch_alter_table("question_edits", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_question_edits_question_id"), ["question_id"], unique=False
        )

    op.create_table(
        "votes",
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["questions.id"],
            name=op.f("fk_votes_question_id_questions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_votes_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("question_id", "user_id", name=op.f("pk_votes")),
    )


def downgrade() -> None:
    op.drop_table("votes")
    with op.batch_alter_table("question_edits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_question_edits_question_id"))

    op.drop_table("question_edits")
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.drop_index("ix_questions_panel_id_state")
        batch_op.drop_index(batch_op.f("ix_questions_asker_id"))

    op.drop_table("questions")
    op.drop_table("panel_members")
    op.drop_table("panel_booths")
    with op.batch_alter_table("backstage_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_backstage_notes_panel_id"))

    op.drop_table("backstage_notes")
    op.drop_table("panels")
