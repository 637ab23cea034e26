"""One's notification settings: which kinds reach the bell, which go by e-mail at once, and how
often the e-mail digest comes (and at what local hour). No row: the defaults, which are what
most people want (everything in the app, a daily digest at 07:00, nothing at once)."""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from fair.core.accounts.models import User
from fair.core.i18n import gettext as _
from fair.core.tables import Base, UTCDateTime


class Digest(enum.StrEnum):
    OFF = "off"
    DAILY = "daily"
    WEEKLY = "weekly"


def digest_labels() -> dict[str, str]:
    """The digest choices, in the active language."""
    return {
        Digest.OFF.value: _("No e-mail digest"),
        Digest.DAILY.value: _("A daily digest"),
        Digest.WEEKLY.value: _("A weekly digest (on Mondays)"),
    }


DEFAULT_DIGEST = Digest.DAILY
DEFAULT_DIGEST_HOUR = 7


class NotificationSettings(Base):
    """A person's choices, when they made any."""

    __tablename__ = "notification_settings"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    digest: Mapped[str] = mapped_column(String(10))
    digest_hour: Mapped[int] = mapped_column(Integer)
    """The local hour (0-23, in the person's time zone) the digest is sent at."""
    off_in_app: Mapped[str] = mapped_column(Text, default="[]")
    """The kinds that do not reach the bell (JSON list)."""
    email_now: Mapped[str] = mapped_column(Text, default="[]")
    """The urgent kinds sent by e-mail at once (JSON list)."""
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


@dataclass(frozen=True)
class Choices:
    digest: Digest = DEFAULT_DIGEST
    digest_hour: int = DEFAULT_DIGEST_HOUR
    off_in_app: frozenset[str] = field(default_factory=frozenset)
    email_now: frozenset[str] = field(default_factory=frozenset)
    time_zone: str | None = None

    def in_app(self, kind: str) -> bool:
        return kind not in self.off_in_app


def choices_of(row: NotificationSettings | None, time_zone: str | None = None) -> Choices:
    """The choices in `row`, with the person's zone (kept on their account, `User.time_zone`)."""
    if row is None:
        return Choices(time_zone=time_zone)
    return Choices(
        digest=Digest(row.digest),
        digest_hour=row.digest_hour,
        off_in_app=frozenset(json.loads(row.off_in_app or "[]")),
        email_now=frozenset(json.loads(row.email_now or "[]")),
        time_zone=time_zone,
    )


async def choices_for(session: AsyncSession, user_id: int) -> Choices:
    time_zone = await session.scalar(select(User.time_zone).where(User.id == user_id))
    return choices_of(await session.get(NotificationSettings, user_id), time_zone)
