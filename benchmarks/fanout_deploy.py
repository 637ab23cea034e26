"""The servers of each mode: helper processes started, watched and stopped by the driver.

- embedded: one fair server on a fresh SQLite file with the in-process bus.
- redis: two fair servers sharing a fresh PostgreSQL database and Redis (a
  namespace of their own).
- ceiling: the bare `websockets` server.
- starlette: the naive Starlette server.

The fair modes' panel, questions and voters are set up before the servers start
(fanout_scene); the peers get a scene of the same shape.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

import asyncpg  # type: ignore[import-untyped]
import redis.asyncio as redis
from fanout_process import SERVER_CORE, cpu_seconds, parse_announcement, rss_bytes
from fanout_scene import peer_scene, stage

from fair.core.migrate import upgrade
from fair.core.settings import PROJECT_ROOT, load_settings

HERE = Path(__file__).resolve().parent
READY_SECONDS = 60.0
STOP_SECONDS = 20.0
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
# The servers run without the shell's FAIR_* settings: their features are the defaults.
FEATURES = load_settings(environ={}).features


@dataclass(frozen=True)
class Plan:
    """What to run: the vote schedule and where the shared services of the Redis mode live."""

    rate: float
    count: int
    voters: int
    postgres_dsn: str
    redis_url: str
    results: Path
    questions: int = 0
    """Questions to vote on; 0: one for each voter (the fan-out)."""


@dataclass(frozen=True)
class Target:
    """A server to connect clients to: its websocket URL and the Origin a browser would send."""

    url: str
    origin: str


def require_loopback(url: str) -> None:
    """The benchmark only ever talks to this machine."""
    host = urlsplit(url).hostname
    if host not in LOOPBACK:
        raise SystemExit(f"fanout: {url} is not on 127.0.0.1; the benchmark only talks to loopback")


class Child:
    """A helper process, controlled by lines on its stdin and announcing itself on stdout."""

    def __init__(self, name: str, process: asyncio.subprocess.Process, log: IO[bytes]) -> None:
        self.name = name
        self.process = process
        self.log = log
        self._messages: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._reader = asyncio.create_task(self._read())

    @classmethod
    async def start(
        cls, name: str, script: str, args: list[str], env: dict[str, str], logs: Path
    ) -> Child:
        log = (logs / f"{name}.log").open("wb")
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            str(HERE / script),
            *args,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=log,
            env=env,
            cwd=PROJECT_ROOT,
        )
        return cls(name, process, log)

    @property
    def pid(self) -> int:
        return self.process.pid

    async def _read(self) -> None:
        assert self.process.stdout is not None
        async for raw in self.process.stdout:
            message = parse_announcement(raw.decode(errors="replace"))
            if message is not None:
                await self._messages.put(message)
        await self._messages.put({"event": "exited"})

    async def expect(self, event: str, within: float) -> dict[str, Any]:
        """The next announcement, which must be `event` and come within `within` seconds."""
        try:
            message = await asyncio.wait_for(self._messages.get(), within)
        except TimeoutError:
            raise RuntimeError(
                f"{self.name}: no '{event}' within {within:.0f} s (see {self.log.name})"
            ) from None
        if message.get("event") != event:
            raise RuntimeError(
                f"{self.name}: expected '{event}', got {message} (see {self.log.name})"
            )
        return message

    async def command(self, word: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(f"{word}\n".encode())
        await self.process.stdin.drain()

    async def stop(self) -> None:
        """Close its stdin (the signal to stop); kill it if it does not go in time."""
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            await asyncio.wait_for(self.process.wait(), STOP_SECONDS)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
        self._reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._reader
        self.log.close()


@dataclass
class Deployment:
    """A running mode: the servers clients connect to, and the scene the voters act in."""

    targets: list[Target]
    servers: list[Child]
    scene: dict[str, Any]
    database_url: str = ""

    def server_cpu(self) -> float:
        return sum(cpu_seconds(server.pid) for server in self.servers)

    def server_rss(self) -> int:
        return sum(rss_bytes(server.pid) for server in self.servers)

    async def tell(self, word: str) -> None:
        for server in self.servers:
            await server.command(word)

    async def gc_pauses(self) -> dict[str, Any]:
        """Each server's garbage collections since `measure`."""
        await self.tell("report")
        return {
            server.name: (await server.expect("gc", READY_SECONDS))["pauses"]
            for server in self.servers
        }

    def voters_scene(self, spread: bool = False) -> dict[str, Any]:
        """The scene for the voters: through the first server, or `spread` over every one."""
        targets = self.targets if spread else self.targets[:1]
        return {**self.scene, "targets": [[t.url, t.origin] for t in targets]}


