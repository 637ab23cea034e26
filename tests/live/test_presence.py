"""The online count: people, not tabs, and it changes for every watcher as people come and go."""

from __future__ import annotations

from tests.support.factories import login_cookies, person
from tests.support.live_client import LiveClient, live_client
from tests.support.servers import RunningServer


async def next_count(client: LiveClient) -> int:
    while True:
        frame = await client.next_frame()
        if frame.get("type") == "presence.count.changed":
            return int(frame["data"]["count"])


async def test_online_count_rises_and_falls_as_people_come_and_go(server: RunningServer) -> None:
    """A watcher sees 1, then 2 when someone arrives, then 1 when they leave."""
    async with live_client(server.ws_url) as watcher:
        await watcher.follow("presence:fair")
        assert await next_count(watcher) == 1
        async with live_client(server.ws_url):
            assert await next_count(watcher) == 2
        assert await next_count(watcher) == 1


async def test_one_person_on_two_tabs_counts_once(server: RunningServer) -> None:
    """Two sockets with the same login count as one person."""
    db = server.services.db
    cookies = await login_cookies(db, await person(db))
    async with live_client(server.ws_url, cookies=cookies) as first:
        await first.follow("presence:fair")
        assert await next_count(first) == 1
        async with live_client(server.ws_url, cookies=cookies) as second:
            await second.follow("presence:fair")
            assert await next_count(second) == 1
            assert await first.nothing_pending() == []
