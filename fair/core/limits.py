"""Rate limits: fixed windows counted in memory (one worker) or in Redis (shared by all)."""

from __future__ import annotations

import logging
import math
import time
from typing import Protocol

import redis.asyncio as redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from fair.core.breaker import Breaker, CircuitOpen
from fair.core.errors import RateLimited
from fair.core.i18n import gettext as _

logger = logging.getLogger(__name__)


class Counter(Protocol):
    async def incr(self, key: str, window: int) -> int:
        """Count one more hit of `key` in the current window of `window` seconds."""

    async def close(self) -> None: ...

    @property
    def healthy(self) -> bool:
        """Whether the counter answers now (a Redis counter fails fast while it does not)."""


class MemoryCounter:
    def __init__(self) -> None:
        self._counts: dict[str, int] = {}

    @property
    def healthy(self) -> bool:
        return True

    async def incr(self, key: str, window: int) -> int:
        bucket = f"{key}:{math.floor(time.time() / window)}"
        if len(self._counts) > 100_000:
            self._counts.clear()
        self._counts[bucket] = self._counts.get(bucket, 0) + 1
        return self._counts[bucket]

    async def close(self) -> None:
        self._counts.clear()


class RedisCounter:
    """Counts in Redis through a circuit breaker: once Redis fails, calls fail fast a while."""

    def __init__(
        self,
        url: str,
        *,
        namespace: str = "fair",
        timeout: float = 1.0,
        breaker: Breaker | None = None,
    ) -> None:
        pool = redis.BlockingConnectionPool.from_url(
            url,
            max_connections=16,
            timeout=10,
            socket_connect_timeout=timeout,
            socket_timeout=timeout,
            retry=Retry(NoBackoff(), 0),
        )
        self._redis = redis.Redis.from_pool(pool)
        self._prefix = f"{namespace}:limit:"
        self.breaker = breaker or Breaker("limits")

    @property
    def healthy(self) -> bool:
        return self.breaker.healthy

    async def incr(self, key: str, window: int) -> int:
        bucket = f"{self._prefix}{key}:{math.floor(time.time() / window)}"

        async def incr() -> int:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.incr(bucket)
                pipe.expire(bucket, window + 1)
                count, _ = await pipe.execute()
            return int(count)

        return await self.breaker.call(incr)

    async def close(self) -> None:
        await self._redis.aclose()


class Limits:
    """`await limits.check("login", key, 10, 60)`: at most 10 a minute, else `RateLimited`."""

    def __init__(self, counter: Counter) -> None:
        self.counter = counter

    async def check(self, action: str, key: str, limit: int, window: int) -> None:
        try:
            count = await self.counter.incr(f"{action}:{key}", window)
        except (RedisError, OSError) as exc:
            if not isinstance(exc, CircuitOpen):
                logger.warning("limits: counter unreachable; allowing %s", action)
            return
        if count > limit:
            raise RateLimited(
                f"{action}.rate_limited",
                _("You are doing this too often. Please wait a moment and try again."),
            )


def create_limits(
    redis_url: str, *, namespace: str = "fair", timeout: float = 1.0, breaker: Breaker | None = None
) -> Limits:
    if not redis_url:
        return Limits(MemoryCounter())
    return Limits(RedisCounter(redis_url, namespace=namespace, timeout=timeout, breaker=breaker))
