"""The naive peer: Starlette under uvicorn, sending each vote to every follower in a loop.

What a first version of a live feature in Starlette looks like: a set of
followers, and for each vote `await websocket.send_text(frame)` to each in
turn, in the handler of the voter's socket. Same server stack as the fair
(uvicorn, its `websockets-sansio` protocol, no compression, pings every 20 s),
none of the fair's machinery: it is the second yardstick, between the bare
ceiling and the fair.

    python benchmarks/fanout_starlette_server.py --core 0
"""

from __future__ import annotations

import argparse
import asyncio
import json
from typing import Any

from fanout_app_server import serve_under_uvicorn
from fanout_peers import Votes, reply_frame
from fanout_process import SERVER_CORE, prepare_process
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.types import ASGIApp
from starlette.websockets import WebSocket, WebSocketDisconnect


class Naive:
    def __init__(self) -> None:
        self.followers: set[WebSocket] = set()
        self.votes = Votes()

    async def endpoint(self, websocket: WebSocket) -> None:
        await websocket.accept()
        try:
            while True:
                command = json.loads(await websocket.receive_text())
                kind = command.get("type")
                if kind == "live.follow":
                    self.followers.add(websocket)
                    data = {"channel": command["data"]["channel"], "head": 0}
                    await websocket.send_text(reply_frame(command.get("ref"), data))
                elif kind == "live.ping":
                    await websocket.send_text(reply_frame(command.get("ref"), {}))
                elif kind == "qa.vote":
                    frame, votes = self.votes.cast(command["data"])
                    for follower in list(self.followers):
                        try:
                            await follower.send_text(frame)
                        except Exception:  # gone meanwhile: drop it, as a naive server would
                            self.followers.discard(follower)
                    await websocket.send_text(reply_frame(command.get("ref"), votes))
        except WebSocketDisconnect:
            pass
        finally:
            self.followers.discard(websocket)


def naive_app(origin: str, port: int) -> tuple[ASGIApp, dict[str, Any]]:
    naive = Naive()
    options = {
        "ws": "websockets-sansio",
        "ws_per_message_deflate": False,
        "ws_ping_interval": 20.0,
        "ws_ping_timeout": 20.0,
        "lifespan": "off",
    }
    return Starlette(routes=[WebSocketRoute("/", naive.endpoint)]), options


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--core", type=int, default=SERVER_CORE)
    args = parser.parse_args()
    prepare_process(args.core)
    asyncio.run(serve_under_uvicorn(naive_app, "/"))


if __name__ == "__main__":
    main()
