"""A Q&A question is carried over once per round, not once in the whole fair: the primary key
of the carried questions becomes (question, round).

Revision ID: d0006
Revises: d0005
"""

from __future__ import annotations

from alembic import op

revision = "d0006"
down_revision = "d0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("discussion_carried_questions", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("pk_discussion_carried_questions"), type_="primary")
        batch_op.create_primary_key(
            op.f("pk_discussion_carried_questions"), ["question_id", "round_id"]
        )


def downgrade() -> None:
    # A question carried into several rounds keeps only its first carrying: the old key
    # allowed no more.
    op.execute(
        "DELETE FROM discussion_carried_questions WHERE EXISTS ("
        "SELECT 1 FROM discussion_carried_questions AS earlier"
        " WHERE earlier.question_id = discussion_carried_questions.question_id"
        " AND (earlier.carried_at < discussion_carried_questions.carried_at"
        " OR (earlier.carried_at = discussion_carried_questions.carried_at"
        " AND earlier.round_id < discussion_carried_questions.round_id)))"
    )
    with op.batch_alter_table("discussion_carried_questions", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("pk_discussion_carried_questions"), type_="primary")
        batch_op.create_primary_key(op.f("pk_discussion_carried_questions"), ["question_id"])
