"""One contract for every bus: what is published on a subscribed channel is heard in order."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from fair.core.bus import Bus, LocalBus
from fair.core.buses import create_bus
from fair.core.events import Envelope
from fair.core.redis_bus import RedisBus


class Heard:
    def __init__(self) -> None:
        self.envelopes: list[Envelope] = []
        self.reconnects = 0
        self.changed = asyncio.Event()

    def __call__(self, envelope: Envelope) -> None:
        self.envelopes.append(envelope)
        self.changed.set()

    def reconnected(self) -> None:
        self.reconnects += 1

    async def wait_for(self, count: int) -> list[Envelope]:
        async with asyncio.timeout(10):
            while len(self.envelopes) < count:
                self.changed.clear()
                await self.changed.wait()
        return self.envelopes


@pytest.fixture(params=["local", "redis"])
async def bus_factory(
    request: pytest.FixtureRequest, redis_url: str, namespace: str
) -> AsyncIterator[object]:
    started: list[Bus] = []

    async def make() -> tuple[Bus, Heard]:
        bus: Bus = (
            LocalBus() if request.param == "local" else RedisBus(redis_url, namespace=namespace)
        )
        heard = Heard()
        await bus.start(heard, heard.reconnected)
        if isinstance(bus, RedisBus):
            await asyncio.wait_for(bus.connected.wait(), 5)
        started.append(bus)
        return bus, heard

    yield make
    for bus in started:
        await bus.stop()


def envelopes(channel: str, seqs: range) -> list[Envelope]:
    return [Envelope(channel, seq, f'{{"seq":{seq}}}', "test.pinged") for seq in seqs]


async def test_published_envelopes_reach_a_subscriber_in_order(bus_factory) -> None:  # type: ignore[no-untyped-def]
    """Twenty envelopes published on a subscribed channel arrive in order, unchanged."""
    bus, heard = await bus_factory()
    await bus.subscribe("qa:7")
    sent = envelopes("qa:7", range(1, 21))
    await bus.publish(sent)
    assert await heard.wait_for(20) == sent


async def test_unsubscribed_channels_are_not_heard(bus_factory) -> None:  # type: ignore[no-untyped-def]
    """Only subscribed channels are delivered; after unsubscribe nothing more arrives."""
    bus, heard = await bus_factory()
    await bus.subscribe("a")
    await bus.publish(envelopes("b", range(1, 3)) + envelopes("a", range(1, 2)))
    await heard.wait_for(1)
    await bus.unsubscribe("a")
    await bus.publish(envelopes("a", range(2, 3)))
    await bus.subscribe("c")
    await bus.publish(envelopes("c", range(1, 2)))
    assert [(e.channel, e.seq) for e in await heard.wait_for(2)] == [("a", 1), ("c", 1)]


async def test_every_process_subscribed_to_a_channel_hears_a_publish(
    redis_url: str, namespace: str
) -> None:
    """Two Redis buses (two processes in production) on one channel both hear one publish."""
    buses = [RedisBus(redis_url, namespace=namespace) for _ in range(2)]
    heard = [Heard(), Heard()]
    for bus, listener in zip(buses, heard, strict=True):
        await bus.start(listener, listener.reconnected)
        await asyncio.wait_for(bus.connected.wait(), 5)
        await bus.subscribe("fair")
    try:
        await buses[0].publish(envelopes("fair", range(1, 4)))
        for listener in heard:
            assert [e.seq for e in await listener.wait_for(3)] == [1, 2, 3]
    finally:
        for bus in buses:
            await bus.stop()


def test_the_settings_url_chooses_the_bus() -> None:
    """An empty URL gives the in-process bus, redis:// the Redis bus, anything else is refused."""
    assert isinstance(create_bus(""), LocalBus)
    assert isinstance(create_bus("redis://127.0.0.1:6379/0"), RedisBus)
    with pytest.raises(ValueError, match="unsupported bus URL"):
        create_bus("kafka://somewhere")
