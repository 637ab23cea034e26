"""A TCP proxy between the app and Redis or PostgreSQL that a test can switch like a cable.

    async with tcp_proxy(6379) as proxy:       # the app connects to proxy.port
        proxy.blackhole()                      # bytes stop flowing, silently, both ways
        proxy.refuse()                         # open links are reset, new ones refused
        proxy.pass_through()                   # back to normal for new and open links

Blackholing keeps every connection open but forwards nothing, with no RST: what a
wedged server or a lost network path looks like to the app. Bytes read meanwhile are
held and delivered in order if the link passes again, as TCP would retransmit them.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import socket
import struct
from collections.abc import AsyncIterator

from tests.support.servers import free_socket


class Mode(enum.Enum):
    PASS = "pass"
    BLACKHOLE = "blackhole"
    REFUSE = "refuse"


class TcpProxy:
    """Forwards 127.0.0.1:<port> to 127.0.0.1:<target_port> while in PASS mode."""

    def __init__(self, target_port: int, target_host: str = "127.0.0.1") -> None:
        self.target_host = target_host
        self.target_port = target_port
        self.mode = Mode.PASS
        self._sock = free_socket()
        self.port: int = self._sock.getsockname()[1]
        self._server: asyncio.Server | None = None
        self._links: set[tuple[asyncio.StreamWriter, asyncio.StreamWriter]] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._flowing = asyncio.Event()
        self._flowing.set()
        self.accepted = 0

    def url(self, template: str) -> str:
        """`template` with `{port}` replaced: `proxy.url("redis://127.0.0.1:{port}/0")`."""
        return template.format(port=self.port)

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, sock=self._sock)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        self._reset_links()
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self._server is not None:
            with contextlib.suppress(Exception):
                await self._server.wait_closed()

    def pass_through(self) -> None:
        self.mode = Mode.PASS
        self._flowing.set()

    def blackhole(self) -> None:
        self.mode = Mode.BLACKHOLE
        self._flowing.clear()

    def refuse(self) -> None:
        self.mode = Mode.REFUSE
        self._flowing.set()
        self._reset_links()

    @property
    def open_links(self) -> int:
        return len(self._links)

    def _reset_links(self) -> None:
        for client, upstream in list(self._links):
            for writer in (client, upstream):
                _reset(writer)
        self._links.clear()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.accepted += 1
        if self.mode is Mode.REFUSE:
            _reset(writer)
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(self.target_host, self.target_port)
        except OSError:
            _reset(writer)
            return
        link = (writer, up_writer)
        self._links.add(link)
        for source, sink in ((reader, up_writer), (up_reader, writer)):
            task = asyncio.create_task(self._pipe(source, sink, link))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _pipe(
        self,
        source: asyncio.StreamReader,
        sink: asyncio.StreamWriter,
        link: tuple[asyncio.StreamWriter, asyncio.StreamWriter],
    ) -> None:
        try:
            while True:
                data = await source.read(65536)
                if not data:
                    break
                await self._flowing.wait()
                if self.mode is Mode.REFUSE:
                    break
                sink.write(data)
                await sink.drain()
        except (OSError, asyncio.IncompleteReadError):
            pass
        finally:
            if link in self._links:
                self._links.discard(link)
                for writer in link:
                    with contextlib.suppress(Exception):
                        writer.close()


def _reset(writer: asyncio.StreamWriter) -> None:
    """Close with RST rather than FIN, as a refusing host or a dropped route does."""
    sock = writer.get_extra_info("socket")
    with contextlib.suppress(Exception):
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with contextlib.suppress(Exception):
        writer.close()


@contextlib.asynccontextmanager
async def tcp_proxy(target_port: int, target_host: str = "127.0.0.1") -> AsyncIterator[TcpProxy]:
    """A proxy in PASS mode, forwarding to `target_host:target_port`, for the block's length."""
    proxy = TcpProxy(target_port, target_host)
    await proxy.start()
    try:
        yield proxy
    finally:
        await proxy.stop()
