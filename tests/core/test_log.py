"""The event log: gap-free per-channel sequences in commit order, nothing from a rollback."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from fair.core import log
from fair.core.db import Database
from fair.core.events import Envelope
from fair.core.log import LoggedEvent
from tests.support.factories import Pinged


async def test_concurrent_writers_get_seq_one_to_n_without_gaps(db: Database) -> None:
    """Forty concurrent transactions on one channel are numbered 1..40 with no gap or repeat."""
    committed: list[Envelope] = []

    async def remember(envelopes: list[Envelope]) -> None:
        committed.extend(envelopes)

    db.on_commit(remember)

    async def write(n: int) -> None:
        async with db.transaction() as tx:
            tx.record(Pinged(n=n, channel="fair"))
            await asyncio.sleep(0)

    await asyncio.gather(*(write(n) for n in range(40)))
    async with db.reading() as session:
        seqs = (
            await session.scalars(
                select(LoggedEvent.seq)
                .where(LoggedEvent.channel == "fair")
                .order_by(LoggedEvent.seq)
            )
        ).all()
    assert seqs == list(range(1, 41))
    assert sorted(e.seq for e in committed) == list(range(1, 41))


async def test_rolled_back_transaction_records_and_publishes_nothing(db: Database) -> None:
    """A transaction that raises leaves no event in the log and tells no listener."""
    published: list[Envelope] = []

    async def remember(envelopes: list[Envelope]) -> None:
        published.extend(envelopes)

    db.on_commit(remember)
    with pytest.raises(RuntimeError):
        async with db.transaction() as tx:
            tx.record(Pinged(n=1, channel="fair"))
            raise RuntimeError("the change failed")
    async with db.transaction() as tx:
        tx.record(Pinged(n=2, channel="fair"))
    async with db.reading() as session:
        rows = (await session.scalars(select(LoggedEvent))).all()
    assert [(r.seq, r.data) for r in rows] == [(1, '{"n":2}')]
    assert [e.seq for e in published] == [1]


async def test_one_transaction_numbers_each_channel_separately(db: Database) -> None:
    """Events for two channels in one transaction each continue their own channel's sequence."""
    async with db.transaction() as tx:
        tx.record(Pinged(n=1, channel="b"))
        tx.record(Pinged(n=2, channel="a"))
        tx.record(Pinged(n=3, channel="b"))
    async with db.reading() as session:
        assert await log.heads(session, ["a", "b", "c"]) == {"a": 1, "b": 2, "c": 0}
        replay = await log.events_after(session, "b", 0, 10)
    assert [e.seq for e in replay] == [1, 2]
    assert '"data":{"n":3}' in replay[1].frame


async def test_replayed_frame_equals_published_frame(db: Database) -> None:
    """The frame read back from the log is byte-for-byte the frame published at commit."""
    published: list[Envelope] = []

    async def remember(envelopes: list[Envelope]) -> None:
        published.extend(envelopes)

    db.on_commit(remember)
    async with db.transaction() as tx:
        tx.record(Pinged(n=7, channel="fair"))
    async with db.reading() as session:
        replay = await log.events_after(session, "fair", 0, 10)
    assert replay == published
