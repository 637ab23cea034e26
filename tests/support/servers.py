"""Real servers for tests: the fair app served by uvicorn on a loopback port, in this event loop."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass

import uvicorn

from fair.core.app import create_app
from fair.core.contract import Services
from fair.core.server import server_options
from fair.core.settings import Settings


@dataclass
class RunningServer:
    base_url: str
    ws_url: str
    origin: str
    services: Services
    server: uvicorn.Server


def free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@contextlib.asynccontextmanager
async def serve(settings: Settings) -> AsyncIterator[RunningServer]:
    """Serve a fresh app built from `settings` until the block ends."""
    sock = free_socket()
    port = sock.getsockname()[1]
    origin = f"http://127.0.0.1:{port}"
    settings = settings.replace(
        base_url=origin, allowed_origins=(*settings.allowed_origins, origin), port=port
    )
    config = uvicorn.Config(create_app(settings), log_level="warning", **server_options(settings))
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            if task.done():
                task.result()
                raise RuntimeError("server stopped during startup")
            await asyncio.sleep(0.01)
        services = server.lifespan.state["services"]
        yield RunningServer(origin, f"ws://127.0.0.1:{port}/ws", origin, services, server)
    finally:
        server.should_exit = True
        try:
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(asyncio.shield(task), 15)
        except TimeoutError:
            raise RuntimeError("the server did not stop in 15 s:\n" + _stuck_tasks()) from None
        finally:
            if not task.done():
                task.cancel()
            sock.close()


def _stuck_tasks() -> str:
    """Where every other task of the loop is waiting: what a shutdown that hangs is stuck on."""
    current = asyncio.current_task()
    lines = []
    for task in asyncio.all_tasks():
        if task is current:
            continue
        frames = task.get_stack(limit=8)
        where = " <- ".join(f"{f.f_code.co_name}:{f.f_lineno}" for f in reversed(frames))
        lines.append(f"{task.get_name()}: {where}")
    return "\n".join(sorted(lines))
