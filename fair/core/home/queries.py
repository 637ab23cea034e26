"""Reading the fair's own details."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from fair.core.db import Database
from fair.core.events import View
from fair.core.home.models import FairInfo


class FairView(View):
    name: str
    tagline: str
    starts_on: date
    ends_on: date
    timezone: str
    description: str


async def current_fair(db: Database) -> FairView | None:
    """The fair being held, or None before an organiser (or the demo) has set one up."""
    async with db.reading() as session:
        info = await session.scalar(select(FairInfo).order_by(FairInfo.id).limit(1))
    if info is None:
        return None
    return FairView(
        name=info.name,
        tagline=info.tagline,
        starts_on=info.starts_on,
        ends_on=info.ends_on,
        timezone=info.timezone,
        description=info.description,
    )
