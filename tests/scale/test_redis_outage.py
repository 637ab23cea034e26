"""Fault: Redis dies while events are produced and comes back ten seconds later; nothing is lost."""

from __future__ import annotations

import asyncio
import contextlib

import pytest

from fair.core.redis_bus import RedisBus
from tests.scale.conftest import two_instances
from tests.support.factories import Pinged
from tests.support.live_client import LiveClient, live_client
from tests.support.redis_server import redis_process

pytestmark = pytest.mark.scale

TOTAL = 240
KILL_AFTER = 60


async def test_clients_get_every_event_in_order_across_a_redis_outage(
    clean_postgres_url: str, namespace: str
) -> None:
    """Four clients on two instances each end with events 1..240, in order, none twice."""
    async with (
        redis_process() as redis_server,
        two_instances(clean_postgres_url, redis_server.url, namespace) as (a, b),
    ):
        async with contextlib.AsyncExitStack() as stack:
            clients: list[LiveClient] = []
            for instance in (a, a, b, b):
                client = await stack.enter_async_context(live_client(instance.ws_url))
                await client.follow("fair")
                clients.append(client)
            produced_enough = asyncio.Event()

            async def produce() -> None:
                for n in range(TOTAL):
                    instance = a if n % 2 else b
                    async with instance.services.db.transaction() as tx:
                        tx.record(Pinged(n=n, channel="fair"))
                    if n == KILL_AFTER:
                        produced_enough.set()
                    await asyncio.sleep(0.05)

            producer = asyncio.create_task(produce())
            await produced_enough.wait()
            redis_server.kill()
            await asyncio.sleep(10)
            await redis_server.start()
            await producer
            results = [await client.events("fair", TOTAL, timeout=60) for client in clients]
            for client in clients:
                assert await client.nothing_pending() == []
            for instance in (a, b):
                bus = instance.services.hub.bus
                assert isinstance(bus, RedisBus)
                await asyncio.wait_for(bus.connected.wait(), 30)
    for frames in results:
        assert [f["seq"] for f in frames] == list(range(1, TOTAL + 1))
        assert [f["data"]["n"] for f in frames] == list(range(TOTAL))
