"""Following channels over a real websocket: live events, replay on resume, reset."""

from __future__ import annotations

import asyncio

from tests.conftest import make_settings
from tests.support.factories import produce
from tests.support.live_client import live_client
from tests.support.servers import RunningServer, serve


async def test_follower_receives_committed_events_in_order(server: RunningServer) -> None:
    """Events committed after a follow arrive as event frames with seq 1, 2, 3."""
    async with live_client(server.ws_url) as client:
        reply = await client.follow("fair")
        assert reply == {"channel": "fair", "head": 0}
        await produce(server.services.db, "fair", range(3))
        frames = await client.events("fair", 3)
    assert [f["seq"] for f in frames] == [1, 2, 3]
    assert [f["data"]["n"] for f in frames] == [0, 1, 2]
    assert all(f["type"] == "test.pinged" and f["at"].endswith("Z") for f in frames)


async def test_client_that_reconnects_resumes_with_all_missed_events(database_url: str) -> None:
    """A client away while 500 events are committed gets all 500 on return, in order, once."""
    async with serve(make_settings(database_url, send_queue_frames=2048)) as server:
        async with live_client(server.ws_url) as client:
            await client.follow("fair")
            await produce(server.services.db, "fair", range(5))
            seen = await client.events("fair", 5)
        last = seen[-1]["seq"]
        await produce(server.services.db, "fair", range(5, 505))
        async with live_client(server.ws_url) as client:
            reply = await client.follow("fair", since=last)
            missed = await client.events("fair", 500)
            assert await client.nothing_pending() == []
    assert reply["head"] == 505
    assert [f["seq"] for f in missed] == list(range(6, 506))
    assert [f["data"]["n"] for f in missed] == list(range(5, 505))


async def test_client_too_far_behind_gets_reset(server: RunningServer) -> None:
    """A client 2,000 events behind gets a reset with the head, then live events after it."""
    await produce(server.services.db, "fair", range(2001), per_transaction=100)
    async with live_client(server.ws_url) as client:
        await client.follow("fair", since=1)
        reset = await client.next_frame()
        assert reset == {"kind": "reset", "channel": "fair", "seq": 2001}
        await produce(server.services.db, "fair", range(1))
        [live] = await client.events("fair", 1)
    assert live["seq"] == 2002


async def test_replay_and_live_events_interleave_without_gap_or_repeat(
    server: RunningServer,
) -> None:
    """Events committed while a replay is read are delivered after it, each exactly once."""
    await produce(server.services.db, "fair", range(300))
    async with live_client(server.ws_url) as client:
        follow = client.follow("fair", since=0)
        await asyncio.gather(follow, produce(server.services.db, "fair", range(300, 350)))
        frames = await client.events("fair", 350)
        assert await client.nothing_pending() == []
    assert [f["seq"] for f in frames] == list(range(1, 351))


async def test_follow_without_since_starts_at_the_head(server: RunningServer) -> None:
    """A client that follows with no cursor gets only what happens after, not the history."""
    await produce(server.services.db, "fair", range(4))
    async with live_client(server.ws_url) as client:
        assert (await client.follow("fair"))["head"] == 4
        assert await client.nothing_pending() == []
        await produce(server.services.db, "fair", range(1))
        [frame] = await client.events("fair", 1)
    assert frame["seq"] == 5
