"""A person's time zone on their account (one place), moved from their notification settings.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_COPY_TO_USERS = """
UPDATE users SET time_zone = (
    SELECT s.time_zone FROM notification_settings AS s WHERE s.user_id = users.id
)
WHERE EXISTS (
    SELECT 1 FROM notification_settings AS s
    WHERE s.user_id = users.id AND s.time_zone IS NOT NULL
)
"""

_COPY_BACK = """
UPDATE notification_settings SET time_zone = (
    SELECT u.time_zone FROM users AS u WHERE u.id = notification_settings.user_id
)
"""


def upgrade() -> None:
    # Plain ADD COLUMN, not a batch: rebuilding `users` on SQLite would cascade to its rows.
    op.add_column("users", sa.Column("time_zone", sa.String(length=64), nullable=True))
    op.execute(_COPY_TO_USERS)
    with op.batch_alter_table("notification_settings") as batch:
        batch.drop_column("time_zone")


def downgrade() -> None:
    with op.batch_alter_table("notification_settings") as batch:
        batch.add_column(sa.Column("time_zone", sa.String(length=64), nullable=True))
    op.execute(_COPY_BACK)
    op.drop_column("users", "time_zone")
