"""The database away, seen from a browser: fast 503s and `db.unavailable`, pings still answered,
readiness that tells a load balancer, recovery without a restart, and retries that write once."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
from sqlalchemy import event, func, select

from fair.core.attendance.models import Attendance
from fair.core.db import Database, create_engine
from fair.core.log import LoggedEvent
from fair.qa.models import Question
from tests.conftest import make_settings
from tests.support.live_client import live_client
from tests.support.qa import Cast, cast
from tests.support.servers import RunningServer, serve
from tests.support.tcp_proxy import TcpProxy, tcp_proxy

BOUND = 20.0
SHORT = {
    "db_connect_timeout_seconds": 1.0,
    "db_statement_timeout_seconds": 1.0,
    "db_lock_timeout_seconds": 1.0,
    "db_pool_timeout_seconds": 1.0,
    "ready_timeout_seconds": 1.0,
}


@contextlib.asynccontextmanager
async def served_through_proxy(
    url: str, **changes: Any
) -> AsyncIterator[tuple[TcpProxy, RunningServer]]:
    """A server whose every PostgreSQL connection passes a proxy the test controls."""
    host_port = url.split("@", 1)[1].split("/", 1)[0]
    async with tcp_proxy(int(host_port.rsplit(":", 1)[1])) as proxy:
        proxied = url.replace(host_port, f"127.0.0.1:{proxy.port}")
        settings = make_settings(proxied, **{**SHORT, **changes})
        async with serve(settings) as server:
            yield proxy, server


async def counted_in(db: Database, user_id: int) -> None:
    """Wait until the person's connection has been counted at the fair (`attendance`)."""
    async with asyncio.timeout(BOUND):
        while True:
            async with db.reading() as session:
                found = await session.scalar(
                    select(func.count())
                    .select_from(Attendance)
                    .where(Attendance.user_id == user_id)
                )
            if found:
                return
            await asyncio.sleep(0.05)


def asking(c: Cast, text: str) -> dict[str, Any]:
    return {"panel_id": c.panel_id, "text": text}


async def counts(db: Database) -> tuple[int, int]:
    """How many questions and how many logged events the database holds."""
    async with db.reading() as session:
        questions = await session.scalar(select(func.count(Question.id)))
        events = await session.scalar(select(func.count(LoggedEvent.id)))
    return int(questions or 0), int(events or 0)


async def test_pings_are_answered_while_a_write_waits_on_a_lost_database(
    clean_postgres_url: str,
) -> None:
    """With PostgreSQL blackholed, `live.ping` is answered while a question is in flight; the
    question then gets `db.unavailable`, and once the link is back the same socket asks again."""
    async with served_through_proxy(clean_postgres_url) as (proxy, server):
        c = await cast(server.services.db)
        [amina] = c.participants
        async with live_client(server.ws_url, origin=server.origin, cookies=amina.cookies) as ws:
            await ws.command("live.ping")
            proxy.blackhole()
            question = asyncio.create_task(
                ws.request("qa.question.ask", asking(c, "Is the corridor fee capped?"))
            )
            assert await ws.command("live.ping") == {}
            reply = await question
            assert (reply["ok"], reply["error"]["code"]) == (False, "db.unavailable")
            assert "Traceback" not in reply["error"]["message"]
            proxy.pass_through()
            async with asyncio.timeout(BOUND):
                asked = await ws.command("qa.question.ask", asking(c, "Is the fee capped now?"))
            assert asked["state"] == "pending"


