"""Counting people in: the first time each day a person is at a place, and the samples of how
many are online.

A page view or a live connection calls `attend`; only the first one of the day for a person
and place writes (each worker remembers whom it has counted, so the rest cost a set lookup),
and a second worker counting the same person finds the row there and adds nothing. Counting
never fails the page or the socket it is called from: with the database away it is skipped
and done on the person's next visit.
"""

from __future__ import annotations

import asyncio
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
VISITS_AT_ONCE = 500
"""Visits written by one statement at most."""
REMEMBERED = 200_000
"""A worker forgets whom it counted beyond this many (person, place, day): they cost one more
write that finds the row there."""


@dataclass
class _Counted:
    seen: set[tuple[str, str, date]] = field(default_factory=set)
    zone: ZoneInfo | None = None
    zone_read_at: float = 0.0
    zone_reading: asyncio.Task[ZoneInfo] | None = None
    waiting: list[_Visit] = field(default_factory=list)
    writer: asyncio.Task[None] | None = None


_counted: weakref.WeakKeyDictionary[Database, _Counted] = weakref.WeakKeyDictionary()


async def _zone(db: Database, counted: _Counted) -> ZoneInfo:
    """The fair's time zone, read at most once at a time however many visits ask for it."""
    if counted.zone is not None and time.monotonic() - counted.zone_read_at <= ZONE_SECONDS:
        return counted.zone
    loop = asyncio.get_running_loop()
    reading = counted.zone_reading
    if reading is None or reading.done() or reading.get_loop() is not loop:
        reading = counted.zone_reading = asyncio.create_task(_read_zone(db, counted))
    return await asyncio.shield(reading)


async def _read_zone(db: Database, counted: _Counted) -> ZoneInfo:
    async with db.reading() as session:
        zone = ZoneInfo(await fair_zone_name(session))
    counted.zone, counted.zone_read_at = zone, time.monotonic()
    return zone


def local_day(moment: datetime, zone: ZoneInfo) -> date:
    return moment.astimezone(zone).date()


async def attend(db: Database, viewer: Viewer, place: str = FAIR) -> None:
    """`viewer` is at `place` now: counted once per day (of the fair's zone).

    Visits are written in groups: while one group's transaction runs, the visits that
    arrive wait for it and then go together in the next one (one statement for all of
    them). Each call returns once its visit is written (or given up), so a lone visit costs
    one transaction as before, and a crowd reconnecting at once a handful, not thousands.
    """
    counted = _counted.setdefault(db, _Counted())
    now = utcnow()
    try:
        day = local_day(now, await _zone(db, counted))
    except (Unavailable, SQLAlchemyError, OSError) as error:
        logger.warning("attendance not counted now: %s", type(error).__name__)
        return
    key = (viewer.person, place, day)
    if key in counted.seen:
        return
    loop = asyncio.get_running_loop()
    visit = _Visit(key, viewer.user_id, now, loop.create_future())
    writer = counted.writer
    if writer is not None and writer.get_loop() is not loop:
        # Left by another event loop (a test's): its visits cannot be answered here.
        counted.waiting = [v for v in counted.waiting if v.written.get_loop() is loop]
        writer = None
    if writer is None or writer.done():
        counted.writer = asyncio.create_task(_write_visits(db, counted), name="attendance")
    counted.waiting.append(visit)
    # The write goes on if this caller is cancelled (its socket closed): others wait for it.
    await asyncio.shield(visit.written)


@dataclass
class _Visit:
    key: tuple[str, str, date]
    user_id: int | None
    at: datetime
    written: asyncio.Future[None]


async def _write_visits(db: Database, counted: _Counted) -> None:
    """Write what waits, a group at a time, until nothing does."""
    while counted.waiting:
        group, counted.waiting = counted.waiting[:VISITS_AT_ONCE], counted.waiting[VISITS_AT_ONCE:]
        try:
            await _write_group(db, group)
        except (Unavailable, SQLAlchemyError, OSError) as error:
            logger.warning("attendance not counted now: %s", type(error).__name__)
        else:
            if len(counted.seen) + len(group) >= REMEMBERED:
                counted.seen.clear()
            counted.seen.update(visit.key for visit in group)
        finally:
            for visit in group:
                if not visit.written.done():
                    visit.written.set_result(None)


async def _write_group(db: Database, group: list[_Visit]) -> None:
    firsts: dict[tuple[str, str, date], _Visit] = {}
    for visit in group:
        firsts.setdefault(visit.key, visit)
    async with db.transaction() as tx:
        accounts = {visit.user_id for visit in firsts.values() if visit.user_id is not None}
        countries = (
            dict(
                (
                    await tx.session.execute(
                        select(User.id, User.country).where(User.id.in_(accounts))
                    )
                ).all()
            )
            if accounts
            else {}
        )
        rows = [
            {
                "person": person,
                "place": place,
                "day": day,
                "user_id": visit.user_id,
                "country": countries.get(visit.user_id) if visit.user_id is not None else None,
                "first_at": visit.at,
            }
            for (person, place, day), visit in firsts.items()
        ]
        await tx.session.execute(_insert_if_missing(tx.session).values(rows))


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
