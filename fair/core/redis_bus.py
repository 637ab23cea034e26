"""The Redis bus: one pub/sub connection per process, supervised, plus a batching publisher.

Redis pub/sub forgets what it could not deliver, so this bus only speeds
events up: after every reconnect it tells the hub to catch up from the log.

A subscription can die without a word (a wedged server, a lost route: no RST),
so reads are bounded and a probe is published on the control channel every
`probe_seconds`; a subscription that hears nothing, not even a probe, for
`probe_misses` probes is closed and made again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import socket
from collections.abc import Sequence

import redis.asyncio as redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from fair.core.bus import Listener, ReconnectListener
from fair.core.events import Envelope
from fair.core.tasks import cancel_all

logger = logging.getLogger(__name__)

PUBLISH_QUEUE_LIMIT = 10_000
SUBSCRIBE_CONFIRM_SECONDS = 2.0
READ_SECONDS = 1.0


def keepalive_options() -> dict[int, int]:
    """TCP keepalive that gives up on a silent peer within about 11 seconds, where supported."""
    wanted = {"TCP_KEEPIDLE": 5, "TCP_KEEPALIVE": 5, "TCP_KEEPINTVL": 2, "TCP_KEEPCNT": 3}
    options: dict[int, int] = {}
    for name, value in wanted.items():
        option = getattr(socket, name, None)
        if option is not None:
            options.setdefault(option, value)
    return options


class SubscriptionSilent(Exception):
    """Nothing, not even this process's own probe, came through the subscription in time."""


