"""Setting up the fair's own details."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from fair.core.db import Database
from fair.core.events import Event
from fair.core.home.models import FairInfo
from fair.core.home.queries import FairView

FAIR_CHANNEL = "fair"


class FairDetailsChanged(Event):
    """The fair's name, dates or description changed. Seen by everyone on `fair`."""

    type = "fair.details.changed"
    fair: FairView


async def set_fair_details(
    db: Database,
    *,
    name: str,
    tagline: str,
    starts_on: date,
    ends_on: date,
    timezone: str,
    description: str,
    actor_id: int | None = None,
) -> FairView:
    """Create or update the fair's details (the demo loader and, later, organisers' form)."""
    async with db.transaction(actor_id=actor_id) as tx:
        info = await tx.session.scalar(select(FairInfo).order_by(FairInfo.id).limit(1))
        if info is None:
            info = FairInfo()
            tx.session.add(info)
        info.name, info.tagline, info.timezone, info.description = (
            name,
            tagline,
            timezone,
            description,
        )
        info.starts_on, info.ends_on = starts_on, ends_on
        view = FairView(
            name=name,
            tagline=tagline,
            starts_on=starts_on,
            ends_on=ends_on,
            timezone=timezone,
            description=description,
        )
        tx.record(FAIR_CHANNEL, FairDetailsChanged(fair=view))
    return view
