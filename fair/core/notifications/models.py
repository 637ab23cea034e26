"""The notifications table: what one person was told, and whether they have read it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from fair.core.tables import Base, UTCDateTime


class Notification(Base):
    """One notice for one person. `message` is a message id, translated when shown, with
    `params` (JSON text). The source event (channel, seq) makes a second copy impossible."""

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("user_id", "source_channel", "source_seq", "kind"),
        Index("ix_notifications_user_id_id", "user_id", "id"),
        Index("ix_notifications_user_id_read_at", "user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(60))
    message: Mapped[str] = mapped_column(Text)
    params: Mapped[str] = mapped_column(Text, default="{}")
    link: Mapped[str] = mapped_column(String(300))
    source_channel: Mapped[str] = mapped_column(String(200))
    source_seq: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    """When the event happened (not when the consumer read it)."""
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    in_app: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    """False when its reader turned this kind off in the app (kept for their e-mail)."""
