"""Reading the fair's own details, and its audit log for organisers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, select

from fair.core.accounts.models import User
from fair.core.audit import SYSTEM_ROLE, AuditEntry
from fair.core.db import Database
from fair.core.events import View
from fair.core.exports import csv_text
from fair.core.fields import id_from_text
from fair.core.home.inputs import AuditFilter
from fair.core.home.models import FairCountry, FairInfo, Theme
from fair.core.tables import iso

AUDIT_PAGE_SIZE = 50
AUDIT_CSV_BATCH = 500
AUDIT_CSV_COLUMNS = (
    "id",
    "at",
    "actor_id",
    "actor",
    "actor_role",
    "action",
    "target_type",
    "target_id",
    "before",
    "after",
)


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


@dataclass(frozen=True)
class AuditRow:
    """One row of the audit log as organisers read it, with the actor's name."""

    id: int
    at: datetime
    actor_id: int | None
    actor_name: str
    actor_role: str
    action: str
    target_type: str
    target_id: str
    before: str | None
    after: str | None


def _audit_query(filters: AuditFilter) -> Select[AuditEntry, str]:
    query = select(AuditEntry, User.display_name).outerjoin(User, User.id == AuditEntry.actor_id)
    if filters.action:
        query = query.where(AuditEntry.action.startswith(filters.action, autoescape=True))
    actor = filters.actor.strip()
    if actor.lower() == SYSTEM_ROLE:
        query = query.where(AuditEntry.actor_id.is_(None))
    elif actor.isdecimal():
        # A number beyond any id matches nobody rather than overflowing the column.
        query = query.where(AuditEntry.actor_id == (id_from_text(actor) or 0))
    elif actor:
        query = query.where(User.email == actor.lower())
    if filters.from_day is not None:
        query = query.where(AuditEntry.at >= datetime.combine(filters.from_day, time(), UTC))
    if filters.to_day is not None and filters.to_day < date.max:
        end = datetime.combine(filters.to_day + timedelta(days=1), time(), UTC)
        query = query.where(AuditEntry.at < end)
    if filters.before_id is not None:
        query = query.where(AuditEntry.id < filters.before_id)
    return query.order_by(AuditEntry.id.desc())


async def audit_page(
    db: Database, filters: AuditFilter, *, size: int = AUDIT_PAGE_SIZE
) -> tuple[list[AuditRow], int | None]:
    """Up to `size` rows matching `filters`, newest first, and the id to continue before (None
    on the last page): keyset pagination, so a page stays right while rows are added."""
    async with db.reading() as session:
        found = (await session.execute(_audit_query(filters).limit(size + 1))).all()
    rows = [_audit_row(entry, name) for entry, name in found[:size]]
    return rows, (rows[-1].id if len(found) > size else None)


async def audit_rows(db: Database, filters: AuditFilter) -> AsyncIterator[AuditRow]:
    """Every row matching `filters`, newest first, read in batches."""
    cursor = filters
    while True:
        rows, more = await audit_page(db, cursor, size=AUDIT_CSV_BATCH)
        for row in rows:
            yield row
        if more is None:
            return
        cursor = cursor.model_copy(update={"before_id": more})


async def audit_csv(db: Database, filters: AuditFilter) -> str:
    """The rows matching `filters` as CSV (with a BOM), every text cell spreadsheet-safe."""
    rows = [
        [
            row.id,
            iso(row.at),
            row.actor_id,
            row.actor_name,
            row.actor_role,
            row.action,
            row.target_type,
            row.target_id,
            row.before or "",
            row.after or "",
        ]
        async for row in audit_rows(db, filters)
    ]
    return csv_text(AUDIT_CSV_COLUMNS, rows)


def _audit_row(entry: AuditEntry, name: str | None) -> AuditRow:
    return AuditRow(
        id=entry.id,
        at=entry.at,
        actor_id=entry.actor_id,
        actor_name=name if name is not None else ("the fair" if entry.actor_id is None else ""),
        actor_role=entry.actor_role,
        action=entry.action,
        target_type=entry.target_type,
        target_id=entry.target_id,
        before=entry.before,
        after=entry.after,
    )
