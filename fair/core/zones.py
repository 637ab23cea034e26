"""The fair's time zone: pages show times in it, and times typed without a zone are read in it."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fair.core.db import Database
from fair.core.home.models import FairInfo

DEFAULT_ZONE = "UTC"
"""Before an organiser (or the demo) has set the fair up."""


async def fair_zone_name(session: AsyncSession) -> str:
    """The IANA name of the fair's zone (`Europe/Brussels`)."""
    name = await session.scalar(select(FairInfo.timezone).order_by(FairInfo.id).limit(1))
    return name or DEFAULT_ZONE


async def fair_zone(session: AsyncSession) -> ZoneInfo:
    return ZoneInfo(await fair_zone_name(session))


async def page_zone(db: Database) -> str:
    """The zone a page names its times in (the page's script rewrites them in the reader's)."""
    async with db.reading() as session:
        return await fair_zone_name(session)


def in_zone(moment: datetime, zone: ZoneInfo) -> datetime:
    """A time typed into a form, read in `zone` unless it names its own."""
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment
