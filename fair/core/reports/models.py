"""Report tables: one queue item per reported piece of content, one report per person on it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fair.core.tables import Base, UTCDateTime


class ReportItem(Base):
    """A piece of content in the review queue: the reports on it merged into one item."""

    __tablename__ = "report_items"
    __table_args__ = (
        UniqueConstraint("kind", "content_id"),
        Index("ix_report_items_state_updated_at", "state", "updated_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    """A feature's reportable kind (`discussions.post`)."""
    content_id: Mapped[int] = mapped_column(Integer)
    place_id: Mapped[int] = mapped_column(Integer)
    """The booth, panel or discussion the content is in: whose moderators handle it."""
    state: Mapped[str] = mapped_column(String(12))
    reports: Mapped[int] = mapped_column(Integer, default=0)
    excerpt: Mapped[str] = mapped_column(Text, default="")
    """The content as it was when last reported (plain text, short)."""
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    author_name: Mapped[str] = mapped_column(String(160), default="")
    link: Mapped[str] = mapped_column(String(300), default="")
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    """When last reported or handled: the queue is newest first by this."""
    handled_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    handled_reason: Mapped[str] = mapped_column(Text, default="")


class Report(Base):
    """One person's report on one item: the primary key makes it one per person."""

    __tablename__ = "reports"

    item_id: Mapped[int] = mapped_column(
        ForeignKey("report_items.id", ondelete="CASCADE"), primary_key=True
    )
    reporter_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    reason: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
