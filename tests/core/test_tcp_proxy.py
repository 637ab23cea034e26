"""The TCP proxy fixture passes, blackholes and refuses as a cable would."""

from __future__ import annotations

import pytest
import redis.asyncio as redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeout

from tests.support.tcp_proxy import tcp_proxy

pytestmark = pytest.mark.redis


async def test_the_proxy_passes_blackholes_and_refuses() -> None:
    """A Redis client through the proxy works, then times out, then is refused, then works."""
    async with tcp_proxy(6379) as proxy:
        client = redis.Redis.from_url(
            proxy.url("redis://127.0.0.1:{port}/0"), socket_timeout=0.5, socket_connect_timeout=0.5
        )
        try:
            assert await client.ping()
            proxy.blackhole()
            with pytest.raises((RedisTimeout, TimeoutError)):
                await client.ping()
            proxy.refuse()
            with pytest.raises((RedisConnectionError, OSError)):
                await client.ping()
            proxy.pass_through()
            assert await client.ping()
        finally:
            await client.aclose()
