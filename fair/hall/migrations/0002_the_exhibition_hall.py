"""The exhibition hall: themes and countries of the fair, booths and everything at them.

The hall's branch of the schema, rooted on the core's first revision (its tables refer to users).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 03:10:15.163222
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = ("hall",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "fair_countries",
        sa.Column("code", sa.String(length=2), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_fair_countries")),
    )
    op.create_table(
        "themes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_themes")),
        sa.UniqueConstraint("slug", name=op.f("uq_themes_slug")),
    )
    op.create_table(
        "booths",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("tagline", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("contact_email", sa.String(length=254), nullable=False),
        sa.Column("contact_phone", sa.String(length=40), nullable=False),
        sa.Column("website", sa.String(length=300), nullable=False),
        sa.Column("links", sa.Text(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["theme_id"], ["themes.id"], name=op.f("fk_booths_theme_id_themes"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booths")),
        sa.UniqueConstraint("slug", name=op.f("uq_booths_slug")),
    )
    op.create_table(
        "bookmarks",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("booth_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["booth_id"],
            ["booths.id"],
            name=op.f("fk_bookmarks_booth_id_booths"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_bookmarks_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "booth_id", name=op.f("pk_bookmarks")),
    )
    op.create_table(
        "booth_countries",
        sa.Column("booth_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=2), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.ForeignKeyConstraint(
            ["booth_id"],
            ["booths.id"],
            name=op.f("fk_booth_countries_booth_id_booths"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("booth_id", "code", "kind", name=op.f("pk_booth_countries")),
    )
    op.create_table(
        "booth_team",
        sa.Column("booth_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["booth_id"],
            ["booths.id"],
            name=op.f("fk_booth_team_booth_id_booths"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_booth_team_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("booth_id", "user_id", name=op.f("pk_booth_team")),
    )
    op.create_table(
        "booth_visits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("booth_id", sa.Integer(), nullable=False),
        sa.Column("person", sa.String(length=40), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["booth_id"],
            ["booths.id"],
            name=op.f("fk_booth_visits_booth_id_booths"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booth_visits")),
    )
    with op.batch_alter_table("booth_visits", schema=None) as batch_op:
        batch_op.create_index("ix_booth_visits_booth_id_day", ["booth_id", "day"], unique=False)

    op.create_table(
        "chat_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("booth_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("removed_at", sa.DateTime(), nullable=True),
        sa.Column("removed_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_chat_messages_author_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["booth_id"],
            ["booths.id"],
            name=op.f("fk_chat_messages_booth_id_booths"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_messages")),
    )
    with op.batch_alter_table("chat_messages", schema=None) as batch_op:
        batch_op.create_index("ix_chat_messages_booth_id_id", ["booth_id", "id"], unique=False)

    op.create_table(
        "consortium_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("booth_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["booth_id"],
            ["booths.id"],
            name=op.f("fk_consortium_members_booth_id_booths"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consortium_members")),
    )
    with op.batch_alter_table("consortium_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consortium_members_booth_id"), ["booth_id"], unique=False
        )

    op.create_table(
        "contact_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("booth_id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.Integer(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("share_details", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.Column("answered_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["booth_id"],
            ["booths.id"],
            name=op.f("fk_contact_requests_booth_id_booths"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sender_id"],
            ["users.id"],
            name=op.f("fk_contact_requests_sender_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_requests")),
    )
    with op.batch_alter_table("contact_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contact_requests_booth_id"), ["booth_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_contact_requests_sender_id"), ["sender_id"], unique=False
        )

    op.create_table(
        "media",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("booth_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=160), nullable=False),
        sa.Column("stored_name", sa.String(length=80), nullable=True),
        sa.Column("original_name", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("external_url", sa.String(length=300), nullable=False),
        sa.Column("transcript", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["booth_id"], ["booths.id"], name=op.f("fk_media_booth_id_booths"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_media")),
        sa.UniqueConstraint("stored_name", name=op.f("uq_media_stored_name")),
    )
    with op.batch_alter_table("media", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_media_booth_id"), ["booth_id"], unique=False)

    op.create_table(
        "office_hours",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("booth_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=False),
        sa.Column("note", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["booth_id"],
            ["booths.id"],
            name=op.f("fk_office_hours_booth_id_booths"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_office_hours")),
    )
    with op.batch_alter_table("office_hours", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_office_hours_booth_id"), ["booth_id"], unique=False)

    op.create_table(
        "media_hits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("media_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("person", sa.String(length=40), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["media_id"],
            ["media.id"],
            name=op.f("fk_media_hits_media_id_media"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_media_hits")),
    )
    with op.batch_alter_table("media_hits", schema=None) as batch_op:
        batch_op.create_index("ix_media_hits_media_id_day", ["media_id", "day"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("media_hits", schema=None) as batch_op:
        batch_op.drop_index("ix_media_hits_media_id_day")

    op.drop_table("media_hits")
    with op.batch_alter_table("office_hours", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_office_hours_booth_id"))

    op.drop_table("office_hours")
    with op.batch_alter_table("media", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_media_booth_id"))

    op.drop_table("media")
    with op.batch_alter_table("contact_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_requests_sender_id"))
        batch_op.drop_index(batch_op.f("ix_contact_requests_booth_id"))

    op.drop_table("contact_requests")
    with op.batch_alter_table("consortium_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consortium_members_booth_id"))

    op.drop_table("consortium_members")
    with op.batch_alter_table("chat_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_chat_messages_booth_id_id")

    op.drop_table("chat_messages")
    with op.batch_alter_table("booth_visits", schema=None) as batch_op:
        batch_op.drop_index("ix_booth_visits_booth_id_day")

    op.drop_table("booth_visits")
    op.drop_table("booth_team")
    op.drop_table("booth_countries")
    op.drop_table("bookmarks")
    op.drop_table("booths")
    op.drop_table("themes")
    op.drop_table("fair_countries")
