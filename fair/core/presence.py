"""Presence: who is here now, shared by every worker, counted once per person.

Each worker keeps the people it has connections for and writes one entry per
(scope, person, worker) to a shared store, refreshed by a heartbeat; entries
of a worker that died expire after the time-to-live. A person on two tabs or
two workers counts once. Watchers of a scope get a `presence.count.changed`
frame whenever the count they last saw differs; the count travels outside the
event log because it is derived, not history.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections import defaultdict
from typing import Protocol

from redis.exceptions import RedisError

from fair.core.breaker import Breaker, CircuitOpen, fail_fast_client
from fair.core.events import transient_frame
from fair.core.hub import Follower
from fair.core.tasks import cancel_all

logger = logging.getLogger(__name__)

REFRESH_BATCH = 1000
"""Members per ZADD of a heartbeat: Redis answers other clients between batches."""


class PresenceStore(Protocol):
    async def add(self, scope: str, person: str, worker: str, ttl: float) -> None: ...

    async def remove(self, scope: str, person: str, worker: str) -> None: ...

    async def refresh(self, entries: list[tuple[str, str]], worker: str, ttl: float) -> None:
        """Extend the life of this worker's (scope, person) entries."""

    async def count(self, scope: str) -> int:
        """How many distinct people have a live entry in `scope`."""

    async def close(self) -> None: ...

    @property
    def healthy(self) -> bool:
        """Whether the store answers now (a Redis store fails fast while it does not)."""


class MemoryPresence:
    """The embedded mode's store: one process, so a dictionary is shared state."""

    def __init__(self) -> None:
        self._entries: dict[str, dict[tuple[str, str], float]] = defaultdict(dict)

    @property
    def healthy(self) -> bool:
        return True

    async def add(self, scope: str, person: str, worker: str, ttl: float) -> None:
        self._entries[scope][(person, worker)] = time.monotonic() + ttl

    async def remove(self, scope: str, person: str, worker: str) -> None:
        self._entries[scope].pop((person, worker), None)

    async def refresh(self, entries: list[tuple[str, str]], worker: str, ttl: float) -> None:
        expiry = time.monotonic() + ttl
        for scope, person in entries:
            self._entries[scope][(person, worker)] = expiry

    async def count(self, scope: str) -> int:
        now = time.monotonic()
        alive = {person for (person, _), expiry in self._entries[scope].items() if expiry > now}
        return len(alive)

    async def close(self) -> None:
        self._entries.clear()


class RedisPresence:
    """One sorted set per scope: member `person|worker`, score = expiry time (Redis clock).

    Calls go through a circuit breaker: once Redis fails, they fail fast for a cool-down.
    """

    def __init__(
        self,
        url: str,
        *,
        namespace: str = "fair",
        timeout: float = 1.0,
        breaker: Breaker | None = None,
    ) -> None:
        self._redis = fail_fast_client(url, max_connections=32, timeout=timeout)
        self._prefix = f"{namespace}:presence:"
        self.breaker = breaker or Breaker("presence")

    @property
    def healthy(self) -> bool:
        return self.breaker.healthy

    async def _now(self) -> float:
        seconds, micros = await self._redis.time()
        return seconds + micros / 1_000_000

    async def add(self, scope: str, person: str, worker: str, ttl: float) -> None:
        key = self._prefix + scope

        async def add() -> None:
            await self._redis.zadd(key, {f"{person}|{worker}": await self._now() + ttl})

        await self.breaker.call(add)

    async def remove(self, scope: str, person: str, worker: str) -> None:
        await self.breaker.call(
            lambda: self._redis.zrem(self._prefix + scope, f"{person}|{worker}")
        )

    async def refresh(self, entries: list[tuple[str, str]], worker: str, ttl: float) -> None:
        if not entries:
            return

        members: dict[str, list[str]] = defaultdict(list)
        for scope, person in entries:
            members[scope].append(f"{person}|{worker}")

        async def refresh() -> None:
            # One ZADD per scope and batch, not one per person: 10,000 people's heartbeat
            # then costs the worker's loop a few milliseconds, not a third of a second.
            expiry = await self._now() + ttl
            async with self._redis.pipeline(transaction=False) as pipe:
                for scope, names in members.items():
                    for start in range(0, len(names), REFRESH_BATCH):
                        batch = names[start : start + REFRESH_BATCH]
                        pipe.zadd(self._prefix + scope, dict.fromkeys(batch, expiry))
                await pipe.execute()

        await self.breaker.call(refresh)

    async def count(self, scope: str) -> int:
        key = self._prefix + scope

        async def count() -> int:
            now = await self._now()
            async with self._redis.pipeline(transaction=False) as pipe:
                pipe.zremrangebyscore(key, "-inf", now)
                pipe.zrangebyscore(key, now, "+inf")
                _, members = await pipe.execute()
            return len({member.rsplit(b"|", 1)[0] for member in members})

        return await self.breaker.call(count)

    async def close(self) -> None:
        await self._redis.aclose()


