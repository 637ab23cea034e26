"""Fault: one instance loses PostgreSQL for a while; nothing committed is lost or doubled."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from fair.core.errors import Unavailable
from fair.core.log import LoggedEvent
from tests.conftest import make_settings
from tests.support.factories import Pinged
from tests.support.live_client import live_client
from tests.support.servers import RunningServer, serve
from tests.support.tcp_proxy import TcpProxy, tcp_proxy

pytestmark = pytest.mark.scale

TOTAL = 60
CUT = range(20, 40)


@contextlib.asynccontextmanager
async def one_behind_a_proxy(
    url: str, redis_url: str, namespace: str
) -> AsyncIterator[tuple[TcpProxy, RunningServer, RunningServer]]:
    """Two instances on one database and Redis; the first reaches PostgreSQL through a proxy."""
    host_port = url.split("@", 1)[1].split("/", 1)[0]
    short = {
        "db_connect_timeout_seconds": 1.0,
        "db_statement_timeout_seconds": 1.0,
        "db_lock_timeout_seconds": 1.0,
        "db_idle_in_transaction_timeout_seconds": 1.0,
        "db_pool_timeout_seconds": 1.0,
    }
    async with tcp_proxy(int(host_port.rsplit(":", 1)[1])) as proxy:
        proxied = url.replace(host_port, f"127.0.0.1:{proxy.port}")
        shared = {"redis_url": redis_url, "namespace": namespace, **short}
        async with (
            serve(make_settings(proxied, **shared)) as cut,
            serve(make_settings(url, **shared)) as steady,
        ):
            yield proxy, cut, steady


async def test_writes_during_one_instances_database_outage_arrive_once_each(
    clean_postgres_url: str, redis_url: str, namespace: str
) -> None:
    """Writes alternate between the instances while the first one's database link is dark for
    a stretch: its writes then fail with `db.unavailable`, every other write is logged once,
    and clients on both instances receive exactly the logged events, in order."""
    async with (
        one_behind_a_proxy(clean_postgres_url, redis_url, namespace) as (proxy, cut, steady),
        live_client(cut.ws_url) as on_cut,
        live_client(steady.ws_url) as on_steady,
    ):
        for client in (on_cut, on_steady):
            await client.follow("fair")
        committed: list[int] = []
        refused: list[int] = []
        for n in range(TOTAL):
            if n == CUT.start:
                proxy.blackhole()
            elif n == CUT.stop:
                proxy.pass_through()
            instance = cut if n % 2 else steady
            try:
                async with instance.services.db.transaction() as tx:
                    tx.record(Pinged(n=n, channel="fair"))
            except Unavailable:
                refused.append(n)
            else:
                committed.append(n)
        assert refused == [n for n in CUT if n % 2]
        async with steady.services.db.reading() as session:
            logged = list(
                await session.scalars(
                    select(LoggedEvent)
                    .where(LoggedEvent.channel == "fair")
                    .order_by(LoggedEvent.seq)
                )
            )
        assert [e.seq for e in logged] == list(range(1, len(committed) + 1))
        for client in (on_cut, on_steady):
            frames = await client.events("fair", len(committed), timeout=60)
            assert [f["data"]["n"] for f in frames] == committed
            assert [f["seq"] for f in frames] == [e.seq for e in logged]
            assert await client.nothing_pending() == []
