"""One contract for both presence stores: people counted once, entries of dead workers expire."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from fair.core.presence import REFRESH_BATCH, MemoryPresence, PresenceStore, RedisPresence


@pytest.fixture(params=["memory", "redis"])
async def store(
    request: pytest.FixtureRequest, redis_url: str, namespace: str
) -> AsyncIterator[PresenceStore]:
    chosen: PresenceStore = (
        MemoryPresence()
        if request.param == "memory"
        else RedisPresence(redis_url, namespace=namespace)
    )
    yield chosen
    await chosen.close()


async def test_a_person_on_two_workers_counts_once(store: PresenceStore) -> None:
    """Entries for one person from two workers make a count of one; another person makes two."""
    await store.add("fair", "u1", "worker-a", 30)
    await store.add("fair", "u1", "worker-b", 30)
    assert await store.count("fair") == 1
    await store.add("fair", "u2", "worker-b", 30)
    assert await store.count("fair") == 2
    assert await store.count("booth:1") == 0


async def test_leaving_one_worker_keeps_the_person_present_on_the_other(
    store: PresenceStore,
) -> None:
    """Removing one worker's entry leaves the person counted while another worker has them."""
    await store.add("fair", "u1", "worker-a", 30)
    await store.add("fair", "u1", "worker-b", 30)
    await store.remove("fair", "u1", "worker-a")
    assert await store.count("fair") == 1
    await store.remove("fair", "u1", "worker-b")
    assert await store.count("fair") == 0


async def test_entries_of_a_worker_that_stopped_beating_expire(store: PresenceStore) -> None:
    """An entry not refreshed within its time to live stops counting; a refreshed one stays."""
    await store.add("fair", "gone", "dead-worker", 0.3)
    await store.add("fair", "here", "live-worker", 0.3)
    async with asyncio.timeout(10):
        while await store.count("fair") != 1:
            await store.refresh([("fair", "here")], "live-worker", 0.3)
            await asyncio.sleep(0.05)
    await store.refresh([("fair", "here")], "live-worker", 30)
    assert await store.count("fair") == 1


async def test_a_heartbeat_over_many_people_and_places_keeps_each_entry_alive(
    store: PresenceStore,
) -> None:
    """A refresh of more people than one batch holds, at two places, extends every entry it
    names and only those: the others of the same worker still expire."""
    people = [f"visitor-{n}" for n in range(REFRESH_BATCH + 7)]
    for person in people:
        await store.add("fair", person, "worker-a", 0.3)
    await store.add("qa:1", people[0], "worker-a", 0.3)
    await store.add("qa:1", "left", "worker-a", 0.3)
    entries = [("fair", person) for person in people] + [("qa:1", people[0])]
    await store.refresh(entries, "worker-a", 30)
    async with asyncio.timeout(10):
        while await store.count("qa:1") != 1:
            await asyncio.sleep(0.05)
    assert await store.count("fair") == len(people)