class RedisBus:
    def __init__(
        self,
        url: str,
        *,
        namespace: str = "fair",
        probe_seconds: float = 3.0,
        probe_misses: int = 3,
    ) -> None:
        self.url = url
        self.probe_seconds = probe_seconds
        self.probe_misses = probe_misses
        self._prefix = f"{namespace}:ch:"
        self._control = f"{namespace}:bus"
        self._wanted: set[str] = set()
        self._confirmations: dict[str, asyncio.Future[None]] = {}
        self._pubsub: redis.client.PubSub | None = None
        self._listener: Listener | None = None
        self._on_reconnect: ReconnectListener | None = None
        self._outbox: asyncio.Queue[Envelope] = asyncio.Queue(PUBLISH_QUEUE_LIMIT)
        self._tasks: list[asyncio.Task[None]] = []
        self.connected = asyncio.Event()
        self._heard_at = 0.0
        self._first = True

    @property
    def healthy(self) -> bool:
        """True while the subscription is confirmed and has not been found silent."""
        return self.connected.is_set()

    def _quiet_for(self) -> float:
        return asyncio.get_running_loop().time() - self._heard_at

    def _client(self) -> redis.Redis:
        return redis.Redis.from_url(
            self.url,
            socket_connect_timeout=1.0,
            socket_timeout=5.0,
            retry=Retry(NoBackoff(), 0),
            health_check_interval=10,
            socket_keepalive=True,
            socket_keepalive_options=keepalive_options(),
        )

    async def start(self, listener: Listener, on_reconnect: ReconnectListener) -> None:
        self._listener = listener
        self._on_reconnect = on_reconnect
        self._tasks = [
            asyncio.create_task(self._subscriber(), name="redis-bus-subscriber"),
            asyncio.create_task(self._publisher(), name="redis-bus-publisher"),
            asyncio.create_task(self._prober(), name="redis-bus-prober"),
        ]

    async def stop(self) -> None:
        await cancel_all(self._tasks)
        self._tasks = []

    async def subscribe(self, channel: str) -> None:
        self._wanted.add(channel)
        pubsub = self._pubsub
        if pubsub is None:
            return
        confirmed = self._confirmations.setdefault(
            channel, asyncio.get_running_loop().create_future()
        )
        try:
            await pubsub.subscribe(self._prefix + channel)
        except (RedisError, OSError):
            logger.warning("bus: could not subscribe to %s; the hub will poll", channel)
            return
        if not self.connected.is_set() or self._quiet_for() > self.probe_seconds + READ_SECONDS:
            # A subscription that has gone quiet may be dead: do not hold the follow for it.
            return
        done, _ = await asyncio.wait({confirmed}, timeout=SUBSCRIBE_CONFIRM_SECONDS)
        if not done:
            logger.warning("bus: could not confirm subscription to %s; the hub will poll", channel)

    async def unsubscribe(self, channel: str) -> None:
        self._wanted.discard(channel)
        self._confirmations.pop(channel, None)
        pubsub = self._pubsub
        if pubsub is not None and self.connected.is_set():
            with contextlib.suppress(RedisError, OSError):
                await pubsub.unsubscribe(self._prefix + channel)

    async def publish(self, envelopes: Sequence[Envelope]) -> None:
        for envelope in envelopes:
            try:
                self._outbox.put_nowait(envelope)
            except asyncio.QueueFull:
                # The log has it; followers elsewhere catch up on the next head check.
                logger.warning(
                    "bus: publish queue full, dropping %s#%s", envelope.channel, envelope.seq
                )

    async def _publisher(self) -> None:
        client = self._client()
        try:
            while True:
                batch = [await self._outbox.get()]
                while not self._outbox.empty() and len(batch) < 500:
                    batch.append(self._outbox.get_nowait())
                try:
                    async with client.pipeline(transaction=False) as pipe:
                        for envelope in batch:
                            payload = f"{envelope.seq} {envelope.type or '-'} {envelope.frame}"
                            pipe.publish(self._prefix + envelope.channel, payload)
                        await pipe.execute()
                except (RedisError, OSError):
                    logger.warning("bus: Redis unreachable, %d events left to the log", len(batch))
        finally:
            await client.aclose()

    async def _prober(self) -> None:
        """Publish a probe on the control channel whenever the subscription has been quiet."""
        client = self._client()
        try:
            while True:
                await asyncio.sleep(self.probe_seconds)
                if self._quiet_for() < self.probe_seconds:
                    continue
                try:
                    async with asyncio.timeout(self.probe_seconds):
                        await client.publish(self._control, "probe")
                except (RedisError, OSError, TimeoutError):
                    pass  # the subscriber notices the silence
        finally:
            await client.aclose()

    async def _subscriber(self) -> None:
        """Keep one subscription connection alive; after each reconnect, ask the hub to catch up."""
        delay = 0.1
        while True:
            client = self._client()
            pubsub = client.pubsub()
            try:
                subscribed = set(self._wanted)
                await pubsub.subscribe(self._control, *(self._prefix + c for c in subscribed))
                self._pubsub = pubsub
                # Channels wanted while the first SUBSCRIBE was on its way.
                late = self._wanted - subscribed
                if late:
                    await pubsub.subscribe(*(self._prefix + c for c in late))
                delay = 0.1
                await self._read(pubsub)
            except SubscriptionSilent:
                logger.warning(
                    "bus: heard nothing from Redis for %.0f s; subscribing again",
                    self.probe_seconds * self.probe_misses,
                )
            except (RedisError, OSError) as exc:
                if self.connected.is_set():
                    logger.warning("bus: lost Redis (%s); retrying", exc.__class__.__name__)
            finally:
                self.connected.clear()
                self._pubsub = None
                for future in self._confirmations.values():
                    if not future.done():
                        future.cancel()
                self._confirmations.clear()
                with contextlib.suppress(Exception):
                    await pubsub.aclose()  # type: ignore[no-untyped-call,unused-ignore]
                with contextlib.suppress(Exception):
                    await client.aclose()
            await asyncio.sleep(delay * (0.5 + random.random()))  # noqa: S311 - jitter, not crypto
            delay = min(delay * 2, 5.0)

    async def _read(self, pubsub: redis.client.PubSub) -> None:
        # Bounded reads: `get_message(timeout=None)` would wait past any socket timeout.
        prefix_length = len(self._prefix)
        self._heard_at = asyncio.get_running_loop().time()
        deadline = self.probe_seconds * self.probe_misses
        while True:
            message = await pubsub.get_message(timeout=min(READ_SECONDS, self.probe_seconds))
            if message is None:
                if self._quiet_for() > deadline:
                    raise SubscriptionSilent
                continue
            self._heard_at = asyncio.get_running_loop().time()
            kind = message["type"]
            channel = message["channel"]
            if channel is None:
                continue
            name = channel.decode()
            if kind == "message":
                if not name.startswith(self._prefix) or self._listener is None:
                    continue
                seq_text, event_type, frame = message["data"].decode().split(" ", 2)
                self._listener(Envelope(name[prefix_length:], int(seq_text), frame, event_type))
            elif kind == "subscribe" and name == self._control:
                self._confirmed()
            elif kind == "subscribe" and name.startswith(self._prefix):
                future = self._confirmations.pop(name[prefix_length:], None)
                if future is not None and not future.done():
                    future.set_result(None)

    def _confirmed(self) -> None:
        """The subscription is live: say so, and after a reconnect let the hub catch up."""
        self.connected.set()
        if self._first:
            self._first = False
            return
        logger.info("bus: reconnected to Redis")
        if self._on_reconnect is not None:
            self._on_reconnect()
