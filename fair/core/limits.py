"""Rate limits: fixed windows counted in memory (one worker) or in Redis (shared by all).

Two kinds of limit live here: a command's declared `Limit` (at most so many in a window,
counted per person or per person and object), and `LoginThrottle`, which counts only wrong
passwords and answers them with progressively longer waits rather than a wall.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from redis.exceptions import RedisError

from fair.core.breaker import Breaker, CircuitOpen, fail_fast_client
from fair.core.errors import RateLimited
from fair.core.i18n import ngettext

logger = logging.getLogger(__name__)


class Counter(Protocol):
    async def incr(self, key: str, window: int) -> int:
        """Count one more hit of `key` (which names its window), kept `window` seconds."""

    async def add_failure(self, key: str, keep: int) -> int:
        """Count one more failure of `key`, kept `keep` seconds after the latest; the total."""

    async def failures(self, key: str) -> tuple[int, float]:
        """How many failures `key` has, and until when (epoch seconds) it must wait."""

    async def hold(self, key: str, until: float) -> None:
        """Make `key` wait until `until` (epoch seconds)."""

    async def forget(self, key: str) -> None:
        """Drop `key`'s failures and wait."""

    async def close(self) -> None: ...

    @property
    def healthy(self) -> bool:
        """Whether the counter answers now (a Redis counter fails fast while it does not)."""


class MemoryCounter:
    def __init__(self) -> None:
        self._counts: dict[str, int] = {}
        self._failures: dict[str, tuple[int, float, float]] = {}

    @property
    def healthy(self) -> bool:
        return True

    async def incr(self, key: str, window: int) -> int:
        if len(self._counts) > 100_000:
            self._counts.clear()
        self._counts[key] = self._counts.get(key, 0) + 1
        return self._counts[key]

    async def add_failure(self, key: str, keep: int) -> int:
        count, until, _expires = self._live_failure(key)
        if len(self._failures) > 100_000:
            self._failures.clear()
        self._failures[key] = (count + 1, until, time.time() + keep)
        return count + 1

    async def failures(self, key: str) -> tuple[int, float]:
        count, until, _expires = self._live_failure(key)
        return count, until

    async def hold(self, key: str, until: float) -> None:
        count, _until, expires = self._live_failure(key)
        self._failures[key] = (count, until, expires)

    async def forget(self, key: str) -> None:
        self._failures.pop(key, None)

    def _live_failure(self, key: str) -> tuple[int, float, float]:
        entry = self._failures.get(key)
        if entry is None or entry[2] <= time.time():
            return 0, 0.0, 0.0
        return entry

    async def close(self) -> None:
        self._counts.clear()
        self._failures.clear()


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
        self._redis = fail_fast_client(url, max_connections=16, timeout=timeout)
        self._prefix = f"{namespace}:limit:"
        self.breaker = breaker or Breaker("limits")

    @property
    def healthy(self) -> bool:
        return self.breaker.healthy

    async def incr(self, key: str, window: int) -> int:
        bucket = f"{self._prefix}{key}"

        async def incr() -> int:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.incr(bucket)
                pipe.expire(bucket, window + 1)
                count, _ = await pipe.execute()
            return int(count)

        return await self.breaker.call(incr)

    async def add_failure(self, key: str, keep: int) -> int:
        name = f"{self._prefix}fail:{key}"

        async def add_failure() -> int:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.hincrby(name, "count", 1)
                pipe.expire(name, keep)
                count, _ = await pipe.execute()
            return int(count)

        return await self.breaker.call(add_failure)

    async def failures(self, key: str) -> tuple[int, float]:
        async def failures() -> tuple[int, float]:
            found = await self._redis.hmget(f"{self._prefix}fail:{key}", ["count", "until"])
            count, until = found
            return int(count or 0), float(until or 0.0)

        return await self.breaker.call(failures)

    async def hold(self, key: str, until: float) -> None:
        name = f"{self._prefix}fail:{key}"
        await self.breaker.call(lambda: self._redis.hset(name, "until", repr(until)))

    async def forget(self, key: str) -> None:
        await self.breaker.call(lambda: self._redis.delete(f"{self._prefix}fail:{key}"))

    async def close(self) -> None:
        await self._redis.aclose()


@dataclass(frozen=True)
class Limit:
    """At most `count` calls of `action` in `window_seconds`, counted per person, or per person
    and object when `per` names the input field that holds the object's id."""

    action: str
    count: int
    window_seconds: int
    per: str | None = None

    def key(self, person: str, data: Any) -> str:
        """The counter's key for this person (and object) under this limit."""
        return person if self.per is None else f"{person}:{getattr(data, self.per)}"


class Limits:
    """`await limits.check("login", key, 10, 60)`: at most 10 a minute, else `RateLimited`."""

    def __init__(self, counter: Counter, clock: Callable[[], float] = time.time) -> None:
        self.counter = counter
        self.clock = clock
        """What time it is for windows and waits (a test may set a clock of its own)."""

    async def check(self, action: str, key: str, limit: int, window: int) -> None:
        now = self.clock()
        try:
            bucket = math.floor(now / window)
            count = await self.counter.incr(f"{action}:{key}:{bucket}", window)
        except (RedisError, OSError) as exc:
            if not isinstance(exc, CircuitOpen):
                logger.warning("limits: counter unreachable; allowing %s", action)
            return
        if count > limit:
            # The window is fixed: the count starts again at the next multiple of `window`.
            seconds = max(1, math.ceil((bucket + 1) * window - now))
            raise RateLimited(
                f"{action}.rate_limited",
                ngettext(
                    "You are doing this too often. Please wait %(n)s second and try again.",
                    "You are doing this too often. Please wait %(n)s seconds and try again.",
                    seconds,
                )
                % {"n": seconds},
                retry_after=seconds,
            )

    async def hit(self, limit: Limit, person: str, data: Any) -> None:
        """Count a call under a command's declared limit; refuse it past the limit."""
        await self.check(limit.action, limit.key(person, data), limit.count, limit.window_seconds)


def create_limits(
    redis_url: str, *, namespace: str = "fair", timeout: float = 1.0, breaker: Breaker | None = None
) -> Limits:
    if not redis_url:
        return Limits(MemoryCounter())
    return Limits(RedisCounter(redis_url, namespace=namespace, timeout=timeout, breaker=breaker))
