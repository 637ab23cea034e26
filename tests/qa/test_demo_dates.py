"""The demo fair is dated around the moment it loads, so its panels fall inside its days."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy import select

from fair.cli import load_demo
from fair.core.db import Database, create_engine
from fair.core.home.models import FairInfo
from fair.core.tables import utcnow
from fair.qa.models import Panel
from tests.conftest import make_settings


async def test_every_demo_panel_is_within_the_demo_fairs_dates(sqlite_url: str) -> None:
    """The live, tomorrow's and yesterday's panels all start and end on a day of the fair (its
    zone), and today, when the demo is loaded, is one of the fair's days too."""
    await load_demo(make_settings(sqlite_url))
    db = Database(create_engine(sqlite_url))
    try:
        async with db.reading() as session:
            info = await session.scalar(select(FairInfo))
            slots = list(await session.execute(select(Panel.slug, Panel.starts_at, Panel.ends_at)))
    finally:
        await db.dispose()
    assert info is not None and len(slots) >= 3
    zone = ZoneInfo(info.timezone)
    assert info.starts_on <= utcnow().astimezone(zone).date() <= info.ends_on
    for slug, starts, ends in slots:
        days = (starts.astimezone(zone).date(), ends.astimezone(zone).date())
        assert info.starts_on <= days[0] <= days[1] <= info.ends_on, (slug, days, info)