def child_env(**fair: str) -> dict[str, str]:
    """This environment without any FAIR_* of the shell, plus the given FAIR_* settings."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("FAIR_")}
    env["FAIR_ENV"] = "development"
    env.update({f"FAIR_{key.upper()}": value for key, value in fair.items()})
    return env


async def start_server(
    children: list[Child], name: str, script: str, args: list[str], env: dict[str, str], plan: Plan
) -> tuple[Child, Target]:
    child = await Child.start(name, script, ["--core", str(SERVER_CORE), *args], env, plan.results)
    children.append(child)
    ready = await child.expect("ready", READY_SECONDS)
    return child, Target(ready["url"], ready["origin"])


@contextlib.asynccontextmanager
async def embedded(plan: Plan, children: list[Child]) -> AsyncIterator[Deployment]:
    url = f"sqlite+aiosqlite:///{plan.results / 'embedded.db'}"
    await asyncio.to_thread(upgrade, url, FEATURES)
    scene = await stage(url, plan.voters, plan.questions)
    env = child_env(database_url=url, redis_url="")
    server, target = await start_server(
        children, "embedded-server", "fanout_app_server.py", [], env, plan
    )
    yield Deployment([target], [server], scene, url)


def peer(script: str, name: str) -> Any:
    @contextlib.asynccontextmanager
    async def deployed(plan: Plan, children: list[Child]) -> AsyncIterator[Deployment]:
        server, target = await start_server(children, name, script, [], {**os.environ}, plan)
        yield Deployment([target], [server], peer_scene(plan.voters, plan.questions))

    return deployed


@contextlib.asynccontextmanager
async def scratch_postgres(admin_dsn: str) -> AsyncIterator[str]:
    """A fresh, migrated PostgreSQL database for one run, dropped afterwards."""
    name = f"fanout_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(admin_dsn)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    base = admin_dsn.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    try:
        await asyncio.to_thread(upgrade, f"{base}/{name}", FEATURES)
        yield f"{base}/{name}"
    finally:
        admin = await asyncpg.connect(admin_dsn)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


@contextlib.asynccontextmanager
async def redis_namespace(url: str) -> AsyncIterator[str]:
    """A namespace of Redis keys and channels for one run; its keys are deleted afterwards."""
    namespace = f"fanout-{uuid.uuid4().hex[:10]}"
    try:
        yield namespace
    finally:
        client = redis.Redis.from_url(url)
        try:
            keys = [key async for key in client.scan_iter(match=f"{namespace}:*")]
            if keys:
                await client.delete(*keys)
        finally:
            await client.aclose()


@contextlib.asynccontextmanager
async def two_workers(plan: Plan, children: list[Child]) -> AsyncIterator[Deployment]:
    async with scratch_postgres(plan.postgres_dsn) as url, redis_namespace(plan.redis_url) as ns:
        scene = await stage(url, plan.voters, plan.questions)
        env = child_env(database_url=url, redis_url=plan.redis_url, namespace=ns)
        try:
            first = await start_server(
                children, "redis-server-1", "fanout_app_server.py", [], env, plan
            )
            second = await start_server(
                children, "redis-server-2", "fanout_app_server.py", [], env, plan
            )
            yield Deployment([first[1], second[1]], [first[0], second[0]], scene, url)
        finally:
            # Stop the processes before their database and namespace are dropped.
            await stop_all(children)


MODES = {
    "embedded": embedded,
    "redis": two_workers,
    "ceiling": peer("fanout_ceiling_server.py", "ceiling-server"),
    "starlette": peer("fanout_starlette_server.py", "starlette-server"),
}


async def stop_all(children: list[Child]) -> None:
    while children:
        await children.pop().stop()


@contextlib.asynccontextmanager
async def deploy(mode: str, plan: Plan) -> AsyncIterator[Deployment]:
    """Start `mode`'s processes; stop them all when the block ends, whatever happened."""
    children: list[Child] = []
    try:
        async with MODES[mode](plan, children) as deployment:
            yield deployment
    finally:
        await stop_all(children)
