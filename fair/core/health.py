"""Health for a load balancer: `/healthz` says the process is up, `/readyz` that it can serve.

Readiness is 200 only when a trivial query answers within `ready_timeout_seconds` and,
when Redis is configured, the bus holds a live subscription (`Bus.healthy`: confirmed
and not found silent by its probe); otherwise 503 with a body
naming what is down, e.g. `{"ready": false, "database": "down", "redis": "up"}`.
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy import text
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from fair.core.pages import services_of

logger = logging.getLogger(__name__)


async def live(request: Request) -> Response:
    """Liveness: the process answers; nothing else is checked."""
    return PlainTextResponse("ok")


async def ready(request: Request) -> Response:
    """Readiness: the database answers and the bus (if any) is connected."""
    body: dict[str, object] = {"database": await _database(request), "redis": _redis(request)}
    body["ready"] = body["database"] == "up" and body["redis"] in {"up", "none"}
    return JSONResponse(
        body,
        status_code=200 if body["ready"] else 503,
        headers={"cache-control": "no-store"},
    )


async def _database(request: Request) -> str:
    services = services_of(request)
    try:
        async with asyncio.timeout(services.settings.ready_timeout_seconds):
            async with services.db.reading() as session:
                await session.execute(text("SELECT 1"))
    except Exception:
        logger.warning("readyz: the database does not answer", exc_info=True)
        return "down"
    return "up"


def _redis(request: Request) -> str:
    services = services_of(request)
    if not services.settings.redis_url:
        return "none"
    return "up" if services.hub.bus.healthy else "down"
