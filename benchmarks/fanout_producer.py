"""The Redis mode's producer: commits ticks through the action path and publishes them to Redis.

It is a worker without a web server: a `Database` whose commits go to a `Hub`
on the Redis bus, configured from FAIR_* variables like the servers it feeds.

    python benchmarks/fanout_producer.py --core 1 --rate 10 --count 200
"""

from __future__ import annotations

import argparse
import asyncio

from fanout_process import LOAD_CORE, announce, commands, prepare_process
from fanout_ticks import committer, tick_at_rate

from fair.core.buses import create_bus
from fair.core.db import Database, create_engine
from fair.core.hub import Hub
from fair.core.settings import load_settings

DRAIN_SECONDS = 1.0


async def run(rate: float, count: int) -> None:
    settings = load_settings()
    db = Database(create_engine(settings.database_url))
    hub = Hub(
        db,
        create_bus(settings.redis_url, namespace=settings.namespace),
        head_check_seconds=settings.head_check_seconds,
    )
    await hub.start()
    try:
        announce(event="ready")
        async for command in commands():
            if command == "produce":
                report = await tick_at_rate(count, rate, committer(db))
                announce(event="produced", **report.as_dict())
        # The bus publishes from a queue: give the last ticks time to leave before stopping.
        await asyncio.sleep(DRAIN_SECONDS)
    finally:
        await hub.stop()
        await db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--core", type=int, default=LOAD_CORE)
    parser.add_argument("--rate", type=float, required=True)
    parser.add_argument("--count", type=int, required=True)
    args = parser.parse_args()
    prepare_process(args.core)
    asyncio.run(run(args.rate, args.count))


if __name__ == "__main__":
    main()
