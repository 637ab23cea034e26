"""Features: the app is assembled from a list of feature modules named in the settings.

Each feature module exposes `feature = Feature(...)`: its routes, websocket
commands, channel rules, templates, demo loader, scheduled jobs and consumers of
committed events. The core never imports a
feature by name, so `fair` never depends on `discussions`.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from starlette.routing import BaseRoute

from fair.core.paths import register_convertors

if TYPE_CHECKING:
    from fair.core.accounts.viewers import Viewer
    from fair.core.db import Database, Tx
    from fair.core.events import Event
    from fair.core.live import Command
    from fair.core.services import Services
    from fair.core.settings import Settings

# Feature modules build their routes when imported, after importing this module: so `{x:id}`
# is known by then.
register_convertors()

ChannelRule = Callable[["Database", "Viewer", str], Awaitable[bool]]
DemoLoader = Callable[["Database", Path, "Settings"], Awaitable[list[str]]]


@dataclass(frozen=True)
class JobWindow:
    """What a run of a job covers: what became due in (`since`, `now`].

    `since` is when the job last completed successfully (None the first time ever), so a
    job that acts on this window catches up after downtime and never acts twice on the
    same boundary.
    """

    since: datetime | None
    now: datetime


@dataclass(frozen=True)
class Job:
    """Work a feature runs on a schedule, on exactly one worker at a time across hosts.

    Exactly one of `every_seconds` (an interval) and `daily_at` (a time of day, in UTC).
    A run that raises is logged and retried at the next tick with the same `since`.
    """

    name: str
    run: Callable[[Services, JobWindow], Awaitable[None]]
    every_seconds: float | None = None
    daily_at: time | None = None

    def __post_init__(self) -> None:
        if (self.every_seconds is None) == (self.daily_at is None):
            raise ValueError(f"job {self.name!r}: give exactly one of every_seconds and daily_at")
        if self.every_seconds is not None and self.every_seconds <= 0:
            raise ValueError(f"job {self.name!r}: every_seconds must be positive")
        if self.daily_at is not None and self.daily_at.utcoffset() not in (None, timedelta(0)):
            raise ValueError(f"job {self.name!r}: daily_at is a time in UTC")


@dataclass(frozen=True)
class Delivery:
    """One committed event of the log, as a consumer reads it back."""

    channel: str
    seq: int
    type: str
    data: dict[str, Any]
    at: datetime
    actor_id: int | None

    @classmethod
    def of(
        cls, channel: str, seq: int, type_: str, data: str, at: datetime, actor_id: int | None
    ) -> Delivery:
        return cls(channel, seq, type_, json.loads(data), at, actor_id)

    def event(self) -> Event | None:
        """The typed event again, if its class is registered in this process (else None)."""
        from fair.core.events import Event

        kind = Event.registry.get(self.type)
        return None if kind is None else kind.model_validate(self.data)


@dataclass(frozen=True)
class Consumer:
    """A durable reader of committed events on channels starting with one of `channels`.

    `handle` runs inside the transaction that also advances the consumer's position, so
    its database effects happen exactly once per event; effects outside the database
    (e-mail) happen at least once. A new consumer starts at the current heads unless
    `from_start`.
    """

    name: str
    handle: Callable[[Tx, Services, Delivery], Awaitable[None]]
    channels: tuple[str, ...]
    from_start: bool = False

    def __post_init__(self) -> None:
        if not self.channels:
            raise ValueError(f"consumer {self.name!r} reads no channels")

    def reads(self, channel: str) -> bool:
        return channel.startswith(self.channels)


@dataclass(frozen=True)
class Feature:
    name: str
    routes: Sequence[BaseRoute] = ()
    commands: Sequence[Command] = ()
    channel_rules: dict[str, ChannelRule] = field(default_factory=dict)
    templates: Path | None = None
    demo: DemoLoader | None = None
    """Loads this feature's part of the demo content; returns lines to print."""
    jobs: Sequence[Job] = ()
    consumers: Sequence[Consumer] = ()


def load_features(names: Sequence[str]) -> list[Feature]:
    features = []
    for name in names:
        module = importlib.import_module(name)
        feature = getattr(module, "feature", None)
        if not isinstance(feature, Feature):
            raise RuntimeError(f"feature module {name} has no `feature = Feature(...)`")
        features.append(feature)
    return features