async def test_following_a_panel_while_the_database_is_away_says_so_not_log_in(
    clean_postgres_url: str,
) -> None:
    """A visitor's follow of a panel, whose access rule reads the database, is refused with
    `db.unavailable` while PostgreSQL is blackholed (not `live.login_required`, which would send
    the page to the login form); once the link is back the same socket follows."""
    async with served_through_proxy(clean_postgres_url) as (proxy, server):
        c = await cast(server.services.db)
        channel = f"qa:{c.panel_id}"
        async with live_client(server.ws_url, origin=server.origin) as ws:
            await ws.command("live.ping")
            proxy.blackhole()
            reply = await ws.request("live.follow", {"channel": channel})
            assert (reply["ok"], reply["error"]["code"]) == (False, "db.unavailable")
            proxy.pass_through()
            async with asyncio.timeout(BOUND):
                followed = await ws.command("live.follow", {"channel": channel})
            assert followed["channel"] == channel


async def test_pages_answer_503_and_readiness_names_the_database_while_it_is_away(
    clean_postgres_url: str,
) -> None:
    """During an outage a page is a 503 with Retry-After (HTML and JSON), /healthz stays 200 and
    /readyz is 503 naming the database; afterwards all are 200 again on the same instance."""
    async with served_through_proxy(clean_postgres_url, db_retry_after_seconds=7) as (
        proxy,
        server,
    ):
        async with httpx.AsyncClient(base_url=server.base_url, timeout=BOUND) as http:
            assert (await http.get("/readyz")).json() == {
                "database": "up",
                "redis": "none",
                "ready": True,
            }
            proxy.blackhole()
            page = await http.get("/panels")
            assert (page.status_code, page.headers["retry-after"]) == (503, "7")
            assert "<code>db.unavailable</code>" in page.text
            as_json = await http.get("/panels", headers={"accept": "application/json"})
            assert as_json.status_code == 503
            assert as_json.json()["error"]["code"] == "db.unavailable"
            assert (await http.get("/healthz")).status_code == 200
            ready = await http.get("/readyz")
            assert ready.status_code == 503
            assert ready.json() == {"database": "down", "redis": "none", "ready": False}
            proxy.pass_through()
            assert (await http.get("/readyz")).status_code == 200
            assert (await http.get("/panels")).status_code == 200


async def test_a_retry_after_a_commit_the_sender_never_heard_of_writes_nothing_twice(
    clean_postgres_url: str,
) -> None:
    """The link goes dark as the question commits: the asker hears `db.unavailable`, the
    commit lands when the link returns, and the retry with the same key gets the first reply
    while the database holds one question and one set of its events."""
    direct = Database(create_engine(clean_postgres_url))
    try:
        async with served_through_proxy(
            clean_postgres_url, db_idle_in_transaction_timeout_seconds=60.0
        ) as (proxy, server):
            c = await cast(server.services.db)
            [amina] = c.participants
            before = await counts(direct)
            armed = True

            def cut_at_commit(_connection: Any) -> None:
                nonlocal armed
                if armed:
                    armed = False
                    proxy.blackhole()

            key = str(uuid.uuid4())
            ask = asking(c, "Will the fee cap last past March?")
            async with live_client(
                server.ws_url, origin=server.origin, cookies=amina.cookies
            ) as ws:
                # The socket counts Amina in (one write of its own) first: cut the question's.
                await counted_in(direct, amina.id)
                event.listen(server.services.db.engine.sync_engine, "commit", cut_at_commit)
                first = await ws.request("qa.question.ask", ask, key=key)
                assert (first["ok"], first["error"]["code"]) == (False, "db.unavailable")
                proxy.pass_through()
                async with asyncio.timeout(BOUND):
                    while (await counts(direct))[0] == before[0]:
                        await asyncio.sleep(0.05)
                landed = await counts(direct)
                assert landed[0] == before[0] + 1
                again = await ws.command("qa.question.ask", ask, key=key)
                async with direct.reading() as session:
                    question_id = await session.scalar(select(func.max(Question.id)))
                assert again == {"question_id": question_id, "state": "pending"}
                assert await counts(direct) == landed
                fresh = await ws.command("qa.question.ask", ask, key=str(uuid.uuid4()))
                assert fresh["question_id"] != question_id
    finally:
        await direct.dispose()
