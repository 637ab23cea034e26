"""Scale-out: the panel schedule runs on one instance at a time and moves when it goes away."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import httpx
import pytest

from fair.core.accounts.roles import Role
from fair.core.db import Database, create_engine
from fair.core.tables import utcnow
from fair.qa.channels import panel_channel
from fair.qa.inputs import PanelCreation
from fair.qa.setup import create_panel
from tests.conftest import make_settings
from tests.support.jobs import QUICK, lease_of, until
from tests.support.live_client import live_client
from tests.support.qa import heads_of, member
from tests.support.servers import RunningServer, free_socket, serve

pytestmark = pytest.mark.scale

SCHEDULE = "qa.panel_schedule"
QUICK_SCHEDULE = {**QUICK, "job_intervals": (f"{SCHEDULE}=0.05",)}


async def holder(db: Database) -> str | None:
    lease = await lease_of(db, SCHEDULE)
    return None if lease is None else lease.holder


async def completed(db: Database) -> datetime | None:
    lease = await lease_of(db, SCHEDULE)
    return None if lease is None else lease.last_completed_at


async def runs_after(db: Database, moment: datetime | None) -> bool:
    last = await completed(db)
    return last is not None and (moment is None or last > moment)


async def goes_live_for_a_follower(server: RunningServer) -> dict[str, object]:
    """Schedule a panel starting in a moment; return the frame a follower on `server` gets."""
    db = server.services.db
    organiser = await member(db, Role.ORGANISER)
    now = utcnow()
    made = await create_panel(
        db,
        organiser.viewer,
        PanelCreation(
            title=f"Starting soon {now.timestamp()}",
            starts_at=now + timedelta(milliseconds=200),
            ends_at=now + timedelta(hours=1),
        ),
    )
    channel = panel_channel(made.id)
    since = (await heads_of(db, [channel]))[channel]
    async with live_client(server.ws_url) as client:
        await client.follow(channel, since=since)
        [frame] = await client.events(channel, 1)
    return frame


async def test_the_schedule_stays_on_one_instance_then_moves_when_it_stops(
    clean_postgres_url: str, redis_url: str, namespace: str
) -> None:
    """With two instances the schedule keeps one holder; when that one stops, the other runs it
    (panels still go live for its followers)."""
    settings = make_settings(
        clean_postgres_url, redis_url=redis_url, namespace=namespace, **QUICK_SCHEDULE
    )
    async with serve(settings) as b:
        async with serve(settings) as a:
            await until(lambda: runs_after(a.services.db, None))
            first = await holder(a.services.db)
            moment = await completed(a.services.db)
            for _ in range(5):
                await until(lambda: runs_after(a.services.db, moment))  # noqa: B023
                moment = await completed(a.services.db)
                assert await holder(a.services.db) == first
        # `a` has stopped: if it held the schedule it released it, and `b` took it.
        moment = await completed(b.services.db)
        await until(lambda: runs_after(b.services.db, moment))
        second = await holder(b.services.db)
        frame = await goes_live_for_a_follower(b)
    assert first is not None and second is not None
    assert frame["type"] == "qa.panel.state_changed"


@contextlib.asynccontextmanager
async def fair_process(
    database_url: str, redis_url: str, namespace: str
) -> AsyncIterator[subprocess.Popen[bytes]]:
    """`fair serve` in a process of its own (quick job ticks)."""
    sock = free_socket()
    port = sock.getsockname()[1]
    sock.close()
    env = {
        **os.environ,
        "FAIR_DATABASE_URL": database_url,
        "FAIR_REDIS_URL": redis_url,
        "FAIR_NAMESPACE": namespace,
        "FAIR_JOB_POLL_SECONDS": str(QUICK["job_poll_seconds"]),
        "FAIR_JOB_LEASE_SECONDS": str(QUICK["job_lease_seconds"]),
        "FAIR_JOB_INTERVALS": f"{SCHEDULE}=0.05",
    }
    command = [sys.executable, "-m", "fair", "serve", "--port", str(port)]
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            async with asyncio.timeout(60):
                while True:
                    if process.poll() is not None:
                        log.seek(0)
                        raise RuntimeError("fair serve exited:\n" + log.read().decode())
                    with contextlib.suppress(httpx.TransportError):
                        if (await http.get("/healthz")).status_code == 200:
                            break
                    await asyncio.sleep(0.1)
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
        log.close()


async def test_a_killed_process_gives_the_schedule_up_once_its_lease_runs_out(
    clean_postgres_url: str, redis_url: str, namespace: str
) -> None:
    """A `fair serve` process killed outright keeps the schedule until its lease ends; then an
    instance still running takes it and panels go live there."""
    db = Database(create_engine(clean_postgres_url))
    try:
        async with fair_process(clean_postgres_url, redis_url, namespace) as process:
            await until(lambda: runs_after(db, None), within=30)
            running = await holder(db)
            assert running is not None and f":{process.pid}:" in running
            settings = make_settings(
                clean_postgres_url, redis_url=redis_url, namespace=namespace, **QUICK_SCHEDULE
            )
            async with serve(settings) as survivor:
                process.kill()
                await asyncio.to_thread(process.wait)
                dead = await lease_of(db, SCHEDULE)
                await until(lambda: _held_by_another(db, running))
                taken = await lease_of(db, SCHEDULE)
                frame = await goes_live_for_a_follower(survivor)
    finally:
        await db.dispose()
    assert dead is not None and dead.holder == running and dead.lease_until is not None
    assert taken is not None and taken.lease_until is not None
    # The survivor took over only once the dead holder's last lease had run out.
    assert taken.lease_until - timedelta(seconds=QUICK["job_lease_seconds"]) >= dead.lease_until
    assert frame["type"] == "qa.panel.state_changed"


async def _held_by_another(db: Database, dead: str | None) -> bool:
    current = await holder(db)
    return current is not None and current != dead