def create_presence_store(
    redis_url: str, *, namespace: str = "fair", timeout: float = 1.0, breaker: Breaker | None = None
) -> PresenceStore:
    if redis_url:
        return RedisPresence(redis_url, namespace=namespace, timeout=timeout, breaker=breaker)
    return MemoryPresence()


class Presence:
    """This worker's side of presence: local joins, heartbeats and count frames for watchers."""

    def __init__(
        self, store: PresenceStore, *, ttl: float = 45.0, heartbeat: float = 15.0, poll: float = 1.0
    ) -> None:
        self.store = store
        self.worker = uuid.uuid4().hex[:12]
        self.ttl = ttl
        self.heartbeat = heartbeat
        self.poll = poll
        self._here: dict[tuple[str, str], int] = defaultdict(int)
        self._watchers: dict[str, set[Follower]] = defaultdict(set)
        self._sent: dict[str, int] = {}
        self._dirty: set[str] = set()
        self._wake = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._stale = False

    async def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self._beat(), name="presence-heartbeat"),
            asyncio.create_task(self._count_loop(), name="presence-counts"),
        ]

    async def stop(self) -> None:
        await cancel_all(self._tasks)
        with contextlib.suppress(RedisError, OSError):
            for scope, person in list(self._here):
                await self.store.remove(scope, person, self.worker)
        await self.store.close()

    async def join(self, scope: str, person: str) -> None:
        self._here[(scope, person)] += 1
        if self._here[(scope, person)] == 1:
            await self._safely(self.store.add(scope, person, self.worker, self.ttl))
            self._mark(scope)

    async def leave(self, scope: str, person: str) -> None:
        key = (scope, person)
        if self._here.get(key, 0) <= 0:
            return
        self._here[key] -= 1
        if self._here[key] == 0:
            del self._here[key]
            await self._safely(self.store.remove(scope, person, self.worker))
            self._mark(scope)

    async def watch(self, scope: str, follower: Follower) -> int:
        """Send `follower` the count of `scope` now and whenever it changes; return the count."""
        count = await self._count(scope)
        watchers = self._watchers[scope]
        watchers.add(follower)
        frame = self._frame(scope, count)
        previous = self._sent.get(scope)
        self._sent[scope] = count
        for watcher in watchers if previous is not None and previous != count else [follower]:
            watcher.push(frame)
        return count

    def unwatch(self, scope: str, follower: Follower) -> None:
        watchers = self._watchers.get(scope)
        if watchers is None:
            return
        watchers.discard(follower)
        if not watchers:
            del self._watchers[scope]
            self._sent.pop(scope, None)

    def drop(self, follower: Follower) -> None:
        for scope in [s for s, watchers in self._watchers.items() if follower in watchers]:
            self.unwatch(scope, follower)

    async def count(self, scope: str) -> int:
        return await self._count(scope)

    def _mark(self, scope: str) -> None:
        self._dirty.add(scope)
        self._wake.set()

    @staticmethod
    def _frame(scope: str, count: int) -> str:
        return transient_frame(f"presence:{scope}", "presence.count.changed", {"count": count})

    async def _count(self, scope: str) -> int:
        try:
            return await self.store.count(scope)
        except (RedisError, OSError) as exc:
            if not isinstance(exc, CircuitOpen):
                logger.warning("presence: store unreachable; keeping the last count of %s", scope)
            local = len({person for (where, person) in self._here if where == scope})
            return self._sent.get(scope, local)

    async def _safely(self, operation: object) -> None:
        try:
            await operation  # type: ignore[misc]
        except (RedisError, OSError) as exc:
            # What this worker holds is written again as soon as the store answers.
            self._stale = True
            if not isinstance(exc, CircuitOpen):
                logger.warning("presence: store unreachable; repaired once it answers")

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(self.heartbeat)
            await self._safely(self.store.refresh(list(self._here), self.worker, self.ttl))

    async def _count_loop(self) -> None:
        """Local changes are counted at once; changes on other workers at the next poll."""
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.poll)
            self._wake.clear()
            if self._stale:
                self._stale = False
                await self._safely(self.store.refresh(list(self._here), self.worker, self.ttl))
            scopes = set(self._watchers) if not self._dirty else set(self._dirty)
            self._dirty.clear()
            for scope in scopes:
                watchers = self._watchers.get(scope)
                if not watchers:
                    continue
                count = await self._count(scope)
                if self._sent.get(scope) != count:
                    self._sent[scope] = count
                    frame = self._frame(scope, count)
                    for follower in list(watchers):
                        follower.push(frame)
