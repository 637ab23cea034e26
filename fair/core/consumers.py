"""Durable consumers: named readers of the event log that resume where they stopped.

A consumer's position is kept per (consumer, channel): the last seq it handled on that
channel. The log's seq is gap-free per channel and follows commit order there (see
`log.py`), so "everything above my position on each channel" never skips an event. A
single global position (the last `events.id`) would: ids are taken at insert, and on
PostgreSQL a transaction with a lower id can commit after one with a higher id.

Each pass reads the channels whose head is beyond the position, and hands their events
over one at a time, in seq order per channel. Each delivery runs in ONE transaction that
first advances the position (`seq < delivery.seq` or nothing changes: a second worker
that somehow reads the same event waits on the row, then finds it moved and rolls back)
and then calls the handler. So the handler's database effects and the position commit
together: after a crash or restart the consumer resumes after the last committed event,
never skips one and never applies one twice. Effects outside the database (an e-mail)
happen at least once: a crash between sending and committing sends again.

A handler that raises rolls its delivery back; the failure is counted on the consumer
and the same event comes again on the next pass. After `consumer_max_failures` failures
of the same event the consumer STOPS (logged at ERROR, `stopped_at` and the error kept in
its row), because skipping would lose the event and retrying for ever would hide the
bug; the other consumers go on. `resume_consumer()` starts it again at the same event.

A new consumer starts at the current heads (it does not replay history) unless it says
`from_start=True`. Consumers run like jobs, on one worker at a time (`jobs.py`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    ForeignKey,
    Integer,
    String,
    and_,
    func,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import Insert as PostgresqlInsert
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import Insert as SqliteInsert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from fair.core.contract import Consumer, Delivery
from fair.core.db import Database
from fair.core.errors import Unavailable
from fair.core.log import ChannelHead, LoggedEvent
from fair.core.tables import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from fair.core.contract import Services

logger = logging.getLogger(__name__)


class ConsumerState(Base):
    """A consumer known to this fair: since when, and whether it is failing or stopped."""

    __tablename__ = "consumers"

    name: Mapped[str] = mapped_column(String(120), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    failing_channel: Mapped[str | None] = mapped_column(String(200), nullable=True)
    failing_seq: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    error: Mapped[str | None] = mapped_column(String(500), nullable=True)


class ConsumerPosition(Base):
    """The last seq a consumer handled on one channel."""

    __tablename__ = "consumer_positions"

    consumer: Mapped[str] = mapped_column(
        ForeignKey("consumers.name", ondelete="CASCADE"), primary_key=True
    )
    channel: Mapped[str] = mapped_column(String(200), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)


@dataclass
class _State:
    failures: int
    stopped: bool


class _Overtaken(Exception):
    """The position moved under this worker: another one handled the event."""


async def consume(services: Services, consumer: Consumer, *, batch: int, max_failures: int) -> int:
    """One pass: hand every committed event beyond the positions to `consumer`; return how
    many it handled. Ends early at a failing event (it comes again on the next pass)."""
    db = services.db
    state = await _register(db, consumer)
    if state.stopped:
        return 0
    handled = 0
    behind = await _behind(db, consumer)
    missing = [channel for channel, _head, position in behind if position is None]
    if missing:
        await _add_positions(db, consumer.name, missing)
    for channel, head, known in behind:
        position = known or 0
        while position < head:
            deliveries = await _read(db, channel, position, batch)
            if not deliveries:
                break
            for delivery in deliveries:
                if not await _deliver(services, consumer, delivery, state, max_failures):
                    return handled
                position = delivery.seq
                handled += 1
    return handled


async def resume_consumer(db: Database, name: str) -> None:
    """Start a stopped consumer again, at the event it stopped on."""
    async with db.transaction() as tx:
        await tx.session.execute(
            update(ConsumerState)
            .where(ConsumerState.name == name)
            .values(stopped_at=None, error=None, failures=0, failing_channel=None, failing_seq=None)
        )


async def _register(db: Database, consumer: Consumer) -> _State:
    async with db.reading() as session:
        row = await session.get(ConsumerState, consumer.name)
    if row is not None:
        return _State(row.failures, row.stopped_at is not None)
    async with db.transaction() as tx:
        created = await tx.session.execute(
            _insert_ignoring_conflict(tx.session, ConsumerState)
            .values(name=consumer.name, started_at=utcnow(), failures=0)
            .returning(ConsumerState.name)
        )
        if created.one_or_none() is not None and not consumer.from_start:
            heads = select(literal(consumer.name), ChannelHead.channel, ChannelHead.seq).where(
                _reads(consumer, ChannelHead.channel)
            )
            await tx.session.execute(
                _insert_ignoring_conflict(tx.session, ConsumerPosition).from_select(
                    ["consumer", "channel", "seq"], heads
                )
            )
    return _State(0, False)


async def caught_up(db: Database, consumer: Consumer) -> bool:
    """Whether `consumer` has handled every committed event of its channels."""
    return not await _behind(db, consumer)


async def _behind(db: Database, consumer: Consumer) -> list[tuple[str, int, int | None]]:
    """The consumer's channels whose head is beyond its position: (channel, head, position)."""
    position = ConsumerPosition.seq
    query = (
        select(ChannelHead.channel, ChannelHead.seq, position)
        .outerjoin(
            ConsumerPosition,
            and_(
                ConsumerPosition.consumer == consumer.name,
                ConsumerPosition.channel == ChannelHead.channel,
            ),
        )
        .where(_reads(consumer, ChannelHead.channel), ChannelHead.seq > func.coalesce(position, 0))
        .order_by(ChannelHead.channel)
    )
    async with db.reading() as session:
        return [(channel, head, seq) for channel, head, seq in await session.execute(query)]


