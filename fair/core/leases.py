"""Leases: which worker runs a job now, held in a row per job and renewed while it lives.

A lease is taken or renewed with one conditional UPDATE in a short transaction: the row
changes only if nobody holds it, this holder already does, or the holder's lease ran
out. The database decides between two workers that try at once (a row lock on
PostgreSQL, the write lock on SQLite), so at most one holds a lease at any moment. The
same code runs on SQLite, where the one process always wins.

Why not a PostgreSQL advisory lock: a session-level advisory lock belongs to one
connection, and a pooled async engine hands connections out per transaction; holding
one connection per job for the life of the process, and noticing when it dies, is more
machinery than a row, works only on PostgreSQL, and leaves nothing to read back ("who
runs the digest, and when did it last complete?"). A lease row answers that, and a
worker that dies loses its lease when the time runs out.

Times are the workers' clocks (UTC): hosts must agree to well within a lease (NTP).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import String, or_, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.expression import Executable

from fair.core.db import Database
from fair.core.tables import Base, UTCDateTime


class JobRun(Base):
    """A job's lease (who runs it, until when) and when it last completed."""

    __tablename__ = "job_runs"

    name: Mapped[str] = mapped_column(String(120), primary_key=True)
    holder: Mapped[str | None] = mapped_column(String(120), nullable=True)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


@dataclass(frozen=True)
class Held:
    """A lease this worker holds now, and when its job last completed."""

    last_completed_at: datetime | None


async def take(db: Database, name: str, holder: str, now: datetime, lease: float) -> Held | None:
    """Take or renew the lease on `name` for `lease` seconds from `now`; None if another
    worker holds it."""
    claim = (
        update(JobRun)
        .where(
            JobRun.name == name,
            or_(JobRun.holder.is_(None), JobRun.holder == holder, JobRun.lease_until < now),
        )
        .values(holder=holder, lease_until=now + timedelta(seconds=lease))
        .returning(JobRun.last_completed_at)
    )
    async with db.transaction() as tx:
        row = (await tx.session.execute(claim)).one_or_none()
        if row is None:
            await tx.session.execute(_insert_if_missing(tx.session, name))
            row = (await tx.session.execute(claim)).one_or_none()
    return None if row is None else Held(row[0])


async def complete(db: Database, name: str, holder: str, at: datetime) -> bool:
    """Note that the job completed a run covering up to `at`; False if the lease was lost."""
    async with db.transaction() as tx:
        result = await tx.session.execute(
            update(JobRun)
            .where(JobRun.name == name, JobRun.holder == holder)
            .values(last_completed_at=at)
            .returning(JobRun.name)
        )
        return result.one_or_none() is not None


async def release(db: Database, holder: str) -> None:
    """Give up every lease `holder` has, so another worker can take over at once."""
    async with db.transaction() as tx:
        await tx.session.execute(
            update(JobRun).where(JobRun.holder == holder).values(holder=None, lease_until=None)
        )


def _insert_if_missing(session: AsyncSession, name: str) -> Executable:
    if session.get_bind().dialect.name == "postgresql":
        return postgresql_insert(JobRun).values(name=name).on_conflict_do_nothing()
    return sqlite_insert(JobRun).values(name=name).on_conflict_do_nothing()
