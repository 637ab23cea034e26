"""A feature outside `fair/` plugs in through the contract alone: tests/outside/noticeboard.

The fair is run as a person would run it, with the package on PYTHONPATH and named in
FAIR_FEATURES: `fair db upgrade` creates its table, `fair serve` runs its command, its
channel rule, its event and its job, and its settings section is read from FAIR_NOTICEBOARD_*.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import inspect

from fair.core.db import Database, create_engine
from fair.core.settings import PROJECT_ROOT
from tests.support.factories import login_cookies, person
from tests.support.live_client import CommandRefused, live_client
from tests.support.servers import free_socket

OUTSIDE = Path(__file__).with_name("outside")
FEATURES = "fair.hall.feature,fair.qa.feature,noticeboard.feature"


@pytest.fixture
def environment(tmp_path: Path) -> Iterator[dict[str, str]]:
    """The environment of a fair with the notice board, on a SQLite file of its own."""
    variables = {key: value for key, value in os.environ.items() if not key.startswith("FAIR_")}
    variables.update(
        PYTHONPATH=os.pathsep.join([str(OUTSIDE), str(PROJECT_ROOT)]),
        FAIR_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'fair.db'}",
        FAIR_REDIS_URL="",
        FAIR_FEATURES=FEATURES,
        FAIR_NOTICEBOARD_MAX_NOTICES="2",
        FAIR_NOTICEBOARD_KEEP_SECONDS="3",
        FAIR_HALL_UPLOAD_DIR=str(tmp_path / "uploads"),
    )
    yield variables


def fair(environment: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fair", *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@contextlib.asynccontextmanager
async def served(environment: dict[str, str]) -> AsyncIterator[str]:
    """`fair serve` in a process of its own; yields its base URL once it is ready."""
    with free_socket() as sock:
        port = sock.getsockname()[1]
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "fair",
        "serve",
        "--port",
        str(port),
        env={**environment, "FAIR_BASE_URL": f"http://127.0.0.1:{port}"},
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient() as client:
            for _ in range(300):
                if process.returncode is not None:
                    break
                with contextlib.suppress(httpx.HTTPError):
                    if (await client.get(f"{base}/readyz")).status_code == 200:
                        break
                await asyncio.sleep(0.1)
            else:
                raise AssertionError("the fair did not get ready")
        if process.returncode is not None:
            raise AssertionError(f"the fair stopped: {await process.stderr.read()!r}")  # type: ignore[union-attr]
        yield base
    finally:
        if process.returncode is None:
            process.terminate()
            await asyncio.wait_for(process.wait(), 30)


async def test_a_feature_outside_fair_brings_its_table_command_event_rule_setting_and_job(
    environment: dict[str, str],
) -> None:
    """The notice board's migration runs, its command records its event on its channel, its
    setting bounds the board, its rule refuses other channels and its job takes notices down."""
    upgraded = fair(environment, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    db = Database(create_engine(environment["FAIR_DATABASE_URL"]))
    try:
        async with db.engine.connect() as connection:
            tables = await connection.run_sync(lambda c: inspect(c).get_table_names())
        assert "noticeboard_notices" in tables
        cookies = await login_cookies(db, await person(db))
    finally:
        await db.dispose()

    async with served(environment) as base:
        ws = base.replace("http", "ws", 1) + "/ws"
        async with live_client(ws, cookies=cookies) as client:
            with pytest.raises(CommandRefused) as refused:
                await client.follow("noticeboard:secret")
            assert refused.value.code == "live.forbidden"
            await client.follow("noticeboard", since=0)
            first = await client.command("noticeboard.pin", {"text": "Coffee at booth 7"})
            [pinned] = await client.events("noticeboard", 1)
            assert pinned["type"] == "noticeboard.notice.pinned"
            assert pinned["data"]["notice"]["id"] == first["notice_id"]
            assert pinned["data"]["notice"]["text"] == "Coffee at booth 7"
            await client.command("noticeboard.pin", {"text": "Remittances round at 3"})
            with pytest.raises(CommandRefused) as full:
                await client.command("noticeboard.pin", {"text": "One too many"})
            assert full.value.code == "noticeboard.full"
            second, swept = await client.events("noticeboard", 2)
            assert second["type"] == "noticeboard.notice.pinned"
            assert swept["type"] == "noticeboard.notices.swept"
            assert first["notice_id"] in swept["data"]["notice_ids"]
