"""Account tables: people and their login sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from fair.core.accounts.roles import Role
from fair.core.tables import Base, UTCDateTime


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    password_hash: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))
    organisation: Mapped[str] = mapped_column(String(120), default="")
    role: Mapped[str] = mapped_column(String(20), default=Role.PARTICIPANT.value)
    banned: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    """When the person proved the address is theirs (a link sent to it); None: not yet."""
    language: Mapped[str | None] = mapped_column(String(16), nullable=True)
    """The language mail to them is written in; None: the fair's default."""
    time_zone: Mapped[str | None] = mapped_column(String(64), nullable=True)
    """The person's IANA zone (`Africa/Dakar`): pages and their digest show times in it;
    None: the fair's."""


class Login(Base):
    """A logged-in browser. The cookie holds a random token; only its SHA-256 is stored."""

    __tablename__ = "logins"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    user_agent: Mapped[str] = mapped_column(String(200), default="")


class Invitation(Base):
    """An organiser invited someone by e-mail to make an account with a given role.

    Its link is signed and bound to `nonce`: sending it again draws a new nonce, so the old
    link is dead; accepting or withdrawing ends it; `expires_at` ends it in time."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    display_name: Mapped[str] = mapped_column(String(80), default="")
    """The name the organiser gave (offered on the form; the person may change it)."""
    role: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(20))
    """pending, accepted or withdrawn (a pending one past `expires_at` reads as expired)."""
    nonce: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(16))
    """The language its mail is written in: the inviting organiser's when they sent it."""
    invited_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    """When it was accepted or withdrawn."""
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    """The account its acceptance made."""