async def _add_positions(db: Database, name: str, channels: Sequence[str]) -> None:
    async with db.transaction() as tx:
        await tx.session.execute(
            _insert_ignoring_conflict(tx.session, ConsumerPosition).values(
                [{"consumer": name, "channel": channel, "seq": 0} for channel in channels]
            )
        )


async def _read(db: Database, channel: str, after: int, limit: int) -> list[Delivery]:
    query = (
        select(LoggedEvent)
        .where(LoggedEvent.channel == channel, LoggedEvent.seq > after)
        .order_by(LoggedEvent.seq)
        .limit(limit)
    )
    async with db.reading() as session:
        return [
            Delivery.of(row.channel, row.seq, row.type, row.data, row.at, row.actor_id)
            for row in await session.scalars(query)
        ]


async def _deliver(
    services: Services, consumer: Consumer, delivery: Delivery, state: _State, max_failures: int
) -> bool:
    """Hand one event over inside the transaction that advances the position; False if it
    failed or another worker had it."""
    try:
        async with services.db.transaction() as tx:
            moved = await tx.session.execute(
                update(ConsumerPosition)
                .where(
                    ConsumerPosition.consumer == consumer.name,
                    ConsumerPosition.channel == delivery.channel,
                    ConsumerPosition.seq < delivery.seq,
                )
                .values(seq=delivery.seq)
                .returning(ConsumerPosition.seq)
            )
            if moved.one_or_none() is None:
                raise _Overtaken
            if state.failures:
                await tx.session.execute(
                    update(ConsumerState)
                    .where(ConsumerState.name == consumer.name)
                    .values(failures=0, failing_channel=None, failing_seq=None)
                )
            await consumer.handle(tx, services, delivery)
    except _Overtaken:
        logger.warning(
            "consumer %s: %s#%d was handled by another worker",
            consumer.name,
            delivery.channel,
            delivery.seq,
        )
        return False
    except Unavailable:
        raise  # the database is away: not the handler's failure; the runner retries
    except Exception as error:
        logger.exception(
            "consumer %s failed on %s#%d", consumer.name, delivery.channel, delivery.seq
        )
        await _failed(services.db, consumer, delivery, error, state, max_failures)
        return False
    state.failures = 0
    return True


async def _failed(
    db: Database,
    consumer: Consumer,
    delivery: Delivery,
    error: Exception,
    state: _State,
    max_failures: int,
) -> None:
    async with db.transaction() as tx:
        row = await tx.session.get(ConsumerState, consumer.name, with_for_update=True)
        if row is None:
            return
        same = row.failing_channel == delivery.channel and row.failing_seq == delivery.seq
        row.failures = row.failures + 1 if same else 1
        row.failing_channel = delivery.channel
        row.failing_seq = delivery.seq
        state.failures = row.failures
        if row.failures >= max_failures:
            row.stopped_at = utcnow()
            row.error = f"{type(error).__name__}: {error}"[:500]
            state.stopped = True
    if state.stopped:
        logger.error(
            "consumer %s STOPPED after %d failures on %s#%d; fix the handler, then "
            "resume_consumer(db, %r)",
            consumer.name,
            state.failures,
            delivery.channel,
            delivery.seq,
            consumer.name,
        )


def _reads(consumer: Consumer, column: Mapped[str]) -> ColumnElement[bool]:
    return or_(*(column.startswith(prefix, autoescape=True) for prefix in consumer.channels))


def _insert_ignoring_conflict(
    session: AsyncSession, table: type[ConsumerState] | type[ConsumerPosition]
) -> PostgresqlInsert | SqliteInsert:
    if session.get_bind().dialect.name == "postgresql":
        return postgresql_insert(table).on_conflict_do_nothing()
    return sqlite_insert(table).on_conflict_do_nothing()
