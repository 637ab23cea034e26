"""A live client for tests: a real websocket to a real server, speaking the fair's frames."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

from websockets.asyncio.client import ClientConnection, connect

DEFAULT_TIMEOUT = 10.0
SAME_SITE = "same-site"
"""The default origin: the fair's own, as a browser on one of its pages sends it."""


class CommandRefused(Exception):
    def __init__(self, error: dict[str, Any]) -> None:
        super().__init__(error.get("code"))
        self.code = error.get("code")
        self.error = error


class LiveClient:
    """Sends commands and collects every event and reset frame in arrival order."""

    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection
        self.frames: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._replies: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._refs = itertools.count(1)
        self._reader = asyncio.create_task(self._read())
        self.closed = asyncio.get_running_loop().create_future()

    async def _read(self) -> None:
        try:
            async for message in self.connection:
                frame = json.loads(message)
                if frame.get("kind") == "reply":
                    future = self._replies.pop(frame.get("ref"), None)
                    if future is not None and not future.done():
                        future.set_result(frame)
                        continue
                await self.frames.put(frame)
        except Exception:  # the close code tells the test what happened
            pass
        finally:
            if not self.closed.done():
                self.closed.set_result(self.connection.close_code)
            for future in self._replies.values():
                if not future.done():
                    future.set_exception(ConnectionError("socket closed"))

    async def send_raw(self, text: str) -> None:
        await self.connection.send(text)

    async def request(
        self, type_: str, data: dict[str, Any] | None = None, *, key: str | None = None
    ) -> dict[str, Any]:
        """Send a command (with an idempotency `key` if given) and return its whole reply frame."""
        ref = f"t{next(self._refs)}"
        future = asyncio.get_running_loop().create_future()
        self._replies[ref] = future
        frame: dict[str, Any] = {"kind": "command", "ref": ref, "type": type_, "data": data or {}}
        if key is not None:
            frame["key"] = key
        await self.connection.send(json.dumps(frame))
        return await asyncio.wait_for(future, DEFAULT_TIMEOUT)

    async def command(
        self, type_: str, data: dict[str, Any] | None = None, *, key: str | None = None
    ) -> dict[str, Any]:
        reply = await self.request(type_, data, key=key)
        if not reply["ok"]:
            raise CommandRefused(reply["error"])
        return reply["data"]  # type: ignore[no-any-return]

    async def follow(self, channel: str, since: int | None = None) -> dict[str, Any]:
        data: dict[str, Any] = {"channel": channel}
        if since is not None:
            data["since"] = since
        return await self.command("live.follow", data)

    async def next_frame(self, timeout: float = DEFAULT_TIMEOUT) -> dict[str, Any]:
        return await asyncio.wait_for(self.frames.get(), timeout)

    async def events(self, channel: str, count: int, timeout: float = 30.0) -> list[dict[str, Any]]:
        """The next `count` event frames of `channel`, skipping other channels' frames."""
        found: list[dict[str, Any]] = []
        async with asyncio.timeout(timeout):
            while len(found) < count:
                frame = await self.frames.get()
                if frame.get("channel") == channel and frame.get("kind") == "event":
                    found.append(frame)
        return found

    async def nothing_pending(self) -> list[dict[str, Any]]:
        """Frames that arrived before a ping's reply: proves a negative without sleeping."""
        await self.command("live.ping")
        pending = []
        while not self.frames.empty():
            pending.append(self.frames.get_nowait())
        return pending

    async def close(self) -> None:
        await self.connection.close()
        with contextlib.suppress(asyncio.CancelledError):
            await self._reader


@contextlib.asynccontextmanager
async def live_client(
    ws_url: str,
    *,
    origin: str | None = SAME_SITE,
    cookies: dict[str, str] | None = None,
    **options: Any,
) -> AsyncIterator[LiveClient]:
    """A socket like a browser's on the fair's pages; `origin=None` sends no Origin at all."""
    if origin == SAME_SITE:
        parts = urlsplit(ws_url)
        origin = f"{'https' if parts.scheme == 'wss' else 'http'}://{parts.netloc}"
    headers = {}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    async with connect(
        ws_url,
        origin=origin,
        additional_headers=headers,
        compression=None,  # type: ignore[arg-type]
        open_timeout=10,
        **options,
    ) as connection:
        client = LiveClient(connection)
        try:
            yield client
        finally:
            await client.close()
