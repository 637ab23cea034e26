"""The ceiling: a bare `websockets` server that answers `live.follow` and broadcasts every tick.

No database, no queues, no hub: each tick's frame is built once and written to
every follower with `websockets.broadcast()`. It is what fan-out costs in
Python with this library, the yardstick the fair is measured against.

    python benchmarks/fanout_ceiling_server.py --core 0 --rate 10 --count 200
"""

from __future__ import annotations

import argparse
import asyncio
import json

import websockets
from fanout_process import SERVER_CORE, announce, commands, prepare_process
from fanout_ticks import CHANNEL, tick_at_rate, tick_frame
from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed


class Ceiling:
    """The followers of the one channel, and the ticks broadcast to them."""

    def __init__(self) -> None:
        self.followers: set[ServerConnection] = set()

    async def handle(self, connection: ServerConnection) -> None:
        try:
            async for message in connection:
                command = json.loads(message)
                if command.get("type") == "live.follow":
                    self.followers.add(connection)
                    await connection.send(
                        json.dumps(
                            {
                                "kind": "reply",
                                "ref": command.get("ref"),
                                "ok": True,
                                "data": {"channel": CHANNEL, "head": 0},
                            },
                            separators=(",", ":"),
                        )
                    )
        except ConnectionClosed:
            pass  # a client cut off at the end of a run; nothing to clean but the set
        finally:
            self.followers.discard(connection)

    async def tick(self, n: int) -> None:
        websockets.broadcast(self.followers, tick_frame(n))


async def run(rate: float, count: int) -> None:
    ceiling = Ceiling()
    async with serve(
        ceiling.handle,
        "127.0.0.1",
        0,
        compression=None,
        max_size=65536,
        ping_interval=20,
        ping_timeout=20,
        backlog=2048,
    ) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        announce(event="ready", url=f"ws://127.0.0.1:{port}/", origin=f"http://127.0.0.1:{port}")
        async for command in commands():
            if command == "produce":
                report = await tick_at_rate(count, rate, ceiling.tick)
                announce(event="produced", **report.as_dict())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--core", type=int, default=SERVER_CORE)
    parser.add_argument("--rate", type=float, required=True)
    parser.add_argument("--count", type=int, required=True)
    args = parser.parse_args()
    prepare_process(args.core)
    asyncio.run(run(args.rate, args.count))


if __name__ == "__main__":
    main()
