"""Servers for the account pages' tests: on SQLite, or on each database in turn."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.conftest import make_settings
from tests.support.servers import RunningServer, serve


@pytest.fixture
async def server(sqlite_url: str) -> AsyncIterator[RunningServer]:
    async with serve(make_settings(sqlite_url)) as running:
        yield running


@pytest.fixture
async def each_server(database_url: str) -> AsyncIterator[RunningServer]:
    """A server on SQLite, then on PostgreSQL."""
    async with serve(make_settings(database_url)) as running:
        yield running
