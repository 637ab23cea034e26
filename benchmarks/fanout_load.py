"""The load generator: thousands of live clients in one asyncio process, counting what arrives.

Each client opens a websocket (no compression, no client pings, like a
browser), sends the real `live.follow` command for `fair`, waits for the
reply, then records every tick it receives: which one, and how long after it
was sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
import time
from array import array
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from fanout_ticks import CHANNEL
from websockets.asyncio.client import ClientConnection, connect
from websockets.frames import Frame, Opcode
from websockets.protocol import Event, State
from websockets.typing import Origin

FOLLOW = json.dumps(
    {"kind": "command", "ref": "f", "type": "live.follow", "data": {"channel": CHANNEL}},
    separators=(",", ":"),
)
EVENT_PREFIX = b'{"kind":"event"'
DATA_KEY = b'"data":'
OPEN_SECONDS = 30.0
CLOSE_SECONDS = 15.0


class Inbox:
    """What one client received: which ticks, how many twice, and each delivery's latency."""

    __slots__ = ("duplicates", "latencies", "received", "seen", "strays")

    def __init__(self, expected: int, latencies: array[int]) -> None:
        self.seen = bytearray(expected)
        self.received = 0
        self.duplicates = 0
        self.strays = 0
        self.latencies = latencies

    def take(self, frame: bytes, now_ns: int) -> None:
        # The payload is the frame's last member; parsing only it keeps the client cheap.
        payload = json.loads(frame[frame.rindex(DATA_KEY) + len(DATA_KEY) : -1])
        n = payload.get("n")
        if not isinstance(n, int) or not 0 <= n < len(self.seen):
            self.strays += 1
        elif self.seen[n]:
            self.duplicates += 1
        else:
            self.seen[n] = 1
            self.received += 1
            self.latencies.append(now_ns - payload["sent_ns"])


class FollowerConnection(ClientConnection):
    """A client connection that counts event frames as soon as the protocol has parsed them.

    Event frames skip the message queue behind `recv()`: waking a reader task per
    message on thousands of sockets would cost the load generator more than the
    fan-out it measures. Replies, pings and closes take the library's usual path.
    """

    inbox: Inbox | None = None

    def process_event(self, event: Event) -> None:
        inbox = self.inbox
        if (
            inbox is not None
            and isinstance(event, Frame)
            and event.opcode is Opcode.TEXT
            and event.fin
        ):
            data = event.data if isinstance(event.data, bytes) else bytes(event.data)
            if data.startswith(EVENT_PREFIX):
                inbox.take(data, time.time_ns())
                return
        super().process_event(event)


@dataclass(frozen=True)
class Target:
    """A server to connect clients to: its websocket URL and the Origin a browser would send."""

    url: str
    origin: str


@dataclass
class Crowd:
    """Every client of one run, with what each received."""

    expected: int
    latencies: array[int] = field(default_factory=lambda: array("q"))
    connections: list[FollowerConnection] = field(default_factory=list)
    inboxes: list[Inbox] = field(default_factory=list)
    failures: Counter[str] = field(default_factory=Counter)
    connect_seconds: float = 0.0

    def received(self) -> int:
        return sum(inbox.received for inbox in self.inboxes)

    def held(self) -> int:
        return sum(1 for c in self.connections if c.protocol.state is State.OPEN)

    def close_codes(self) -> dict[str, int]:
        codes = Counter(
            str(c.close_code) for c in self.connections if c.protocol.state is not State.OPEN
        )
        return dict(codes)

    def complete(self) -> bool:
        """Whether every client still connected has every tick."""
        return all(
            inbox.received >= self.expected
            for inbox, connection in zip(self.inboxes, self.connections, strict=True)
            if connection.protocol.state is State.OPEN
        )


async def join(target: Target, inbox: Inbox | None) -> FollowerConnection:
    """Open one client and follow the channel, as a browser tab does; `inbox` counts its ticks."""
    connection = await connect(
        target.url, origin=Origin(target.origin), compression=None, open_timeout=OPEN_SECONDS,
        ping_interval=None, close_timeout=5, create_connection=FollowerConnection,
    )
    assert isinstance(connection, FollowerConnection)
    connection.inbox = inbox
    await connection.send(FOLLOW)
    reply = json.loads(await asyncio.wait_for(connection.recv(), OPEN_SECONDS))
    if not reply.get("ok"):
        await connection.close()
        raise RuntimeError(f"follow refused: {reply.get('error')}")
    return connection


async def gather_crowd(
    targets: Sequence[Target], clients: int, expected: int, concurrency: int
) -> Crowd:
    """Connect `clients` followers, spread evenly over `targets`, `concurrency` at a time."""
    crowd = Crowd(expected)
    gate = asyncio.Semaphore(concurrency)
    started = time.monotonic()

    async def one(index: int) -> None:
        inbox = Inbox(expected, crowd.latencies)
        async with gate:
            try:
                connection = await join(targets[index % len(targets)], inbox)
            except Exception as failure:
                crowd.failures[type(failure).__name__] += 1
                return
        crowd.connections.append(connection)
        crowd.inboxes.append(inbox)
        if len(crowd.connections) % 1000 == 0:
            print(f"  {len(crowd.connections)} clients following", file=sys.stderr)

    await asyncio.gather(*(one(index) for index in range(clients)))
    crowd.connect_seconds = time.monotonic() - started
    return crowd


async def settle(crowd: Crowd, quiet: float, limit: float) -> float:
    """Wait until every open client has every tick, or nothing arrived for `quiet` seconds."""
    loop = asyncio.get_running_loop()
    started = last_change = loop.time()
    last = crowd.received()
    while not crowd.complete() and loop.time() - last_change < quiet:
        if loop.time() - started > limit:
            break
        await asyncio.sleep(0.1)
        now = crowd.received()
        if now != last:
            last, last_change = now, loop.time()
    return loop.time() - started


async def disperse(crowd: Crowd) -> None:
    """Close every client; those that do not finish the closing handshake in time are cut off."""
    closing = [asyncio.create_task(c.close()) for c in crowd.connections]
    if closing:
        await asyncio.wait(closing, timeout=CLOSE_SECONDS)
    for task in closing:
        task.cancel()
    for connection in crowd.connections:
        with contextlib.suppress(Exception):
            connection.transport.abort()


class LoopLag:
    """How late this process's event loop wakes up: a lagging load generator measures itself."""

    def __init__(self, interval: float = 0.01) -> None:
        self.interval = interval
        self.samples: list[float] = []
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self.samples.clear()
        self._task = asyncio.create_task(self._watch())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _watch(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            before = loop.time()
            await asyncio.sleep(self.interval)
            self.samples.append(max(0.0, loop.time() - before - self.interval))
