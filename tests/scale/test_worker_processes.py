"""`fair serve --workers 2`: real worker processes behind one port share the fair through Redis."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator

import httpx
import pytest

from fair.core.connections import CLOSE_LOGGED_OUT
from fair.core.db import Database, create_engine
from fair.core.security import LOGIN_COOKIE, VISITOR_COOKIE
from tests.live.test_presence import next_count
from tests.support.factories import login_cookies, person
from tests.support.live_client import live_client
from tests.support.servers import free_socket

pytestmark = pytest.mark.scale

SOCKETS = 6


@contextlib.asynccontextmanager
async def fair_serve(database_url: str, redis_url: str, namespace: str) -> AsyncIterator[str]:
    sock = free_socket()
    port = sock.getsockname()[1]
    sock.close()
    env = {
        **os.environ,
        "FAIR_DATABASE_URL": database_url,
        "FAIR_REDIS_URL": redis_url,
        "FAIR_NAMESPACE": namespace,
        "FAIR_HEAD_CHECK_SECONDS": "0.5",
    }
    command = [sys.executable, "-m", "fair", "serve", "--workers", "2", "--port", str(port)]
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base) as http, asyncio.timeout(60):
            while True:
                if process.poll() is not None:
                    log.seek(0)
                    raise RuntimeError("fair serve exited:\n" + log.read().decode())
                with contextlib.suppress(httpx.TransportError):
                    if (await http.get("/healthz")).status_code == 200:
                        break
                await asyncio.sleep(0.2)
        yield base
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


async def test_logout_through_any_worker_closes_the_logins_sockets_on_all_workers(
    clean_postgres_url: str, redis_url: str, namespace: str
) -> None:
    """Six sockets, accepted by either of two workers, all close with 4001 on an HTTP logout."""
    db = Database(create_engine(clean_postgres_url))
    try:
        cookies = await login_cookies(db, await person(db))
    finally:
        await db.dispose()
    async with fair_serve(clean_postgres_url, redis_url, namespace) as base:
        ws_url = base.replace("http", "ws") + "/ws"
        async with contextlib.AsyncExitStack() as stack:
            clients = [
                await stack.enter_async_context(live_client(ws_url, origin=base, cookies=cookies))
                for _ in range(SOCKETS)
            ]
            for client in clients:
                await client.command("live.ping")
            async with httpx.AsyncClient(base_url=base, cookies=cookies) as http:
                page = await http.get("/")
                token = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text)
                assert token is not None and VISITOR_COOKIE in http.cookies
                response = await http.post("/logout", data={"csrf": token.group(1)})
                assert response.status_code == 303
            codes = await asyncio.gather(*(client.closed for client in clients))
    assert codes == [CLOSE_LOGGED_OUT] * SOCKETS
    assert LOGIN_COOKIE in cookies


async def test_the_online_count_agrees_on_every_worker(
    clean_postgres_url: str, redis_url: str, namespace: str
) -> None:
    """Three people with two sockets each, on either of two workers, count as three everywhere."""
    db = Database(create_engine(clean_postgres_url))
    try:
        logins = [await login_cookies(db, await person(db)) for _ in range(3)]
    finally:
        await db.dispose()
    async with fair_serve(clean_postgres_url, redis_url, namespace) as base:
        ws_url = base.replace("http", "ws") + "/ws"
        async with contextlib.AsyncExitStack() as stack:
            watchers = []
            for cookies in logins:
                for _ in range(2):
                    client = await stack.enter_async_context(live_client(ws_url, cookies=cookies))
                    watchers.append(client)
            for client in watchers:
                await client.follow("presence:fair")
            async with asyncio.timeout(30):
                for client in watchers:
                    while await next_count(client) != 3:
                        pass
