"""A circuit breaker for Redis calls: once one fails, fail fast for a cool-down, then try again."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

import redis.asyncio as redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

T = TypeVar("T")


class CircuitOpen(RedisConnectionError):
    """Redis is known to be down: the call was not attempted."""


class Breaker:
    """Shared by the callers of one Redis; while open, calls raise `CircuitOpen` at once.

    After `cool_down` seconds one call is let through as a trial: its success closes the
    breaker, its failure opens it for another cool-down.
    """

    def __init__(self, name: str, *, cool_down: float = 5.0) -> None:
        self.name = name
        self.cool_down = cool_down
        self._retry_at: float | None = None
        self._trying = False

    @property
    def healthy(self) -> bool:
        """False from a failed call until a later call succeeds."""
        return self._retry_at is None

    async def call(self, operation: Callable[[], Awaitable[T]]) -> T:
        trial = False
        if self._retry_at is not None:
            if self._trying or time.monotonic() < self._retry_at:
                raise CircuitOpen(f"{self.name}: Redis is down; not calling it")
            self._trying = trial = True
        try:
            result = await operation()
        except (RedisError, OSError, TimeoutError):
            if self._retry_at is None:
                logger.warning(
                    "%s: Redis failed; failing fast for %.0f s", self.name, self.cool_down
                )
            self._retry_at = time.monotonic() + self.cool_down
            raise
        finally:
            if trial:
                self._trying = False
        if self._retry_at is not None:
            logger.info("%s: Redis is back", self.name)
            self._retry_at = None
        return result


def fail_fast_client(url: str, *, max_connections: int, timeout: float) -> redis.Redis:
    """A Redis client for calls behind a breaker: short timeouts and no retries (redis-py 8
    retries ten times by default), from a blocking pool, so that thousands of sockets closing
    at once wait for a connection instead of failing (a plain pool refuses beyond its size)."""
    pool = redis.BlockingConnectionPool.from_url(
        url,
        max_connections=max_connections,
        timeout=10,
        socket_connect_timeout=timeout,
        socket_timeout=timeout,
        retry=Retry(NoBackoff(), 0),
    )
    return redis.Redis.from_pool(pool)
