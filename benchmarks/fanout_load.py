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
# A tick's payload ends every frame: `"data":{"n":12,"sent_ns":1764000000000000000}}`.
TICK_START = b'"data":{"n":'
SENT_KEY = b',"sent_ns":'
NOT_YET = 2**63 - 1
OPEN_SECONDS = 30.0
CLOSE_SECONDS = 15.0


class Latencies:
    """Every delivery's latency in ns; per tick the first (the commit and the way to the
    server) and the worst (to spot stalls in time)."""

    __slots__ = ("all", "first", "worst")

    def __init__(self, expected: int) -> None:
        self.all: array[int] = array("q")
        self.first: array[int] = array("q", [NOT_YET]) * expected
        self.worst: array[int] = array("q", bytes(8 * expected))

    def add(self, n: int, latency: int) -> None:
        self.all.append(latency)
        if latency > self.worst[n]:
            self.worst[n] = latency
        if latency < self.first[n]:
            self.first[n] = latency

    def firsts(self) -> list[int]:
        """The first delivery's latency of every tick that arrived anywhere."""
        return [latency for latency in self.first if latency != NOT_YET]


class Inbox:
    """What one client received: which ticks, how many twice, and each delivery's latency."""

    __slots__ = ("duplicates", "latencies", "received", "seen", "strays")

    def __init__(self, expected: int, latencies: Latencies) -> None:
        self.seen = bytearray(expected)
        self.received = 0
        self.duplicates = 0
        self.strays = 0
        self.latencies = latencies

    def take(self, frame: bytes | bytearray, now_ns: int) -> None:
        n, sent_ns = tick_of(frame)
        if not 0 <= n < len(self.seen):
            self.strays += 1
        elif self.seen[n]:
            self.duplicates += 1
        else:
            self.seen[n] = 1
            self.received += 1
            self.latencies.add(n, now_ns - sent_ns)


def tick_of(frame: bytes | bytearray) -> tuple[int, int]:
    """A tick's number and send time; (-1, 0) for any other event.

    Slicing the known tail is five times cheaper than `json.loads`, and at 50,000
    frames a second the load generator needs every microsecond.
    """
    start = frame.rfind(TICK_START)
    if start < 0:
        return -1, 0
    n, _, sent_ns = frame[start + len(TICK_START) : -2].partition(SENT_KEY)
    try:
        return int(n), int(sent_ns)
    except ValueError:
        return -1, 0


class FollowerConnection(ClientConnection):
    """A client connection that counts event frames as soon as the protocol has parsed them.

    Event frames skip the message queue behind `recv()`: waking a reader task per
    message on thousands of sockets would cost the load generator more than the
    fan-out it measures. The follow's reply, pings and closes take the library's usual
    path; once following, any other text frame is counted as a stray, so that nothing
    waits unread in the queue (a full queue would stop the library reading the socket).
    """

    inbox: Inbox | None = None
    following = False

    def process_event(self, event: Event) -> None:
        inbox = self.inbox
        if (
            inbox is not None
            and isinstance(event, Frame)
            and event.opcode is Opcode.TEXT
            and event.fin
        ):
            data = event.data
            if isinstance(data, bytes | bytearray) and (
                self.following or data.startswith(EVENT_PREFIX)
            ):
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
    latencies: Latencies
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
        target.url,
        origin=Origin(target.origin),
        compression=None,
        open_timeout=OPEN_SECONDS,
        ping_interval=None,
        close_timeout=5,
        proxy=None,
        create_connection=FollowerConnection,
    )
    assert isinstance(connection, FollowerConnection)
    connection.inbox = inbox
    try:
        await connection.send(FOLLOW)
        reply = json.loads(await asyncio.wait_for(connection.recv(), OPEN_SECONDS))
        if not reply.get("ok"):
            raise RuntimeError(f"follow refused: {reply.get('error')}")
    except Exception:
        connection.transport.abort()
        raise
    connection.following = True
    return connection


async def gather_crowd(
    targets: Sequence[Target], clients: int, expected: int, concurrency: int, within: float
) -> Crowd:
    """Connect `clients` followers, spread evenly over `targets`, `concurrency` at a time;
    those not following after `within` seconds are given up and counted as failures."""
    crowd = Crowd(expected, Latencies(expected))
    gate = asyncio.Semaphore(concurrency)
    started = time.monotonic()

    async def one(index: int) -> None:
        inbox = Inbox(expected, crowd.latencies)
        async with gate:
            try:
                connection = await join(targets[index % len(targets)], inbox)
            except Exception as failure:  # counted and reported; the others go on
                crowd.failures[type(failure).__name__] += 1
                return
        crowd.connections.append(connection)
        crowd.inboxes.append(inbox)
        if len(crowd.connections) % 1000 == 0:
            print(f"  {len(crowd.connections)} clients following", file=sys.stderr)

    tasks = [asyncio.create_task(one(index)) for index in range(clients)]
    _done, late = await asyncio.wait(tasks, timeout=within)
    for task in late:
        task.cancel()
    if late:
        await asyncio.wait(late)
        crowd.failures["GaveUp"] += len(late)
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
