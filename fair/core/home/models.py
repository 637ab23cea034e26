"""The fair being held: its details, its themes (priority areas) and the countries in play."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fair.core.tables import Base


class FairInfo(Base):
    __tablename__ = "fair_info"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    tagline: Mapped[str] = mapped_column(String(200), default="")
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    description: Mapped[str] = mapped_column(Text, default="")


class Theme(Base):
    """A priority area of the fair (migrant remittances, communities, ...)."""

    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)


class FairCountry(Base):
    """A country in play at the fair (ISO 3166 alpha-2)."""

    __tablename__ = "fair_countries"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
