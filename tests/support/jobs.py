"""Running jobs and consumers in tests: Services of their own, quick ticks, waiting for a state."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence

from sqlalchemy import select

from fair.core.contract import Feature, Services
from fair.core.db import Database
from fair.core.leases import JobRun
from fair.core.services import open_services
from tests.conftest import make_settings

QUICK = {
    "job_poll_seconds": 0.05,
    "job_lease_seconds": 0.5,
    "consumer_poll_seconds": 0.05,
}


@contextlib.asynccontextmanager
async def services_on(
    database_url: str, features: Sequence[Feature] = (), **changes: object
) -> AsyncIterator[Services]:
    """The services of an app with only `features` (none: no jobs of its own), ticking quickly.
    Without the built-in features there is no notifications consumer to keep off."""
    settings = make_settings(database_url, **{**QUICK, "jobs_off": (), **changes})
    async with open_services(settings, features) as services:
        yield services


async def until(condition: Callable[[], bool | Awaitable[bool]], within: float = 20.0) -> None:
    """Wait until `condition` holds (fail after `within` seconds: a bound, not an assertion)."""
    async with asyncio.timeout(within):
        while True:
            result = condition()
            if not isinstance(result, bool):
                result = await result
            if result:
                return
            await asyncio.sleep(0.01)


async def lease_of(db: Database, name: str) -> JobRun | None:
    async with db.reading() as session:
        return await session.scalar(select(JobRun).where(JobRun.name == name))
