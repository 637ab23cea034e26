"""Two app instances on two ports sharing one PostgreSQL database and one Redis."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from tests.conftest import make_settings
from tests.support.servers import RunningServer, serve


@contextlib.asynccontextmanager
async def two_instances(
    database_url: str, redis_url: str, namespace: str, **changes: object
) -> AsyncIterator[tuple[RunningServer, RunningServer]]:
    settings = make_settings(
        database_url, redis_url=redis_url, namespace=namespace, send_queue_frames=2048, **changes
    )
    async with serve(settings) as first, serve(settings) as second:
        yield first, second
