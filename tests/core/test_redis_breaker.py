"""Presence and rate limits fail fast once Redis is known down, and try again after a cool-down."""

from __future__ import annotations

import asyncio
import contextlib

import pytest
from redis.exceptions import RedisError

from fair.core.breaker import Breaker
from fair.core.limits import Limits, RedisCounter
from fair.core.presence import RedisPresence
from tests.conftest import make_settings
from tests.support.live_client import live_client
from tests.support.servers import serve
from tests.support.tcp_proxy import tcp_proxy

pytestmark = pytest.mark.redis

URL = "redis://127.0.0.1:{port}/0"


async def test_after_one_failure_presence_and_limits_stop_touching_a_wedged_redis(
    namespace: str,
) -> None:
    """Blackholed: the first call fails; later calls open no connection and limits allow."""
    async with tcp_proxy(6379) as proxy:
        store = RedisPresence(proxy.url(URL), namespace=namespace)
        limits = Limits(RedisCounter(proxy.url(URL), namespace=namespace))
        try:
            assert await store.count("fair") == 0
            await limits.check("ask", "u1", 10, 60)
            proxy.blackhole()
            with pytest.raises(RedisError):
                await store.add("fair", "u1", "w1", 30)
            await limits.check("ask", "u1", 10, 60)
            accepted = proxy.accepted
            for _ in range(3):
                with pytest.raises(RedisError):
                    await store.count("fair")
                await limits.check("ask", "u1", 10, 60)
            assert proxy.accepted == accepted
        finally:
            proxy.pass_through()
            await store.close()
            await limits.counter.close()


async def test_the_breaker_closes_again_once_redis_answers(namespace: str) -> None:
    """After the cool-down one trial call goes through; its success makes the store healthy."""
    async with tcp_proxy(6379) as proxy:
        store = RedisPresence(
            proxy.url(URL), namespace=namespace, timeout=0.3, breaker=Breaker("t", cool_down=0.2)
        )
        try:
            proxy.blackhole()
            with pytest.raises(RedisError):
                await store.count("fair")
            assert not store.healthy
            proxy.refuse()
            proxy.pass_through()
            async with asyncio.timeout(10):
                while not store.healthy:
                    with contextlib.suppress(RedisError):
                        await store.count("fair")
                    await asyncio.sleep(0.05)
            assert await store.count("fair") == 0
        finally:
            await store.close()


async def test_a_new_socket_is_answered_while_redis_is_wedged(
    sqlite_url: str, namespace: str
) -> None:
    """Redis blackholed: new sockets' ping and follow are answered; the breaker is open."""
    async with tcp_proxy(6379) as proxy:
        settings = make_settings(sqlite_url, redis_url=proxy.url(URL), namespace=namespace)
        async with serve(settings) as app:
            proxy.blackhole()
            for _ in range(3):
                async with live_client(app.ws_url) as client:
                    await client.command("live.ping")
                    await client.follow("fair")
            assert not app.services.presence.store.healthy
            assert not app.services.limits.counter.healthy
            proxy.refuse()
            proxy.pass_through()
