"""One fair server for the fan-out benchmark: the real app under uvicorn, as `fair serve` runs it.

Settings come from FAIR_* variables like `fair serve`. With `--rate` the
process also produces ticks itself, through `services.db.transaction()`, when
the driver says `produce`: in the embedded mode a commit from another process
would reach this server only at its next head check.

    python benchmarks/fanout_app_server.py --core 0 [--rate 10 --count 200]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import socket

import uvicorn
from fanout_process import SERVER_CORE, announce, commands, prepare_process
from fanout_ticks import committer, tick_at_rate

from fair.core.app import create_app
from fair.core.contract import Services
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


async def started(server: uvicorn.Server, task: asyncio.Task[None]) -> Services:
    async with asyncio.timeout(STARTUP_SECONDS):
        while not server.started:
            if task.done():
                task.result()
                raise RuntimeError("the server stopped during startup")
            await asyncio.sleep(0.01)
    services: Services = server.lifespan.state["services"]
    return services


async def obey(services: Services, rate: float | None, count: int) -> None:
    """Produce when told to, until the driver closes stdin."""
    async for command in commands():
        if command == "produce" and rate is not None:
            report = await tick_at_rate(count, rate, committer(services.db))
            announce(event="produced", **report.as_dict())


async def serve(rate: float | None, count: int) -> None:
    sock = listening_socket()
    port = sock.getsockname()[1]
    origin = f"http://127.0.0.1:{port}"
    settings = settings_for(origin, port)
    config = uvicorn.Config(
        create_app(settings), log_level="warning", backlog=2048, **server_options(settings)
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        services = await started(server, task)
        announce(event="ready", url=f"ws://127.0.0.1:{port}/ws", origin=origin)
        await obey(services, rate, count)
    finally:
        server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError, TimeoutError):
            await asyncio.wait_for(task, 15)
        sock.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--core", type=int, default=SERVER_CORE)
    parser.add_argument("--rate", type=float, help="ticks per second to produce in this process")
    parser.add_argument("--count", type=int, default=0, help="ticks to produce")
    args = parser.parse_args()
    prepare_process(args.core)
    asyncio.run(serve(args.rate, args.count))


if __name__ == "__main__":
    main()
