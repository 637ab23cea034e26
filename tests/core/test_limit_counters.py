"""The limits' counters keep one contract, in memory and in Redis: hits, failures and waits."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from fair.core.errors import RateLimited
from fair.core.limits import Counter, Limits, MemoryCounter, RedisCounter


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


async def test_a_refusal_past_the_limit_says_how_long_to_wait() -> None:
    """Past its limit a call is refused with the seconds left in the fixed window, rounded up,
    in the message and as `retry_after`."""
    now = [1_000_000.2]
    limits = Limits(MemoryCounter(), clock=lambda: now[0])
    for _ in range(2):
        await limits.check("post", "amina", 2, 300)
    now[0] += 100.0
    with pytest.raises(RateLimited) as caught:
        await limits.check("post", "amina", 2, 300)
    # The window runs from 999,900 to 1,000,200 (multiples of 300): 99.8 s are left.
    assert caught.value.retry_after == 100
    assert caught.value.as_dict()["retry_after"] == 100
    assert "100 seconds" in caught.value.message
    now[0] = 1_000_199.5
    with pytest.raises(RateLimited) as caught:
        await limits.check("post", "amina", 2, 300)
    assert caught.value.retry_after == 1
    assert "1 second " in caught.value.message
    now[0] = 1_000_200.0
    await limits.check("post", "amina", 2, 300)
