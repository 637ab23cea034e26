"""One socket's outbound side: write at once while the socket drains, queue only when it is behind.

The hub calls `push()` for every follower of an event, synchronously. While the
socket is keeping up, `push()` runs the ASGI send to completion on the spot
(the server writes to the transport without suspending), so a delivery costs
no task switch. When the transport is paused, the suspended send is handed to
the connection's single writer task and later frames wait in a bounded queue;
a client that falls further behind than the bound is closed.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Coroutine, Generator
from typing import Any, cast

from starlette.types import Send

from fair.core.accounts.viewers import Viewer

# Close codes (RFC 6455's private range 4000-4999 for our own), documented in ARCHITECTURE.md.
CLOSE_TOO_SLOW = 4000  # the client fell behind; reconnect and resume from the last seq
CLOSE_LOGGED_OUT = 4001  # the login ended (logout, suspension); reload the page
CLOSE_ROLE_CHANGED = 4002  # the person's role changed; reconnect to get the new rights
CLOSE_TOO_MANY = 4008  # the client kept sending faster than allowed
CLOSE_POLICY = 1008  # handshake refused (foreign Origin)
CLOSE_TOO_BIG = 1009  # a message over the size limit
CLOSE_SEND_FAILED = 1011  # the server could not write to the socket

CLOSE_SECONDS = 5.0
COMMANDS_PER_SECOND = 20.0
COMMAND_BURST = 60.0


class _Resume:
    """Awaits a coroutine that was already stepped once and suspended on `waiting`.

    This is what `yield from` does for a coroutine started elsewhere: the
    enclosing task waits on the same future and passes results and exceptions
    (cancellation included) through.
    """

    __slots__ = ("coroutine", "waiting")

    def __init__(self, coroutine: Coroutine[Any, Any, None], waiting: Any) -> None:
        self.coroutine = coroutine
        self.waiting = waiting

    def __await__(self) -> Generator[Any, Any, None]:
        coroutine, waiting = self.coroutine, self.waiting
        while True:
            try:
                sent = yield waiting
            except BaseException as exc:
                try:
                    waiting = coroutine.throw(exc)
                except StopIteration:
                    return
                continue
            try:
                waiting = coroutine.send(sent)
            except StopIteration:
                return


class Connection:
    """Frames for one client, in order, with a bounded backlog and one writer task."""

    def __init__(self, send: Send, limit: int, viewer: Viewer) -> None:
        self._send = send
        self.viewer = viewer
        self.limit = limit
        self.closing: tuple[int, str] | None = None
        self.follows: set[str] = set()
        self.present_at: set[str] = set()
        self._queue: deque[str] = deque()
        self._in_flight: _Resume | None = None
        self._writing = False
        self._wake = asyncio.Event()
        self._room = asyncio.Event()
        self._room.set()
        self._low_water = max(1, limit // 2)
        self._allowance = COMMAND_BURST
        self._checked_at = time.monotonic()
        self._writer: asyncio.Task[None] | None = None

    def push(self, frame: str) -> None:
        """Send `frame` now if the socket is drained, else queue it; never blocks or raises."""
        if self.closing is not None:
            return
        if not self._queue and self._in_flight is None and not self._writing:
            send = cast(
                Coroutine[Any, Any, None], self._send({"type": "websocket.send", "text": frame})
            )
            try:
                waiting = send.send(None)
            except StopIteration:
                return
            except Exception:
                self.close(CLOSE_SEND_FAILED, "send failed")
                return
            self._in_flight = _Resume(send, waiting)
            self._wake.set()
            return
        if len(self._queue) >= self.limit:
            self.close(CLOSE_TOO_SLOW, "too far behind; reconnect and resume")
            return
        self._queue.append(frame)
        self._wake.set()
        if len(self._queue) >= self._low_water:
            self._room.clear()

    async def room(self) -> None:
        """Wait until the backlog is below half the bound (paces replays)."""
        await self._room.wait()

    def close(self, code: int, reason: str) -> None:
        """Stop sending and close with `code`. A client that does not take the close within
        CLOSE_SECONDS is cut off: it stopped reading, so it cannot see the close frame."""
        if self.closing is not None:
            return
        self.closing = (code, reason)
        self._queue.clear()
        self._wake.set()
        self._room.set()
        writer = self._writer
        if writer is not None:
            asyncio.get_running_loop().call_later(CLOSE_SECONDS, writer.cancel)

    def start_writer(self) -> asyncio.Task[None]:
        self._writer = asyncio.create_task(self._write(), name="live-writer")
        return self._writer

    def allow_command(self) -> bool:
        """A token bucket: COMMANDS_PER_SECOND on average, bursts up to COMMAND_BURST."""
        now = time.monotonic()
        self._allowance = min(
            COMMAND_BURST, self._allowance + (now - self._checked_at) * COMMANDS_PER_SECOND
        )
        self._checked_at = now
        if self._allowance < 1:
            return False
        self._allowance -= 1
        return True

    async def _write(self) -> None:
        send, queue = self._send, self._queue
        try:
            while self.closing is None:
                await self._wake.wait()
                self._wake.clear()
                in_flight, self._in_flight = self._in_flight, None
                self._writing = True
                if in_flight is not None:
                    await in_flight
                while queue and self.closing is None:
                    await send({"type": "websocket.send", "text": queue.popleft()})
                    if len(queue) < self._low_water:
                        self._room.set()
                self._writing = False
        finally:
            if self._in_flight is not None:
                self._in_flight.coroutine.close()
        code, reason = self.closing
        await send({"type": "websocket.close", "code": code, "reason": reason})
