"""The bus: carries committed events between worker processes (never the source of truth).

Two implementations share one contract (tests/core/test_bus_contract.py): the
in-process `LocalBus` for the embedded mode and `RedisBus` for several workers.
Delivery is at most once; the hub fills any gap from the event log.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from fair.core.events import Envelope

Listener = Callable[[Envelope], None]
ReconnectListener = Callable[[], None]


class Bus(Protocol):
    """Publish envelopes to every process that subscribed to their channel, this one included."""

    @property
    def healthy(self) -> bool:
        """Whether messages are being heard now (the hub polls the log while they are not)."""

    async def start(self, listener: Listener, on_reconnect: ReconnectListener) -> None: ...

    async def stop(self) -> None: ...

    async def subscribe(self, channel: str) -> None:
        """Return once messages for `channel` will be heard (or the bus is down: the hub polls)."""

    async def unsubscribe(self, channel: str) -> None: ...

    async def publish(self, envelopes: Sequence[Envelope]) -> None:
        """Hand envelopes over for delivery; never raises for a bus that is down."""


class LocalBus:
    """The in-process bus of the embedded mode: publishing calls the listener directly."""

    def __init__(self) -> None:
        self._listener: Listener | None = None
        self._channels: set[str] = set()

    @property
    def healthy(self) -> bool:
        """Always: there is nothing between this process and itself."""
        return True

    async def start(self, listener: Listener, on_reconnect: ReconnectListener) -> None:
        self._listener = listener

    async def stop(self) -> None:
        self._listener = None
        self._channels.clear()

    async def subscribe(self, channel: str) -> None:
        self._channels.add(channel)

    async def unsubscribe(self, channel: str) -> None:
        self._channels.discard(channel)

    async def publish(self, envelopes: Sequence[Envelope]) -> None:
        listener = self._listener
        if listener is None:
            return
        for envelope in envelopes:
            if envelope.channel in self._channels:
                listener(envelope)
