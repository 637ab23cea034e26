"""The ceiling: a bare `websockets` server that answers `live.follow` and broadcasts each vote.

No database, no queues, no hub: each vote's event frame is built once and
written to every follower with `websockets.broadcast()`. It is what fan-out
costs in Python with this library, the yardstick the fair is measured against.
It speaks the part of the live protocol the benchmark uses: `live.follow`
(head 0), `live.ping` and `qa.vote` (a count per question, one seq for the channel).

    python benchmarks/fanout_ceiling_server.py --core 0
"""

from __future__ import annotations

import argparse
import asyncio
import json

import websockets
from fanout_peers import Votes, reply_frame
from fanout_process import SERVER_CORE, GcPauses, announce, obey, prepare_process
from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed


class Ceiling:
    """The followers of the one channel, and the votes broadcast to them."""

    def __init__(self) -> None:
        self.followers: set[ServerConnection] = set()
        self.votes = Votes()

    async def handle(self, connection: ServerConnection) -> None:
        try:
            async for message in connection:
                command = json.loads(message)
                kind = command.get("type")
                if kind == "live.follow":
                    self.followers.add(connection)
                    data = {"channel": command["data"]["channel"], "head": 0}
                    await connection.send(reply_frame(command.get("ref"), data))
                elif kind == "live.ping":
                    await connection.send(reply_frame(command.get("ref"), {}))
                elif kind == "qa.vote":
                    frame, votes = self.votes.cast(command["data"])
                    websockets.broadcast(self.followers, frame)
                    await connection.send(reply_frame(command.get("ref"), votes))
        except ConnectionClosed:
            pass  # a client cut off at the end of a run; nothing to clean but the set
        finally:
            self.followers.discard(connection)


async def run() -> None:
    ceiling = Ceiling()
    pauses = GcPauses()
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
        await obey(pauses)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--core", type=int, default=SERVER_CORE)
    args = parser.parse_args()
    prepare_process(args.core)
    asyncio.run(run())


if __name__ == "__main__":
    main()
