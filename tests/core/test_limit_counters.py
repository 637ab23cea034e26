"""The limits' counters keep one contract, in memory and in Redis: hits, failures and waits."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from fair.core.limits import Counter, MemoryCounter, RedisCounter


@pytest.fixture(params=["memory", "redis"])
async def counter(
    request: pytest.FixtureRequest, redis_url: str, namespace: str
) -> AsyncIterator[Counter]:
    """Each test runs once against each counter."""
    made: Counter = (
        MemoryCounter()
        if request.param == "memory"
        else RedisCounter(redis_url, namespace=namespace)
    )
    yield made
    await made.close()


async def test_hits_are_counted_per_key(counter: Counter) -> None:
    """Each key (which names its window) counts its own hits."""
    assert [await counter.incr("a:1", 60) for _ in range(3)] == [1, 2, 3]
    assert await counter.incr("a:2", 60) == 1


async def test_failures_are_counted_held_and_forgotten(counter: Counter) -> None:
    """Failures add up, a wait is kept with them, and forgetting drops both."""
    assert await counter.failures("login:x") == (0, 0.0)
    assert [await counter.add_failure("login:x", 60) for _ in range(2)] == [1, 2]
    await counter.hold("login:x", 1_700_000_000.5)
    assert await counter.failures("login:x") == (2, 1_700_000_000.5)
    assert await counter.add_failure("login:x", 60) == 3
    assert await counter.failures("login:x") == (3, 1_700_000_000.5)
    await counter.forget("login:x")
    assert await counter.failures("login:x") == (0, 0.0)
