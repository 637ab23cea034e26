"""The fair-wide attendance figures: people per day, online peaks, countries and regions.

Days are the fair's (its time zone); everything is read from stored rows (`attendance`,
`presence_samples`, accounts), so every worker answers the same.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from fair.core.access import require
from fair.core.accounts.models import User
from fair.core.accounts.roles import Capability
from fair.core.accounts.viewers import Who
from fair.core.attendance.actions import FAIR
from fair.core.attendance.figures import OTHER, UNKNOWN
from fair.core.attendance.models import Attendance, PresenceSample
from fair.core.attendance.regions import REGIONS, region_of
from fair.core.contract import FigureScope, FigureSource, FigureTable
from fair.core.db import Database
from fair.core.errors import NotFound
from fair.core.home.models import Theme
from fair.core.i18n import gettext as _
from fair.core.tables import utcnow
from fair.core.zones import fair_zone_name

TOP_COUNTRIES = 10
"""Countries beyond this many are one "other countries" row."""
NOW_SECONDS = 600
"""A sample older than this says nothing of "online now"."""
CAPABILITY = Capability.EDIT_FAIR


@dataclass(frozen=True)
class DayRow:
    day: date
    registered: int
    """Accounts made that day."""
    active: int
    """Distinct people at the fair that day (an account, or a browser without one)."""
    returning: int
    """Of those, people who had been at the fair on an earlier day."""
    peak_online: int
    """The most people online at once that day, from the samples."""


@dataclass(frozen=True)
class CountryRow:
    code: str
    """An ISO code, `UNKNOWN` for visitors without an account, `OTHER` for the rest."""
    people: int


@dataclass(frozen=True)
class RegionRow:
    region: str
    """A key of `regions.REGIONS`."""
    people: int


@dataclass(frozen=True)
class Report:
    zone: str
    day: date | None
    """The day the report is narrowed to, if any."""
    days: list[DayRow]
    countries: list[CountryRow]
    regions: list[RegionRow]
    people: int
    """Distinct people at the fair (on `day`, or ever)."""
    country_count: int
    """How many countries those with an account come from."""
    online_now: int | None
    """From the latest sample, when it is recent."""
    tables: list[FigureTable]
    """The features' tables (booths, panels, rounds), narrowed like the rest."""
    themes: list[tuple[str, str]]
    """The fair's themes (slug, name), to narrow the features' tables to one."""
    theme: str | None


async def attendance_report(
    db: Database,
    who: Who,
    day: date | None = None,
    *,
    theme: str | None = None,
    figures: Sequence[FigureSource] = (),
) -> Report:
    """What an organiser's dashboard shows: every day's figures, who came from where, and the
    features' tables (on `day`, or over the whole fair; those that have themes, of `theme`)."""
    require(who, CAPABILITY)
    async with db.reading() as session:
        zone_name = await fair_zone_name(session)
        zone = ZoneInfo(zone_name)
        days = await _days(session, zone)
        countries = await _countries(session, day)
        online_now = await _online_now(session)
        themes = [
            (slug, name)
            for slug, name, _id in await session.execute(
                select(Theme.slug, Theme.name, Theme.id).order_by(Theme.position, Theme.id)
            )
        ]
        theme_id = (
            await session.scalar(select(Theme.id).where(Theme.slug == theme)) if theme else None
        )
        if theme and theme_id is None:
            raise NotFound("attendance.no_such_theme", _("There is no such theme."))
        scope = _scope(zone, day, theme_id)
        tables = [table for source in figures for table in await source(session, scope)]
    known = Counter({code: n for code, n in countries.items() if code != UNKNOWN})
    regions: Counter[str] = Counter()
    for code, people in known.items():
        regions[region_of(code)] += people
    top = known.most_common(TOP_COUNTRIES)
    rest = sum(known.values()) - sum(n for _code, n in top)
    rows = [CountryRow(code, n) for code, n in top]
    if rest:
        rows.append(CountryRow(OTHER, rest))
    if countries.get(UNKNOWN):
        rows.append(CountryRow(UNKNOWN, countries[UNKNOWN]))
    return Report(
        zone=zone_name,
        day=day,
        days=days,
        countries=rows,
        regions=[RegionRow(key, regions[key]) for key in REGIONS if regions[key]],
        people=sum(countries.values()),
        country_count=len(known),
        online_now=online_now,
        tables=tables,
        themes=themes,
        theme=theme,
    )


def _scope(zone: ZoneInfo, day: date | None, theme_id: int | None) -> FigureScope:
    if day is None:
        return FigureScope(zone=zone.key, theme_id=theme_id)
    start = datetime.combine(day, time(0), zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), zone).astimezone(UTC)
    return FigureScope(zone=zone.key, day=day, start=start, end=end, theme_id=theme_id)


async def _days(session: AsyncSession, zone: ZoneInfo) -> list[DayRow]:
    active = dict(
        (
            await session.execute(
                select(Attendance.day, func.count(Attendance.person))
                .where(Attendance.place == FAIR)
                .group_by(Attendance.day)
            )
        ).all()
    )
    first = (
        select(Attendance.person, func.min(Attendance.day).label("first_day"))
        .where(Attendance.place == FAIR)
        .group_by(Attendance.person)
        .subquery()
    )
    returning = dict(
        (
            await session.execute(
                select(Attendance.day, func.count(Attendance.person))
                .join(first, first.c.person == Attendance.person)
                .where(Attendance.place == FAIR, Attendance.day > first.c.first_day)
                .group_by(Attendance.day)
            )
        ).all()
    )
    registered: Counter[date] = Counter(
        created.astimezone(zone).date()
        for created in await session.scalars(select(User.created_at))
    )
    peaks: defaultdict[date, int] = defaultdict(int)
    for at, count in await session.execute(
        select(PresenceSample.at, PresenceSample.count).where(PresenceSample.scope == FAIR)
    ):
        local = at.astimezone(zone).date()
        peaks[local] = max(peaks[local], count)
    every_day = sorted(set(active) | set(registered) | set(peaks))
    return [
        DayRow(d, registered[d], active.get(d, 0), returning.get(d, 0), peaks.get(d, 0))
        for d in every_day
    ]


async def _countries(session: AsyncSession, day: date | None) -> Counter[str]:
    """Distinct people at the fair per country (their account's, `UNKNOWN` without one)."""
    query = select(Attendance.person, Attendance.country).where(Attendance.place == FAIR)
    if day is not None:
        query = query.where(Attendance.day == day)
    people = {person: country for person, country in await session.execute(query.distinct())}
    return Counter(country or UNKNOWN for country in people.values())


async def _online_now(session: AsyncSession) -> int | None:
    latest = (
        await session.execute(
            select(PresenceSample.at, PresenceSample.count)
            .where(PresenceSample.scope == FAIR)
            .order_by(PresenceSample.at.desc())
            .limit(1)
        )
    ).first()
    if latest is None or utcnow() - latest[0] > timedelta(seconds=NOW_SECONDS):
        return None
    return int(latest[1])
