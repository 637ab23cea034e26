"""Discussion tables: themes, discussions and their moderators, rounds, contributions, stances,
reactions, the booths and panels a contribution references, and the people of a discussion
(focal points, mutes, pace)."""

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
    slow_mode: Mapped[str] = mapped_column(String(10), default="off")
    """`rules.SlowMode`: the least time between one participant's posts."""
    slow_mode_reason: Mapped[str] = mapped_column(String(300), default="")
    """Why, as shown to participants."""


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
    hidden_reason: Mapped[str] = mapped_column(Text, default="")
    """Why a moderator hid it (or, once restored, why it came back)."""
    hidden_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
    """The moderator who last hid or restored it."""
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    """A thread's root: listed first in its round."""
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    """A thread's root: no new replies but from moderators."""
    group_name: Mapped[str | None] = mapped_column(String(160), nullable=True, default=None)
    """A focal point's post on behalf of a group met offline: the group (else None)."""
    group_size: Mapped[int | None] = mapped_column(Integer, nullable=True, default=None)
    """How many people took part in that group (1..10,000)."""


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


class Reaction(Base):
    """One person's reaction of one kind to a contribution: one of each kind per person."""

    __tablename__ = "discussion_reactions"

    contribution_id: Mapped[int] = mapped_column(
        ForeignKey("discussion_contributions.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class Quote(Base):
    """A contribution's quote of another of the same discussion (an excerpt is shown).

    A table of its own rather than a column of contributions: on SQLite a column with a
    foreign key is added only by rebuilding the table, which would cascade to its stances.
    """

    __tablename__ = "discussion_quotes"

    contribution_id: Mapped[int] = mapped_column(
        ForeignKey("discussion_contributions.id", ondelete="CASCADE"), primary_key=True
    )
    quote_id: Mapped[int] = mapped_column(
        ForeignKey("discussion_contributions.id", ondelete="CASCADE"), index=True
    )


class Reference(Base):
    """A booth or a Q&A panel a contribution names (`#booth-slug`, `#panel-12`, a link),
    stored when the post is made; only targets everyone could see then."""

    __tablename__ = "discussion_references"
    __table_args__ = (Index("ix_discussion_references_target", "kind", "target_id"),)

    contribution_id: Mapped[int] = mapped_column(
        ForeignKey("discussion_contributions.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    """"booth" or "panel" (`rules.ReferenceKind`)."""
    target_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    """The booth's or panel's id: no foreign key, the tables belong to other features."""
    position: Mapped[int] = mapped_column(Integer, default=0)
    """Where the reference first appears in the post, to show the cards in that order."""


class DiscussionPerson(Base):
    """One person's standing in one discussion: focal point, mute, and when they last posted
    (the row slow mode locks, so one person's concurrent posts are checked one at a time)."""

    __tablename__ = "discussion_people"

    discussion_id: Mapped[int] = mapped_column(
        ForeignKey("discussions.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    focal_point: Mapped[bool] = mapped_column(Boolean, default=False)
    muted: Mapped[bool] = mapped_column(Boolean, default=False)
    muted_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, default=None)
    """When the mute ends (None while muted: with the discussion, or when lifted)."""
    mute_reason: Mapped[str] = mapped_column(String(300), default="")
    last_posted_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime, nullable=True, default=None
    )


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
    round (the same question may seed several rounds, of one discussion or of several);
    `question_id` and `panel_id` name the Q&A's rows (read through fair.qa.public)."""

    __tablename__ = "discussion_carried_questions"

    question_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    panel_id: Mapped[int] = mapped_column(Integer)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("discussion_rounds.id", ondelete="CASCADE"), primary_key=True, index=True
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
