"""Presence heartbeat benchmark: what one worker's refresh of N people costs its event loop.

Every `presence_heartbeat_seconds` (15 s) a worker re-writes the entry of each
(place, person) it holds, so that entries of a worker that died expire. With N
people each at two places (the fair and a panel) that is 2N entries. This
measures one refresh as the worker runs it: the wall time of the call, which is
time the worker's event loop spends on it, and the CPU of this process, for
the Redis store (a namespace of its own on the local Redis, deleted after) and
the in-memory one.

    .venv/bin/python benchmarks/presence_heartbeat.py                  # N = 2500, 5000, 10000
    .venv/bin/python benchmarks/presence_heartbeat.py --people 10000 --repeat 5
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from pathlib import Path

from fanout_deploy import redis_namespace, require_loopback

from fair.core.presence import MemoryPresence, PresenceStore, RedisPresence

RESULTS = Path(__file__).resolve().parent / "results"
PLACES = ("fair", "qa:1")


async def measure(store: PresenceStore, people: int, repeat: int) -> dict[str, float]:
    worker = "w1"
    entries = [(place, f"visitor-{n}") for n in range(people) for place in PLACES]
    for place, person in entries[:1]:
        await store.add(place, person, worker, 45.0)
    walls, cpus = [], []
    for _ in range(repeat):
        cpu, wall = time.process_time(), time.perf_counter()
        await store.refresh(entries, worker, 45.0)
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    counted = await store.count(PLACES[1])
    if counted != people:
        raise SystemExit(f"presence: counted {counted} people at {PLACES[1]}, not {people}")
    return {
        "entries": len(entries),
        "wall_ms_median": statistics.median(walls),
        "wall_ms_max": max(walls),
        "cpu_ms_median": statistics.median(cpus),
    }


async def run(args: argparse.Namespace) -> int:
    rows = []
    for people in args.people:
        async with redis_namespace(args.redis) as namespace:
            stores: dict[str, PresenceStore] = {
                "redis": RedisPresence(args.redis, namespace=namespace, timeout=10.0),
                "memory": MemoryPresence(),
            }
            for name, store in stores.items():
                try:
                    measured = await measure(store, people, args.repeat)
                finally:
                    await store.close()
                rows.append({"store": name, "people": people, **measured})
    print(f"{'store':<7} {'people':>7} {'entries':>8} {'wall ms':>8} {'max':>8} {'CPU ms':>8}")
    for row in rows:
        print(
            f"{row['store']:<7} {row['people']:>7} {row['entries']:>8} "
            f"{row['wall_ms_median']:>8.1f} {row['wall_ms_max']:>8.1f} {row['cpu_ms_median']:>8.1f}"
        )
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"presence-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps({"options": vars(args), "rows": rows}, indent=2) + "\n")
    print(f"\nResults: {path}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, nargs="+", default=[2500, 5000, 10000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--redis", default=os.environ.get("FAIR_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
    )
    args = parser.parse_args()
    require_loopback(args.redis)
    return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
