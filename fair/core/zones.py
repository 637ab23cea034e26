"""Time zones: the fair's, and the one a page shows times in (the viewer's saved zone, else the
fair's); times typed without a zone are read in the zone the form says."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fair.core.accounts.models import User
from fair.core.accounts.viewers import Viewer
from fair.core.db import Database
from fair.core.fields import zone_names
from fair.core.home.models import FairInfo

DEFAULT_ZONE = "UTC"
"""Before an organiser (or the demo) has set the fair up."""

COMMON_ZONES = (
    "UTC",
    "Europe/London",
    "Europe/Brussels",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Madrid",
    "Europe/Rome",
    "Europe/Istanbul",
    "Africa/Dakar",
    "Africa/Lagos",
    "Africa/Cairo",
    "Africa/Nairobi",
    "Africa/Johannesburg",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Bangkok",
    "Asia/Jakarta",
    "Asia/Manila",
    "Asia/Shanghai",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Pacific/Auckland",
    "America/Sao_Paulo",
    "America/Buenos_Aires",
    "America/Bogota",
    "America/Lima",
    "America/Mexico_City",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
)
"""Offered first in the time-zone picker: where most people who visit a fair live."""

_LEGACY = ("Etc/", "SystemV/", "US/", "Brazil/", "Canada/", "Chile/", "Mexico/")


@cache
def zone_choices() -> tuple[str, ...]:
    """The zones the picker lists: the common ones, then every other region/city zone."""
    common = [name for name in COMMON_ZONES if name in zone_names()]
    rest = sorted(
        name for name in zone_names() - set(common) if "/" in name and not name.startswith(_LEGACY)
    )
    return (*common, *rest)


async def fair_zone_name(session: AsyncSession) -> str:
    """The IANA name of the fair's zone (`Europe/Brussels`)."""
    name = await session.scalar(select(FairInfo.timezone).order_by(FairInfo.id).limit(1))
    return name or DEFAULT_ZONE


async def person_zone_name(session: AsyncSession, user_id: int) -> str:
    """The zone a message to this person names its times in: theirs if saved, else the fair's."""
    saved = await session.scalar(select(User.time_zone).where(User.id == user_id))
    return saved or await fair_zone_name(session)


async def fair_zone(session: AsyncSession) -> ZoneInfo:
    return ZoneInfo(await fair_zone_name(session))


async def form_zone(session: AsyncSession, name: str) -> ZoneInfo:
    """The zone a form's times are read in: the one it chose, else the fair's."""
    return ZoneInfo(name) if name else await fair_zone(session)


async def page_zone(db: Database, viewer: Viewer | None = None) -> str:
    """The zone a page names its times in: the viewer's saved zone, else the fair's (the
    page's script rewrites them in the browser's)."""
    if viewer is not None and viewer.time_zone:
        return viewer.time_zone
    async with db.reading() as session:
        return await fair_zone_name(session)


def in_zone(moment: datetime, zone: ZoneInfo) -> datetime:
    """A time typed into a form, read in `zone` unless it names its own."""
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment
