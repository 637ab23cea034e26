"""The database: the engine, read sessions, and write transactions that record events.

`Database.transaction()` is the only way to change state. Actions call
`tx.record(channel, event)`; the events are numbered and stored in the same
transaction as the change, and handed to `on_commit` (the hub) only after the
commit succeeded. A transaction that fails records nothing and publishes nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from fair.core import log
from fair.core.events import Envelope, Event

CommitListener = Callable[[Sequence[Envelope]], Awaitable[None]]


def create_engine(url: str, **options: Any) -> AsyncEngine:
    """An async engine; SQLite gets WAL, foreign keys, a busy timeout and explicit BEGINs."""
    if not url.startswith("sqlite"):
        options.setdefault("pool_size", 10)
        options.setdefault("max_overflow", 20)
        options.setdefault("pool_pre_ping", True)
        return create_async_engine(url, **options)
    engine = create_async_engine(url, **options)

    @event.listens_for(engine.sync_engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        # Take BEGIN away from the driver so that write transactions can say IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        if ":memory:" not in url:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _begin(connection: Any) -> None:
        # A write transaction takes the write lock at once: a deferred one that read
        # first could not upgrade if another writer committed in between.
        mode = "IMMEDIATE" if connection.get_execution_options().get("fair_write") else "DEFERRED"
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


class Tx:
    """An open write transaction: the session to change state with, and the events to record."""

    def __init__(self, session: AsyncSession, actor_id: int | None) -> None:
        self.session = session
        self.actor_id = actor_id
        self._pending: list[tuple[str, Event]] = []

    def record(self, channel: str, event: Event) -> None:
        """Record `event` for the audience `channel`; it is stored and sent when this commits."""
        self._pending.append((channel, event))

    async def _append(self) -> list[Envelope]:
        return await log.append(self.session, self._pending, self.actor_id)


class Database:
    """The engine plus the two ways in: `reading()` for queries, `transaction()` for actions."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.is_sqlite = engine.dialect.name == "sqlite"
        self._reads = async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
        self._writes = async_sessionmaker(
            engine.execution_options(fair_write=True), expire_on_commit=False, autoflush=True
        )
        # SQLite has one writer at a time; queueing here keeps waiting off the driver's threads.
        self._sqlite_writer = asyncio.Lock() if self.is_sqlite else None
        self._listeners: list[CommitListener] = []

    def on_commit(self, listener: CommitListener) -> None:
        self._listeners.append(listener)

    @contextlib.asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncSession]:
        async with self._reads() as session:
            yield session

    @contextlib.asynccontextmanager
    async def transaction(self, actor_id: int | None = None) -> AsyncIterator[Tx]:
        async with self._writer_turn():
            async with self._writes() as session:
                tx = Tx(session, actor_id)
                async with session.begin():
                    yield tx
                    envelopes = await tx._append()
        for listener in self._listeners:
            await listener(envelopes)

    @contextlib.asynccontextmanager
    async def _writer_turn(self) -> AsyncIterator[None]:
        if self._sqlite_writer is None:
            yield
            return
        async with self._sqlite_writer:
            yield

    async def dispose(self) -> None:
        await self.engine.dispose()
