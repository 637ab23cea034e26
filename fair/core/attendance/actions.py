"""Counting people in: the first time each day a person is at a place, and the samples of how
many are online.

A page view or a live connection calls `attend`; only the first one of the day for a person
and place writes (each worker remembers whom it has counted, so the rest cost a set lookup),
and a second worker counting the same person finds the row there and adds nothing. Counting
never fails the page or the socket it is called from: with the database away it is skipped
and done on the person's next visit.
"""

from __future__ import annotations

import logging
import time
import weakref
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from fair.core.accounts.models import User
from fair.core.attendance.models import Attendance, PresenceSample
from fair.core.db import Database
from fair.core.errors import Unavailable
from fair.core.tables import utcnow
from fair.core.zones import fair_zone_name

if TYPE_CHECKING:
    from fair.core.accounts.viewers import Viewer
    from fair.core.presence import Presence

logger = logging.getLogger(__name__)

FAIR = "fair"
"""The place everyone on a page or connected is at."""
ZONE_SECONDS = 60.0
"""How long a worker trusts the fair's time zone it read (an organiser may change it)."""
REMEMBERED = 200_000
"""A worker forgets whom it counted beyond this many (person, place, day): they cost one more
write that finds the row there."""


@dataclass
class _Counted:
    seen: set[tuple[str, str, date]] = field(default_factory=set)
    zone: ZoneInfo | None = None
    zone_read_at: float = 0.0


_counted: weakref.WeakKeyDictionary[Database, _Counted] = weakref.WeakKeyDictionary()


async def _zone(db: Database, counted: _Counted) -> ZoneInfo:
    if counted.zone is None or time.monotonic() - counted.zone_read_at > ZONE_SECONDS:
        async with db.reading() as session:
            counted.zone = ZoneInfo(await fair_zone_name(session))
        counted.zone_read_at = time.monotonic()
    return counted.zone


def local_day(moment: datetime, zone: ZoneInfo) -> date:
    return moment.astimezone(zone).date()


async def attend(db: Database, viewer: Viewer, place: str = FAIR) -> None:
    """`viewer` is at `place` now: counted once per day (of the fair's zone)."""
    counted = _counted.setdefault(db, _Counted())
    now = utcnow()
    try:
        day = local_day(now, await _zone(db, counted))
        key = (viewer.person, place, day)
        if key in counted.seen:
            return
        async with db.transaction() as tx:
            country = None
            if viewer.user_id is not None:
                country = await tx.session.scalar(
                    select(User.country).where(User.id == viewer.user_id)
                )

            values = {
                "person": viewer.person,
                "place": place,
                "day": day,
                "user_id": viewer.user_id,
                "country": country,
                "first_at": now,
            }
            await tx.session.execute(_insert_if_missing(tx.session).values(**values))
    except (Unavailable, SQLAlchemyError, OSError) as error:
        logger.warning("attendance not counted now: %s", type(error).__name__)
        return
    if len(counted.seen) >= REMEMBERED:
        counted.seen.clear()
    counted.seen.add(key)


async def logging_in(db: Database, visitor: str) -> None:
    """The browser `visitor` logs in (and gets a new visitor id): what it was counted as today
    is the account now, which its next page counts, so the browser's rows of today go."""
    counted = _counted.setdefault(db, _Counted())
    try:
        day = local_day(utcnow(), await _zone(db, counted))
        async with db.transaction() as tx:
            await tx.session.execute(
                delete(Attendance).where(Attendance.person == f"v{visitor}", Attendance.day == day)
            )
    except (Unavailable, SQLAlchemyError, OSError) as error:
        logger.warning("attendance not corrected at login: %s", type(error).__name__)


def _insert_if_missing(session: AsyncSession):  # type: ignore[no-untyped-def]
    if session.get_bind().dialect.name == "postgresql":
        return postgresql_insert(Attendance).on_conflict_do_nothing()
    return sqlite_insert(Attendance).on_conflict_do_nothing()


async def take_samples(db: Database, presence: Presence, now: datetime | None = None) -> int:
    """Store how many people are online at the fair and at each place someone attended today
    (a live panel's watchers, a booth's visitors); how many samples were taken."""
    now = now or utcnow()
    async with db.reading() as session:
        zone = ZoneInfo(await fair_zone_name(session))
        places = list(
            await session.scalars(
                select(Attendance.place).where(Attendance.day == local_day(now, zone)).distinct()
            )
        )
    scopes = [FAIR, *sorted(p for p in places if p != FAIR)]
    counts = [(scope, await presence.count(scope)) for scope in scopes]
    async with db.transaction() as tx:
        tx.session.add_all(
            PresenceSample(scope=scope, at=now, count=count)
            for scope, count in counts
            if count or scope == FAIR
        )
    return len(counts)
