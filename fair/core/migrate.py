"""Applying the Alembic migrations programmatically (`fair db upgrade`, tests, `make run`)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Bring the schema up to `revision`. Runs its own event loop: call it from a thread."""
    if database_url.startswith("sqlite+aiosqlite:///") and ":memory:" not in database_url:
        Path(database_url.removeprefix("sqlite+aiosqlite:///")).parent.mkdir(
            parents=True, exist_ok=True
        )
    command.upgrade(alembic_config(database_url), revision)
