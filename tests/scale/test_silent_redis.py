"""Fault: the Redis subscription dies silently (no RST); the bus notices and subscribes again."""

from __future__ import annotations

import asyncio
import os
import signal

import pytest

from fair.core import log
from fair.core.contract import Services
from fair.core.redis_bus import RedisBus
from tests.conftest import make_settings
from tests.support.databases import REDIS_URL
from tests.support.factories import produce
from tests.support.live_client import LiveClient, live_client
from tests.support.redis_server import redis_process
from tests.support.servers import RunningServer, serve
from tests.support.tcp_proxy import tcp_proxy

pytestmark = pytest.mark.scale

# Functional bounds, not performance targets: detection is designed to take under 15 s.
NOTICE_SECONDS = 30


def redis_bus(instance: RunningServer) -> RedisBus:
    bus = instance.services.hub.bus
    assert isinstance(bus, RedisBus)
    return bus


async def until_noticed(bus: RedisBus) -> None:
    """Wait until the bus has given up on its subscription."""
    async with asyncio.timeout(NOTICE_SECONDS):
        while bus.connected.is_set():
            await asyncio.sleep(0.1)


async def logged_seqs(services: Services) -> list[int]:
    async with services.db.reading() as session:
        return [e.seq for e in await log.events_after(session, "fair", 0, 10_000)]


async def seqs(client: LiveClient, count: int) -> list[int]:
    return [f["seq"] for f in await client.events("fair", count, timeout=NOTICE_SECONDS)]


async def test_a_blackholed_subscription_is_replaced_and_the_gap_caught_up(
    clean_postgres_url: str, namespace: str
) -> None:
    """B's link to Redis goes silent: B notices, subscribes again, and misses nothing."""
    async with tcp_proxy(6379) as proxy:
        settings = make_settings(clean_postgres_url, redis_url=REDIS_URL, namespace=namespace)
        # B hears of events through pub/sub only (no head polling), over the proxy.
        through_proxy = settings.replace(
            redis_url=proxy.url("redis://127.0.0.1:{port}/0"), head_check_seconds=3600.0
        )
        async with serve(settings) as a, serve(through_proxy) as b:
            bus = redis_bus(b)
            await asyncio.wait_for(bus.connected.wait(), 10)
            async with live_client(b.ws_url) as client:
                await client.follow("fair")
                await produce(a.services.db, "fair", range(2))
                before = await seqs(client, 2)
                proxy.blackhole()
                await until_noticed(bus)
                await produce(a.services.db, "fair", range(2, 4))
                # The old path stays dead for good; only a new connection can work.
                proxy.refuse()
                proxy.pass_through()
                await asyncio.wait_for(bus.connected.wait(), NOTICE_SECONDS)
                caught_up = await seqs(client, 2)
                await produce(a.services.db, "fair", range(4, 6))
                after = await seqs(client, 2)
                assert await client.nothing_pending() == []
            logged = await logged_seqs(a.services)
    assert before + caught_up + after == logged == [1, 2, 3, 4, 5, 6]


async def test_a_stopped_redis_is_noticed_and_events_resume_when_it_wakes(
    clean_postgres_url: str, namespace: str
) -> None:
    """Redis is SIGSTOPped: both buses notice, and after SIGCONT clients get every event once."""
    async with redis_process() as redis_server:
        settings = make_settings(
            clean_postgres_url,
            redis_url=redis_server.url,
            namespace=namespace,
            head_check_seconds=3600.0,
            bus_probe_seconds=1.0,
        )
        async with serve(settings) as a, serve(settings) as b:
            for instance in (a, b):
                await asyncio.wait_for(redis_bus(instance).connected.wait(), 10)
            async with live_client(b.ws_url) as client:
                await client.follow("fair")
                await produce(a.services.db, "fair", range(2))
                before = await seqs(client, 2)
                assert redis_server.process is not None
                os.kill(redis_server.process.pid, signal.SIGSTOP)
                try:
                    await until_noticed(redis_bus(b))
                    await produce(a.services.db, "fair", range(2, 5))
                finally:
                    os.kill(redis_server.process.pid, signal.SIGCONT)
                await asyncio.wait_for(redis_bus(b).connected.wait(), NOTICE_SECONDS)
                rest = await seqs(client, 3)
                assert await client.nothing_pending() == []
            logged = await logged_seqs(a.services)
    assert before + rest == logged == [1, 2, 3, 4, 5]
