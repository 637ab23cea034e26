"""The outbox: one row per message to send, with where it stands."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fair.core.tables import Base, UTCDateTime


class MailState(StrEnum):
    QUEUED = "queued"
    """Waiting to be sent (again) from `next_attempt_at`."""
    SENDING = "sending"
    """Claimed by the sending job; back to queued if that worker dies."""
    SENT = "sent"
    FAILED = "failed"
    """Given up after the last attempt; an organiser can queue it again."""


class MailMessage(Base):
    """One message to one address, committed with the change that caused it."""

    __tablename__ = "mail_outbox"
    __table_args__ = (Index("ix_mail_outbox_state_next_attempt_at", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    html: Mapped[str | None] = mapped_column(Text, nullable=True)
    headers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    kind: Mapped[str] = mapped_column(String(60))
    """What it is (`accounts.password_reset`)."""
    state: Mapped[str] = mapped_column(String(12))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    """When it is next due (queued), or when its claim runs out (sending)."""
    last_error: Mapped[str] = mapped_column(Text, default="")
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True, nullable=True)
    """Set by a sender that must queue a message exactly once (a digest per person and day)."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
