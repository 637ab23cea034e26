"""What attendance figures are counted from: durable rows, the same on every worker."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from fair.core.tables import Base, UTCDateTime


class Attendance(Base):
    """A person was at a place of the fair on a day (of the fair's time zone): `fair` for
    the fair itself, or a channel's name (`qa:7` for panel 7). One row per person, place and
    day, however often they came back that day."""

    __tablename__ = "attendance"
    __table_args__ = (Index("ix_attendance_day_place", "day", "place"),)

    person: Mapped[str] = mapped_column(String(40), primary_key=True)
    place: Mapped[str] = mapped_column(String(80), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    user_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    """The account, when the person was logged in (a visitor counts by their browser)."""
    country: Mapped[str | None] = mapped_column(String(2), nullable=True)
    first_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PresenceSample(Base):
    """How many distinct people were online in `scope` at `at` (taken by a scheduled job)."""

    __tablename__ = "presence_samples"
    __table_args__ = (Index("ix_presence_samples_scope_at", "scope", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scope: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    count: Mapped[int] = mapped_column(Integer)
