"""Readiness follows Redis: a load balancer is told when a worker's bus is away, and when back."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from tests.conftest import make_settings
from tests.support.servers import serve
from tests.support.tcp_proxy import tcp_proxy

pytestmark = pytest.mark.redis

BOUND = 30.0


async def _readiness_until(http: httpx.AsyncClient, status: int) -> dict[str, object]:
    async with asyncio.timeout(BOUND):
        while True:
            response = await http.get("/readyz")
            if response.status_code == status:
                return response.json()  # type: ignore[no-any-return]
            await asyncio.sleep(0.2)


async def test_readiness_names_redis_while_it_is_refused_and_recovers(
    sqlite_url: str, namespace: str
) -> None:
    """/readyz is 200, then 503 naming Redis once its link is refused, then 200 again; /healthz
    stays 200 throughout."""
    async with tcp_proxy(6379) as proxy:
        settings = make_settings(
            sqlite_url, redis_url=proxy.url("redis://127.0.0.1:{port}/0"), namespace=namespace
        )
        async with serve(settings) as app, httpx.AsyncClient(base_url=app.base_url) as http:
            assert await _readiness_until(http, 200) == {
                "database": "up",
                "redis": "up",
                "ready": True,
            }
            proxy.refuse()
            assert await _readiness_until(http, 503) == {
                "database": "up",
                "redis": "down",
                "ready": False,
            }
            assert (await http.get("/healthz")).status_code == 200
            proxy.pass_through()
            assert (await _readiness_until(http, 200))["ready"] is True
