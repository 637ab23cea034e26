"""Scale-out: two app instances sharing PostgreSQL and Redis serve one fair."""

from __future__ import annotations

import asyncio

import pytest

from fair.core.accounts import actions
from fair.core.connections import CLOSE_LOGGED_OUT
from fair.core.security import LOGIN_COOKIE
from tests.conftest import make_settings
from tests.live.test_presence import next_count
from tests.scale.conftest import two_instances
from tests.support.factories import login_cookies, person, produce
from tests.support.live_client import live_client
from tests.support.servers import serve

pytestmark = pytest.mark.scale


async def test_event_committed_on_one_instance_reaches_a_client_on_the_other(
    clean_postgres_url: str, redis_url: str, namespace: str
) -> None:
    """A client on B receives, in order, events committed through A."""
    async with two_instances(clean_postgres_url, redis_url, namespace) as (a, b):
        async with live_client(b.ws_url) as client:
            await client.follow("fair")
            await produce(a.services.db, "fair", range(20))
            frames = await client.events("fair", 20)
            assert await client.nothing_pending() == []
    assert [f["seq"] for f in frames] == list(range(1, 21))


async def test_both_instances_interleave_into_one_sequence(
    clean_postgres_url: str, redis_url: str, namespace: str
) -> None:
    """Writers on both instances share one gap-free sequence that clients on both see whole."""
    async with two_instances(clean_postgres_url, redis_url, namespace) as (a, b):
        async with live_client(a.ws_url) as on_a, live_client(b.ws_url) as on_b:
            await on_a.follow("fair")
            await on_b.follow("fair")
            await asyncio.gather(
                produce(a.services.db, "fair", range(0, 50)),
                produce(b.services.db, "fair", range(50, 100)),
            )
            seen_a = await on_a.events("fair", 100)
            seen_b = await on_b.events("fair", 100)
    assert [f["seq"] for f in seen_a] == list(range(1, 101))
    assert seen_a == seen_b
    assert sorted(f["data"]["n"] for f in seen_a) == list(range(100))


async def test_online_count_is_shared_and_counts_people_once(
    clean_postgres_url: str, redis_url: str, namespace: str
) -> None:
    """A person on A and another on B make 2 on both; one person on both instances counts once."""
    async with two_instances(clean_postgres_url, redis_url, namespace) as (a, b):
        cookies = await login_cookies(a.services.db, await person(a.services.db))
        async with live_client(a.ws_url, cookies=cookies) as on_a:
            await on_a.follow("presence:fair")
            assert await next_count(on_a) == 1
            async with live_client(b.ws_url, cookies=cookies) as same_person_on_b:
                await same_person_on_b.follow("presence:fair")
                assert await next_count(same_person_on_b) == 1
                async with live_client(b.ws_url):
                    assert await next_count(on_a) == 2
                assert await next_count(on_a) == 1


async def test_logout_on_one_instance_closes_the_socket_on_the_other(
    clean_postgres_url: str, redis_url: str, namespace: str
) -> None:
    """Ending a login through A closes that login's socket held by B."""
    async with two_instances(clean_postgres_url, redis_url, namespace) as (a, b):
        cookies = await login_cookies(a.services.db, await person(a.services.db))
        async with live_client(b.ws_url, cookies=cookies) as client:
            await client.command("live.ping")
            await actions.log_out(a.services.db, cookies[LOGIN_COOKIE])
            assert await client.closed == CLOSE_LOGGED_OUT


async def test_refollowing_at_once_keeps_the_redis_subscription(
    clean_postgres_url: str, redis_url: str, namespace: str
) -> None:
    """Unfollow and follow again straight away: events still come through pub/sub alone."""
    settings = make_settings(
        clean_postgres_url, redis_url=redis_url, namespace=namespace, head_check_seconds=3600.0
    )
    async with serve(settings) as a, serve(settings) as b:
        async with live_client(b.ws_url) as client:
            await client.follow("fair")
            # Sent back to back, so the server handles both before its unsubscribe runs.
            unfollow = client.request("live.unfollow", {"channel": "fair"})
            follow = client.request("live.follow", {"channel": "fair"})
            assert all(reply["ok"] for reply in await asyncio.gather(unfollow, follow))
            await produce(a.services.db, "fair", range(3))
            frames = await client.events("fair", 3)
    assert [f["seq"] for f in frames] == [1, 2, 3]
