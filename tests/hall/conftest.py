"""A real server on a loopback port, on SQLite with the in-process bus, for HTTP tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from fair.core.db import Database, create_engine
from tests.conftest import make_settings
from tests.support.servers import RunningServer, serve


@pytest.fixture
async def server(sqlite_url: str) -> AsyncIterator[RunningServer]:
    async with serve(make_settings(sqlite_url)) as running:
        yield running


@pytest.fixture
async def sqlite_db(sqlite_url: str) -> AsyncIterator[Database]:
    """A database on SQLite only, for tests whose subject is not the database."""
    database = Database(create_engine(sqlite_url))
    yield database
    await database.dispose()
