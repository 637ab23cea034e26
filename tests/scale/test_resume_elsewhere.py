"""Fault: a client resumes on another worker whose view of a channel lags the log."""

from __future__ import annotations

import asyncio

import pytest

from fair.core import log
from fair.core.contract import Services
from fair.core.redis_bus import RedisBus
from tests.conftest import make_settings
from tests.support.factories import produce
from tests.support.live_client import live_client
from tests.support.redis_server import redis_process
from tests.support.servers import serve

pytestmark = pytest.mark.scale


async def logged_seqs(services: Services, channel: str) -> list[int]:
    async with services.db.reading() as session:
        return [e.seq for e in await log.events_after(session, channel, 0, 10_000)]


async def test_resuming_on_a_lagging_worker_gives_no_reset_below_the_cursor_and_no_repeat(
    clean_postgres_url: str, namespace: str
) -> None:
    """Redis down, a client that saw 1..5 on A resumes on B from 5: no reset, no repeat."""
    async with redis_process() as redis_server:
        settings = make_settings(
            clean_postgres_url, redis_url=redis_server.url, namespace=namespace
        )
        # B never polls the heads: its view of "fair" lags for as long as Redis is away.
        async with (
            serve(settings) as a,
            serve(settings.replace(head_check_seconds=3600.0)) as b,
        ):
            async with live_client(b.ws_url) as watcher_on_b:
                await watcher_on_b.follow("fair")
                async with live_client(a.ws_url) as on_a:
                    await on_a.follow("fair")
                    redis_server.kill()
                    await produce(a.services.db, "fair", range(5))
                    seen_on_a = await on_a.events("fair", 5)
                    last = seen_on_a[-1]["seq"]
                async with live_client(b.ws_url) as resumed:
                    reply = await resumed.follow("fair", since=last)
                    assert reply["head"] == last
                    assert await resumed.nothing_pending() == []
                    await redis_server.start()
                    bus = b.services.hub.bus
                    assert isinstance(bus, RedisBus)
                    await asyncio.wait_for(bus.connected.wait(), 30)
                    await produce(a.services.db, "fair", range(5, 8))
                    after = await resumed.events("fair", 3)
                    assert await resumed.nothing_pending() == []
                watched = await watcher_on_b.events("fair", 8)
                assert await watcher_on_b.nothing_pending() == []
            logged = await logged_seqs(a.services, "fair")
    assert [f["seq"] for f in seen_on_a] == logged[:5]
    assert [f["seq"] for f in after] == logged[5:] == [6, 7, 8]
    assert [f["seq"] for f in watched] == logged


async def test_a_cursor_ahead_of_the_log_gets_a_reset_flagged_ahead(
    clean_postgres_url: str, redis_url: str, namespace: str
) -> None:
    """A `since` above the log's head (a restored database) gets a reset to the head, flagged."""
    settings = make_settings(clean_postgres_url, redis_url=redis_url, namespace=namespace)
    async with serve(settings) as a:
        await produce(a.services.db, "fair", range(2))
        async with live_client(a.ws_url) as client:
            reply = await client.follow("fair", since=50)
            frame = await client.next_frame()
            assert await client.nothing_pending() == []
    assert reply["head"] == 2
    assert frame == {"kind": "reset", "channel": "fair", "seq": 2, "ahead": True}
