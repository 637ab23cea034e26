"""One fair server for the fan-out benchmark: the real app under uvicorn, as `fair serve` runs it.

Settings come from FAIR_* variables like `fair serve`. It produces nothing
itself: the voters' process votes through its live endpoint, as people do.
It counts its own garbage collections (`measure`, `report` on stdin).

    python benchmarks/fanout_app_server.py --core 0
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import socket
from collections.abc import Callable
from typing import Any

import uvicorn
from fanout_process import SERVER_CORE, GcPauses, announce, obey, prepare_process
from starlette.types import ASGIApp

from fair.core.app import create_app
from fair.core.server import server_options
from fair.core.settings import Settings, load_settings

STARTUP_SECONDS = 30.0


def listening_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


def settings_for(origin: str, port: int) -> Settings:
    """The environment's settings, served on this loopback port and accepting its own origin."""
    settings = load_settings()
    return settings.replace(
        base_url=origin, port=port, allowed_origins=(*settings.allowed_origins, origin)
    )


async def started_server(server: uvicorn.Server, task: asyncio.Task[None]) -> None:
    async with asyncio.timeout(STARTUP_SECONDS):
        while not server.started:
            if task.done():
                task.result()
                raise RuntimeError("the server stopped during startup")
            await asyncio.sleep(0.01)


async def serve_under_uvicorn(
    make_app: Callable[[str, int], tuple[ASGIApp, dict[str, Any]]], path: str
) -> None:
    """Serve `make_app(origin, port)`'s app and uvicorn options on a loopback port, announce
    it, and obey the driver until it closes stdin."""
    pauses = GcPauses()
    sock = listening_socket()
    port = sock.getsockname()[1]
    origin = f"http://127.0.0.1:{port}"
    app, options = make_app(origin, port)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", backlog=2048, **options))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        await started_server(server, task)
        announce(event="ready", url=f"ws://127.0.0.1:{port}{path}", origin=origin)
        await obey(pauses)
    finally:
        server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError, TimeoutError):
            await asyncio.wait_for(task, 15)
        sock.close()


def fair_app(origin: str, port: int) -> tuple[ASGIApp, dict[str, Any]]:
    settings = settings_for(origin, port)
    return create_app(settings), server_options(settings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--core", type=int, default=SERVER_CORE)
    args = parser.parse_args()
    prepare_process(args.core)
    asyncio.run(serve_under_uvicorn(fair_app, "/ws"))


if __name__ == "__main__":
    main()
