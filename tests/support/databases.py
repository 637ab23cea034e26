"""Real databases for tests: a migrated SQLite template per test, a PostgreSQL database per run."""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from pathlib import Path

import asyncpg

from fair.core.migrate import upgrade
from fair.core.settings import load_settings

POSTGRES_ADMIN_DSN = os.environ.get(
    "FAIR_TEST_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("FAIR_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def configured_features() -> tuple[str, ...]:
    """The feature modules of the default settings: the ones every test database is made for."""
    return load_settings(environ={}).features


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def sqlite_path(url: str) -> Path:
    """The file of a `sqlite_url`."""
    return Path(url.removeprefix("sqlite+aiosqlite:///"))


def make_sqlite_template(directory: Path) -> Path:
    template = directory / "template.db"
    upgrade(sqlite_url(template), configured_features())
    return template


def sqlite_copy(template: Path, directory: Path) -> str:
    target = directory / f"fair-{uuid.uuid4().hex[:8]}.db"
    shutil.copyfile(template, target)
    return sqlite_url(target)


async def create_postgres_database(*, migrated: bool = True) -> str:
    """A fresh database on the local server, migrated unless told not; returns its URL."""
    name = f"fair_test_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(POSTGRES_ADMIN_DSN)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        # A test database need not survive a power cut: commits return without waiting for
        # the disk, which is most of a small transaction's time here. Behaviour is the same.
        await admin.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
    finally:
        await admin.close()
    base = POSTGRES_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    url = f"{base}/{name}"
    if migrated:
        await asyncio.to_thread(upgrade, url, configured_features())
    return url


async def drop_postgres_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    admin = await asyncpg.connect(POSTGRES_ADMIN_DSN)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


async def truncate_postgres(url: str) -> None:
    """Empty every table except Alembic's and restart every sequence, so each test starts from
    a clean migrated schema. DELETE with foreign keys unchecked (every table empties, so none
    could be broken), not TRUNCATE: on these small tables it is about ten times faster, which
    over a thousand PostgreSQL tests is minutes."""
    connection = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        tables = await connection.fetch(
            "SELECT tablename FROM pg_tables "
            "WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
        )
        sequences = await connection.fetch(
            "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'"
        )
        statements = [
            "SET LOCAL session_replication_role = replica",
            *(f'DELETE FROM "{row[0]}"' for row in tables),
            *(f'ALTER SEQUENCE "{row[0]}" RESTART' for row in sequences),
        ]
        async with connection.transaction():
            await connection.execute(";\n".join(statements))
    finally:
        await connection.close()
