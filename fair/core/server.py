"""How the fair is served: the uvicorn options every entry point (CLI, tests, benchmarks) shares."""

from __future__ import annotations

from typing import Any

from fair.core.settings import Settings


def server_options(settings: Settings) -> dict[str, Any]:
    """Websocket settings of the live endpoint: size-capped frames, no compression, pings;
    forwarded headers believed only from the trusted proxies."""
    return {
        "ws": "websockets-sansio",
        "ws_max_size": settings.max_message_bytes,
        "ws_per_message_deflate": False,
        "ws_ping_interval": 20.0,
        "ws_ping_timeout": 20.0,
        "lifespan": "on",
        "server_header": False,
        # uvicorn trusts 127.0.0.1 when no list is given: say "nobody" by turning it off.
        "proxy_headers": bool(settings.trusted_proxies),
        "forwarded_allow_ips": list(settings.trusted_proxies),
        "timeout_graceful_shutdown": 5,
    }
