"""The database away: bounded waits, `db.unavailable`, a cut link that frees its rows, recovery."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import exc as sa_exc
from sqlalchemy import func, select, text

from fair.core import log
from fair.core.db import Database, Timeouts, create_engine
from fair.core.errors import Unavailable
from fair.core.faults import unavailable
from fair.core.log import LoggedEvent
from tests.support.factories import Pinged
from tests.support.tcp_proxy import TcpProxy, tcp_proxy

SHORT = Timeouts(connect=1.0, statement=1.0, lock=1.0, idle_in_transaction=1.0, pool=1.0)
# Generous enough for a loaded machine, far below "as long as the outage lasts".
BOUND = 20.0


@contextlib.asynccontextmanager
async def through_proxy(
    url: str, timeouts: Timeouts = SHORT
) -> AsyncIterator[tuple[TcpProxy, Database]]:
    """A Database whose every connection to PostgreSQL goes through a proxy the test controls."""
    host_port = url.split("@", 1)[1].split("/", 1)[0]
    port = int(host_port.rsplit(":", 1)[1])
    async with tcp_proxy(port) as proxy:
        proxied = url.replace(host_port, f"127.0.0.1:{proxy.port}")
        db = Database(create_engine(proxied, timeouts), timeouts)
        try:
            yield proxy, db
        finally:
            await db.dispose()


async def ping(db: Database, n: int) -> None:
    async with db.transaction() as tx:
        tx.record(Pinged(n=n, channel="fair"))


async def pings(db: Database) -> list[int]:
    async with db.reading() as session:
        rows = await session.scalars(
            select(LoggedEvent).where(LoggedEvent.channel == "fair").order_by(LoggedEvent.seq)
        )
        return [row.seq for row in rows]


@pytest.mark.parametrize(
    "error",
    [
        sa_exc.IntegrityError("INSERT", {}, Exception("UNIQUE constraint failed")),
        sa_exc.OperationalError("SELECT", {}, Exception("no such table: booths")),
        sa_exc.ProgrammingError("SELECT", {}, Exception("syntax error")),
        ValueError("a bug"),
        KeyError("a bug"),
    ],
)
def test_programming_errors_are_not_outages(error: Exception) -> None:
    """A wrong query or a broken constraint stays an error of ours, never a 503."""
    assert unavailable(error) is None


@pytest.mark.parametrize(
    "error",
    [
        TimeoutError(),
        ConnectionRefusedError(),
        sa_exc.TimeoutError("QueuePool limit reached"),
        sa_exc.OperationalError("UPDATE", {}, Exception("database is locked")),
    ],
)
def test_link_pool_and_lock_failures_are_outages(error: Exception) -> None:
    """Timeouts, refused links, an exhausted pool and a busy SQLite mean `db.unavailable`."""
    refusal = unavailable(error)
    assert refusal is not None
    assert (refusal.code, refusal.status) == ("db.unavailable", 503)


async def test_sqlite_writers_wait_a_bounded_time_for_their_turn(sqlite_url: str) -> None:
    """While one write transaction is open, another gives up with `db.unavailable`."""
    db = Database(create_engine(sqlite_url, SHORT), SHORT)
    try:
        release = asyncio.Event()
        opened = asyncio.Event()

        async def hold() -> None:
            async with db.transaction() as tx:
                tx.record(Pinged(n=1, channel="fair"))
                opened.set()
                await release.wait()

        holder = asyncio.create_task(hold())
        await opened.wait()
        async with asyncio.timeout(BOUND):
            with pytest.raises(Unavailable):
                await ping(db, 2)
        release.set()
        await holder
        assert await pings(db) == [1]
    finally:
        await db.dispose()


async def test_a_link_cut_after_updating_the_head_frees_the_channel(
    clean_postgres_url: str,
) -> None:
    """A transaction whose link is cut after `UPDATE channel_heads` loses the row within
    seconds: another connection then writes to the same channel, and the cut one reports
    `db.unavailable` and recorded nothing."""
    direct = Database(create_engine(clean_postgres_url))
    async with through_proxy(clean_postgres_url) as (proxy, cut):
        await ping(cut, 0)
        locked = asyncio.Event()

        async def cut_mid_transaction() -> None:
            async with cut.transaction() as tx:
                await log.append(tx.session, [("fair", Pinged(n=1, channel="fair"))], None)
                proxy.blackhole()
                locked.set()

        stuck = asyncio.create_task(cut_mid_transaction())
        await locked.wait()
        try:
            async with asyncio.timeout(BOUND):
                await ping(direct, 2)
            async with asyncio.timeout(BOUND):
                with pytest.raises(Unavailable):
                    await stuck
            assert await pings(direct) == [1, 2]
        finally:
            stuck.cancel()
            with contextlib.suppress(BaseException):
                await stuck
            await direct.dispose()


@pytest.mark.parametrize("fault", ["blackhole", "refuse"])
async def test_the_same_database_serves_again_once_the_link_is_back(
    clean_postgres_url: str, fault: str
) -> None:
    """During an outage reads and writes fail fast with `db.unavailable`; afterwards the same
    Database reads and writes again, without a restart."""
    async with through_proxy(clean_postgres_url) as (proxy, db):
        await ping(db, 1)
        getattr(proxy, fault)()
        async with asyncio.timeout(BOUND):
            with pytest.raises(Unavailable):
                await ping(db, 2)
            with pytest.raises(Unavailable):
                async with db.reading() as session:
                    await session.execute(text("SELECT 1"))
        proxy.pass_through()
        async with asyncio.timeout(BOUND):
            await ping(db, 3)
            assert await pings(db) == [1, 2]
        async with db.reading() as session:
            assert await session.scalar(select(func.count(LoggedEvent.id))) == 2
