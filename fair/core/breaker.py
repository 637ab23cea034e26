"""A circuit breaker for Redis calls: once one fails, fail fast for a cool-down, then try again."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

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
