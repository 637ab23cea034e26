"""The durable event log: one table of events with a gap-free sequence per channel.

A channel's head row holds its last sequence number. Appending takes the row
lock with an UPDATE (PostgreSQL) or the database write lock (SQLite), so
writers to one channel are serialised and numbers follow commit order. Heads
are always updated in channel order, so two transactions that touch the same
channels cannot deadlock.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String, Text, insert, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.expression import Executable

from fair.core.events import Envelope, Event, event_frame
from fair.core.tables import Base, UTCDateTime, iso, utcnow


class ChannelHead(Base):
    __tablename__ = "channel_heads"

    channel: Mapped[str] = mapped_column(String(200), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, default=0)


class LoggedEvent(Base):
    __tablename__ = "events"
    __table_args__ = (Index("uq_events_channel_seq", "channel", "seq", unique=True),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    channel: Mapped[str] = mapped_column(String(200))
    seq: Mapped[int] = mapped_column(BigInteger)
    type: Mapped[str] = mapped_column(String(100))
    data: Mapped[str] = mapped_column(Text)
    actor_id: Mapped[int | None] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime)

    def envelope(self) -> Envelope:
        frame = event_frame(self.channel, self.seq, self.type, iso(self.at), self.data)
        return Envelope(self.channel, self.seq, frame, self.type)


async def append(
    session: AsyncSession, pending: Sequence[tuple[str, Event]], actor_id: int | None
) -> list[Envelope]:
    """Number and store `pending` events inside the caller's transaction; return their envelopes."""
    by_channel: dict[str, list[Event]] = defaultdict(list)
    for channel, event in pending:
        by_channel[channel].append(event)
    at = utcnow()
    rows: list[dict[str, object]] = []
    envelopes: list[Envelope] = []
    for channel in sorted(by_channel):
        events = by_channel[channel]
        last = await _advance_head(session, channel, len(events))
        for seq, event in enumerate(events, start=last - len(events) + 1):
            payload = event.payload()
            rows.append(
                {
                    "channel": channel,
                    "seq": seq,
                    "type": event.type,
                    "data": payload,
                    "actor_id": actor_id,
                    "at": at,
                }
            )
            envelopes.append(
                Envelope(
                    channel,
                    seq,
                    event_frame(channel, seq, event.type, iso(at), payload),
                    event.type,
                )
            )
    if rows:
        await session.execute(insert(LoggedEvent), rows)
    return envelopes


async def _advance_head(session: AsyncSession, channel: str, count: int) -> int:
    advance = (
        update(ChannelHead)
        .where(ChannelHead.channel == channel)
        .values(seq=ChannelHead.seq + count)
        .returning(ChannelHead.seq)
    )
    last = (await session.execute(advance)).scalar_one_or_none()
    if last is not None:
        return last
    await session.execute(_insert_head_if_missing(session, channel))
    return (await session.execute(advance)).scalar_one()


def _insert_head_if_missing(session: AsyncSession, channel: str) -> Executable:
    if session.get_bind().dialect.name == "postgresql":
        return (
            postgresql_insert(ChannelHead).values(channel=channel, seq=0).on_conflict_do_nothing()
        )
    return sqlite_insert(ChannelHead).values(channel=channel, seq=0).on_conflict_do_nothing()


async def events_after(
    session: AsyncSession, channel: str, since: int, limit: int
) -> list[Envelope]:
    """Up to `limit` events of `channel` with seq above `since`, in order."""
    query = (
        select(LoggedEvent)
        .where(LoggedEvent.channel == channel, LoggedEvent.seq > since)
        .order_by(LoggedEvent.seq)
        .limit(limit)
    )
    return [row.envelope() for row in (await session.scalars(query))]


async def heads(session: AsyncSession, channels: Iterable[str]) -> dict[str, int]:
    """The last seq of each channel; a channel with no events yet has head 0."""
    wanted = list(channels)
    found: dict[str, int] = dict.fromkeys(wanted, 0)
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        rows = await session.execute(
            select(ChannelHead.channel, ChannelHead.seq).where(ChannelHead.channel.in_(chunk))
        )
        found.update({channel: seq for channel, seq in rows})
    return found
