"""The database: the engine, read sessions, and write transactions that record events.

`Database.transaction()` is the only way to change state. Actions call
`tx.record(event)`; the event goes to each channel of its own `audience()`, is
numbered and stored there in the same transaction as the change, and is handed
to `on_commit` (the hub) only after the commit succeeded. A transaction that
fails records nothing and publishes nothing. `tx.audit(...)` adds the action's row to the
audit log (`fair.core.audit`) in the same transaction, the only way such a row is written.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from fair.core import audit, log
from fair.core.events import Envelope, Event
from fair.core.faults import mapped

if TYPE_CHECKING:
    from fair.core.accounts.viewers import Actor, Viewer
    from fair.core.settings import Settings

CommitListener = Callable[[Sequence[Envelope]], Awaitable[None]]
BeforeCommit = Callable[[AsyncSession], Awaitable[None]]


@dataclass(frozen=True)
class Timeouts:
    """How long any one database operation may take before it counts as an outage."""

    connect: float = 3.0
    statement: float = 5.0
    lock: float = 3.0
    idle_in_transaction: float = 5.0
    pool: float = 3.0

    @classmethod
    def of(cls, settings: Settings) -> Timeouts:
        return cls(
            connect=settings.db_connect_timeout_seconds,
            statement=settings.db_statement_timeout_seconds,
            lock=settings.db_lock_timeout_seconds,
            idle_in_transaction=settings.db_idle_in_transaction_timeout_seconds,
            pool=settings.db_pool_timeout_seconds,
        )

    def asyncpg_connect_args(self) -> dict[str, Any]:
        """asyncpg's own bounds, plus the server-side ones that free rows a dead link holds."""
        return {
            "timeout": self.connect,
            # The server cancels a slow statement first; the client gives up a second later
            # when the link itself is gone and no answer can come.
            "command_timeout": self.statement + 1,
            "server_settings": {
                "statement_timeout": str(int(self.statement * 1000)),
                "lock_timeout": str(int(self.lock * 1000)),
                "idle_in_transaction_session_timeout": str(int(self.idle_in_transaction * 1000)),
            },
        }


def create_engine(url: str, timeouts: Timeouts | None = None, **options: Any) -> AsyncEngine:
    """An async engine with every operation bounded by `timeouts`; SQLite gets WAL, foreign
    keys, a busy timeout and explicit BEGINs."""
    timeouts = timeouts or Timeouts()
    if not url.startswith("sqlite"):
        options.setdefault("pool_size", 10)
        options.setdefault("max_overflow", 20)
        options.setdefault("pool_pre_ping", True)
        options.setdefault("pool_timeout", timeouts.pool)
        if url.startswith("postgresql+asyncpg"):
            options.setdefault("connect_args", timeouts.asyncpg_connect_args())
        return create_async_engine(url, **options)
    engine = create_async_engine(url, **options)
    busy_ms = int(timeouts.lock * 1000)

    @event.listens_for(engine.sync_engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        # Take BEGIN away from the driver so that write transactions can say IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
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

    def record(self, event: Event) -> None:
        """Record `event` on every channel of its audience; it is stored and sent when this
        commits, after the events recorded before it on the same channels."""
        channels = event.audience()
        if not channels:
            raise ValueError(f"{event.type} has no audience: it would reach no one")
        if len(set(channels)) != len(channels):
            raise ValueError(f"{event.type} names a channel twice: {channels}")
        for channel in channels:
            self._pending.append((channel, event))

    def audit(
        self,
        actor: Actor | Viewer,
        action: audit.AuditAction,
        target_id: int | str,
        *,
        before: audit.Snapshot | None = None,
        after: audit.Snapshot | None = None,
    ) -> None:
        """Write the audit row of `action`, done by `actor` to `target_id`, in this
        transaction: it is kept if and only if the action commits."""
        self.session.add(audit.entry(actor, action, target_id, before=before, after=after))

    async def _append(self) -> list[Envelope]:
        return await log.append(self.session, self._pending, self.actor_id)


@dataclass
class _Unit:
    """Transactions opened inside `Database.unit()`, joined into one that commits at its end."""

    db: Database
    stack: contextlib.AsyncExitStack
    tx: Tx | None = None
    before_commit: BeforeCommit | None = None
    closed: bool = False


_unit: ContextVar[_Unit | None] = ContextVar("fair_db_unit", default=None)


class Database:
    """The engine plus the two ways in: `reading()` for queries, `transaction()` for actions."""

    def __init__(self, engine: AsyncEngine, timeouts: Timeouts | None = None) -> None:
        self.engine = engine
        self.timeouts = timeouts or Timeouts()
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
        with mapped():
            async with self._reads() as session:
                yield session

    @contextlib.asynccontextmanager
    async def transaction(self, actor_id: int | None = None) -> AsyncIterator[Tx]:
        unit = _unit.get()
        if unit is not None and unit.db is self and not unit.closed:
            async with self._joined(unit, actor_id) as tx:
                yield tx
            return
        with mapped():
            async with self._writer_turn():
                async with self._writes() as session:
                    tx = Tx(session, actor_id)
                    async with session.begin():
                        yield tx
                        envelopes = await tx._append()
        for listener in self._listeners:
            await listener(envelopes)

    @contextlib.asynccontextmanager
    async def unit(self, before_commit: BeforeCommit | None = None) -> AsyncIterator[None]:
        """Every `transaction()` inside the block joins one transaction, which commits when the
        block ends, after `before_commit(session)` (if anything was written at all). A unit
        opened inside a unit of the same database joins it (a command run as one unit that
        runs an action made of several)."""
        current = _unit.get()
        if current is not None and current.db is self and not current.closed:
            yield
            return
        async with contextlib.AsyncExitStack() as stack:
            unit = _Unit(self, stack, before_commit=before_commit)
            token = _unit.set(unit)
            try:
                yield
            finally:
                # A task started inside the block copied the context: it must not join later.
                unit.closed = True
                _unit.reset(token)
            if unit.tx is None:
                return
            with mapped():
                if unit.before_commit is not None:
                    await unit.before_commit(unit.tx.session)
                envelopes = await unit.tx._append()
                await unit.tx.session.commit()
        if unit.tx is not None:
            for listener in self._listeners:
                await listener(envelopes)

    def set_before_commit(self, before_commit: BeforeCommit) -> None:
        """Inside `unit()`: what to write last, in the same transaction."""
        unit = _unit.get()
        if unit is None or unit.db is not self or unit.closed:
            raise RuntimeError("set_before_commit() outside Database.unit()")
        unit.before_commit = before_commit

    @contextlib.asynccontextmanager
    async def _joined(self, unit: _Unit, actor_id: int | None) -> AsyncIterator[Tx]:
        with mapped():
            if unit.tx is None:
                await unit.stack.enter_async_context(self._writer_turn())
                session = await unit.stack.enter_async_context(self._writes())
                await session.begin()
                unit.tx = Tx(session, actor_id)
            inner = Tx(unit.tx.session, actor_id)
            # A savepoint: an action that catches its own failure keeps the rest of the unit.
            async with unit.tx.session.begin_nested():
                yield inner
            unit.tx._pending.extend(inner._pending)

    @contextlib.asynccontextmanager
    async def _writer_turn(self) -> AsyncIterator[None]:
        if self._sqlite_writer is None:
            yield
            return
        # Bounded like a lock wait on the server: a TimeoutError here is an outage (`mapped`).
        async with asyncio.timeout(self.timeouts.lock):
            await self._sqlite_writer.acquire()
        try:
            yield
        finally:
            self._sqlite_writer.release()

    async def dispose(self) -> None:
        await self.engine.dispose()
