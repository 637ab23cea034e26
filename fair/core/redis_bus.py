"""The Redis bus: one pub/sub connection per process, supervised, plus a batching publisher.

Redis pub/sub forgets what it could not deliver, so this bus only speeds
events up: after every reconnect it tells the hub to catch up from the log.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
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


class RedisBus:
    def __init__(self, url: str, *, namespace: str = "fair") -> None:
        self.url = url
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

    def _client(self) -> redis.Redis:
        return redis.Redis.from_url(
            self.url,
            socket_connect_timeout=1.0,
            socket_timeout=5.0,
            retry=Retry(NoBackoff(), 0),
            health_check_interval=10,
        )

    async def start(self, listener: Listener, on_reconnect: ReconnectListener) -> None:
        self._listener = listener
        self._on_reconnect = on_reconnect
        self._tasks = [
            asyncio.create_task(self._subscriber(), name="redis-bus-subscriber"),
            asyncio.create_task(self._publisher(), name="redis-bus-publisher"),
        ]

    async def stop(self) -> None:
        await cancel_all(self._tasks)
        self._tasks = []

    async def subscribe(self, channel: str) -> None:
        self._wanted.add(channel)
        pubsub = self._pubsub
        if pubsub is None or not self.connected.is_set():
            return
        confirmed = self._confirmations.setdefault(
            channel, asyncio.get_running_loop().create_future()
        )
        try:
            await pubsub.subscribe(self._prefix + channel)
            await asyncio.wait_for(asyncio.shield(confirmed), SUBSCRIBE_CONFIRM_SECONDS)
        except (RedisError, OSError, TimeoutError):
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

    async def _subscriber(self) -> None:
        """Keep one subscription connection alive; after each reconnect, ask the hub to catch up."""
        delay = 0.1
        first = True
        while True:
            client = self._client()
            pubsub = client.pubsub()
            try:
                channels = [self._control, *(self._prefix + c for c in self._wanted)]
                await pubsub.subscribe(*channels)
                self._pubsub = pubsub
                self.connected.set()
                if not first:
                    logger.info("bus: reconnected to Redis")
                    if self._on_reconnect is not None:
                        self._on_reconnect()
                first = False
                delay = 0.1
                await self._read(pubsub)
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
                    await pubsub.aclose()  # type: ignore[no-untyped-call]
                with contextlib.suppress(Exception):
                    await client.aclose()
            await asyncio.sleep(delay * (0.5 + random.random()))  # noqa: S311 - jitter, not crypto
            delay = min(delay * 2, 5.0)

    async def _read(self, pubsub: redis.client.PubSub) -> None:
        prefix_length = len(self._prefix)
        while True:
            message = await pubsub.get_message(timeout=None)
            if message is None:
                continue
            kind = message["type"]
            name = message["channel"].decode()
            if kind == "message":
                if not name.startswith(self._prefix) or self._listener is None:
                    continue
                seq_text, event_type, frame = message["data"].decode().split(" ", 2)
                self._listener(Envelope(name[prefix_length:], int(seq_text), frame, event_type))
            elif kind == "subscribe" and name.startswith(self._prefix):
                future = self._confirmations.pop(name[prefix_length:], None)
                if future is not None and not future.done():
                    future.set_result(None)
