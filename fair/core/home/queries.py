"""Reading the fair's own details."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from fair.core.db import Database
from fair.core.events import View
from fair.core.home.models import FairCountry, FairInfo, Theme


class FairView(View):
    name: str
    tagline: str
    starts_on: date
    ends_on: date
    timezone: str
    description: str


def fair_view(info: FairInfo) -> FairView:
    return FairView(
        name=info.name,
        tagline=info.tagline,
        starts_on=info.starts_on,
        ends_on=info.ends_on,
        timezone=info.timezone,
        description=info.description,
    )


async def current_fair(db: Database) -> FairView | None:
    """The fair being held, or None before an organiser (or the demo) has set one up."""
    async with db.reading() as session:
        info = await session.scalar(select(FairInfo).order_by(FairInfo.id).limit(1))
    return None if info is None else fair_view(info)


async def themes(db: Database) -> list[tuple[str, str, str]]:
    """The fair's themes in order, as (slug, name, description)."""
    async with db.reading() as session:
        rows = await session.scalars(select(Theme).order_by(Theme.position))
        return [(t.slug, t.name, t.description) for t in rows]


async def countries_in_play(db: Database) -> list[str]:
    async with db.reading() as session:
        return sorted(await session.scalars(select(FairCountry.code)))
