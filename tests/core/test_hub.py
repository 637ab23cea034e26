"""The hub delivers each channel's events in order, once, whatever order they reach it in."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from fair.core.bus import LocalBus
from fair.core.db import Database, create_engine
from fair.core.events import Envelope
from fair.core.hub import Hub
from fair.core.log import events_after
from tests.support.factories import Pinged


class Recorder:
    """A follower that keeps the seq of every frame it is given."""

    def __init__(self) -> None:
        self.seqs: list[int] = []
        self.changed = asyncio.Event()

    def push(self, frame: str) -> None:
        self.seqs.append(int(frame.split('"seq":', 1)[1].split(",", 1)[0]))
        self.changed.set()

    async def room(self) -> None:
        return None

    async def wait_for(self, count: int) -> list[int]:
        async with asyncio.timeout(10):
            while len(self.seqs) < count:
                self.changed.clear()
                await self.changed.wait()
        return self.seqs


@pytest.fixture
async def hub(db: Database) -> AsyncIterator[Hub]:
    running = Hub(db, LocalBus(), head_check_seconds=3600)
    await running.start()
    yield running
    await running.stop()


async def commit_quietly(database_url: str, channel: str, count: int) -> list[Envelope]:
    """Commit through another Database, which no hub listens to: as if the bus lost them."""
    other = Database(create_engine(database_url))
    try:
        async with other.transaction() as tx:
            for n in range(count):
                tx.record(Pinged(n=n, channel=channel))
        async with other.reading() as session:
            return await events_after(session, channel, 0, count)
    finally:
        await other.dispose()


async def test_an_envelope_that_arrives_early_waits_for_the_gap_to_be_read(
    hub: Hub, database_url: str
) -> None:
    """Seq 3 arriving before 1 and 2 makes the hub read 1 and 2 from the log first."""
    follower = Recorder()
    await hub.follow(follower, "fair", since=0)
    envelopes = await commit_quietly(database_url, "fair", 3)
    assert follower.seqs == []
    hub.deliver(envelopes[2])
    assert await follower.wait_for(3) == [1, 2, 3]
    hub.deliver(envelopes[0])
    hub.deliver(envelopes[1])
    assert follower.seqs == [1, 2, 3]


async def test_duplicates_are_dropped(hub: Hub, db: Database) -> None:
    """An envelope delivered twice (commit path and bus) reaches followers once."""
    follower = Recorder()
    await hub.follow(follower, "fair", since=None)
    async with db.transaction() as tx:
        tx.record(Pinged(n=1, channel="fair"))
    assert await follower.wait_for(1) == [1]
    async with db.reading() as session:
        [envelope] = await events_after(session, "fair", 0, 1)
    hub.deliver(envelope)
    assert follower.seqs == [1]


async def test_head_check_finds_events_the_bus_never_carried(
    db: Database, database_url: str
) -> None:
    """With no message at all, the periodic head check still delivers what was committed."""
    hub = Hub(db, LocalBus(), head_check_seconds=0.05)
    await hub.start()
    try:
        follower = Recorder()
        await hub.follow(follower, "fair", since=None)
        await commit_quietly(database_url, "fair", 4)
        assert await follower.wait_for(4) == [1, 2, 3, 4]
    finally:
        await hub.stop()
