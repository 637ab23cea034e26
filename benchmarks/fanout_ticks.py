"""The benchmark's event and its producer: numbered ticks committed at a fixed rate.

Every tick carries the wall-clock time it was sent, so a client on the same
machine can tell how long it took to arrive.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from fair.core.db import Database
from fair.core.events import Event, event_frame
from fair.core.tables import iso, utcnow

CHANNEL = "fair"


class BenchTicked(Event):
    """Benchmark only: tick `n` was committed at `sent_ns` (ns since the epoch); everyone following
    `fair` sees it."""

    type = "bench.ticked"
    n: int
    sent_ns: int

    def audience(self) -> tuple[str, ...]:
        return (CHANNEL,)


@dataclass(frozen=True)
class TickReport:
    """How a produce phase went: ticks sent, how long it took, the worst lateness, and how long
    each tick's call took (a commit and what runs after it, or a broadcast)."""

    produced: int
    seconds: float
    late_max_ms: float
    call_ms: list[float]

    def as_dict(self) -> dict[str, float]:
        calls = sorted(self.call_ms) or [0.0]
        return {
            "produced": self.produced,
            "seconds": self.seconds,
            "late_max_ms": self.late_max_ms,
            "call_p50_ms": calls[len(calls) // 2],
            "call_p99_ms": calls[int(len(calls) * 0.99)],
            "call_max_ms": calls[-1],
        }


async def tick_at_rate(
    count: int, rate: float, tick: Callable[[int], Awaitable[None]]
) -> TickReport:
    """Call `tick(n)` for n in 0..count-1 on a fixed schedule; a late tick goes at once."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    late_max = 0.0
    calls = []
    for n in range(count):
        delay = start + n / rate - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        else:
            late_max = max(late_max, -delay)
        called = loop.time()
        await tick(n)
        calls.append((loop.time() - called) * 1000)
    return TickReport(count, loop.time() - start, late_max * 1000, calls)


def committer(db: Database) -> Callable[[int], Awaitable[None]]:
    """A tick that goes through the real action path: a transaction that records the event."""

    async def commit(n: int) -> None:
        async with db.transaction() as tx:
            tx.record(BenchTicked(n=n, sent_ns=time.time_ns()))

    return commit


def tick_frame(n: int) -> str:
    """The frame the fair would send for tick `n` (seq n + 1), built without a database."""
    payload = BenchTicked(n=n, sent_ns=time.time_ns()).payload()
    return event_frame(CHANNEL, n + 1, BenchTicked.type, iso(utcnow()), payload)


def tick_count(rate: float, seconds: float) -> int:
    return max(1, round(rate * seconds))
