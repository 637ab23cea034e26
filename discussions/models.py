"""Discussion tables: themes, discussions and their moderators, rounds, contributions, stances."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fair.core.tables import Base, UTCDateTime


class Theme(Base):
    __tablename__ = "discussion_themes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    introduction: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Discussion(Base):
    __tablename__ = "discussions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    theme_id: Mapped[int] = mapped_column(
        ForeignKey("discussion_themes.id", ondelete="CASCADE"), index=True
    )
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(160))
    introduction: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DiscussionModerator(Base):
    """One of the people who run a discussion."""

    __tablename__ = "discussion_moderators"

    discussion_id: Mapped[int] = mapped_column(
        ForeignKey("discussions.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )


class Round(Base):
    """A dated round of a discussion, around one guiding question."""

    __tablename__ = "discussion_rounds"
    __table_args__ = (UniqueConstraint("discussion_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    discussion_id: Mapped[int] = mapped_column(ForeignKey("discussions.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    question: Mapped[str] = mapped_column(Text)
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    state: Mapped[str] = mapped_column(String(20), default="planned")


class Contribution(Base):
    """A post in a round: a new thread (`thread_id` None) or a reply in the thread it names."""

    __tablename__ = "discussion_contributions"
    __table_args__ = (Index("ix_discussion_contributions_round_thread", "round_id", "thread_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("discussion_rounds.id", ondelete="CASCADE"))
    thread_id: Mapped[int | None] = mapped_column(
        ForeignKey("discussion_contributions.id", ondelete="CASCADE"), nullable=True
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)
    """Markdown as written (cleaned); shown through fair.core.text.render_markdown."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)


class Stance(Base):
    """One person's stance on a contribution; the primary key makes it one per person."""

    __tablename__ = "discussion_stances"

    contribution_id: Mapped[int] = mapped_column(
        ForeignKey("discussion_contributions.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    stance: Mapped[str] = mapped_column(String(10))
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class Synthesis(Base):
    """A round's synthesis: a draft its moderators see, then published (the round is then
    synthesised)."""

    __tablename__ = "discussion_syntheses"

    round_id: Mapped[int] = mapped_column(
        ForeignKey("discussion_rounds.id", ondelete="CASCADE"), primary_key=True
    )
    body: Mapped[str] = mapped_column(Text)
    """Markdown as written (cleaned), with `[[<post id>]]` citation markers."""
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    """Who last wrote it (None: the platform, or an account since deleted)."""
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Citation(Base):
    """A post a synthesis cites, numbered in the order the synthesis cites it."""

    __tablename__ = "discussion_citations"

    round_id: Mapped[int] = mapped_column(
        ForeignKey("discussion_syntheses.round_id", ondelete="CASCADE"), primary_key=True
    )
    contribution_id: Mapped[int] = mapped_column(
        ForeignKey("discussion_contributions.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    number: Mapped[int] = mapped_column(Integer)


class CarriedQuestion(Base):
    """A Q&A question carried into a round as a seed post. The primary key makes it once per
    question; `question_id` and `panel_id` name the Q&A's rows (read through fair.qa.public)."""

    __tablename__ = "discussion_carried_questions"

    question_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    panel_id: Mapped[int] = mapped_column(Integer)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("discussion_rounds.id", ondelete="CASCADE"), index=True
    )
    contribution_id: Mapped[int] = mapped_column(
        ForeignKey("discussion_contributions.id", ondelete="CASCADE"), unique=True
    )
    asker_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    carried_at: Mapped[datetime] = mapped_column(UTCDateTime)


class HandbookExport(Base):
    """An export of the handbook (of one theme, or of the whole fair with `theme_id` None),
    worked through in the background; its files are under the handbook directory."""

    __tablename__ = "discussion_handbook_exports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    theme_id: Mapped[int | None] = mapped_column(
        ForeignKey("discussion_themes.id", ondelete="CASCADE"), nullable=True
    )
    state: Mapped[str] = mapped_column(String(10), default="queued", index=True)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    """Per cent done."""
    requested_by: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    error: Mapped[str] = mapped_column(String(200), default="")
