"""Choosing the bus from the settings: Redis for a redis:// URL, else the in-process bus."""

from __future__ import annotations

from fair.core.bus import Bus, LocalBus
from fair.core.redis_bus import RedisBus


def create_bus(
    redis_url: str, *, namespace: str = "fair", probe_seconds: float = 3.0, probe_misses: int = 3
) -> Bus:
    """The bus named by `redis_url`: empty for the in-process bus, else a Redis URL."""
    if redis_url.startswith(("redis://", "rediss://", "unix://")):
        return RedisBus(
            redis_url, namespace=namespace, probe_seconds=probe_seconds, probe_misses=probe_misses
        )
    if redis_url:
        raise ValueError(
            f"unsupported bus URL {redis_url!r}: use redis://host:port/db or leave empty"
        )
    return LocalBus()
