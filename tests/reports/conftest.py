"""A real server on a loopback port, on SQLite with the in-process bus, for live and HTTP tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.conftest import make_settings
from tests.support.servers import RunningServer, serve


@pytest.fixture
async def server(sqlite_url: str) -> AsyncIterator[RunningServer]:
    async with serve(make_settings(sqlite_url, send_queue_frames=256)) as running:
        yield running
