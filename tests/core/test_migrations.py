"""The Alembic migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection

from fair.core.db import Database
from fair.core.settings import load_settings
from fair.core.tables import Base


def _import_all_models() -> None:
    """Every table: the core's (log, keys, leases, consumers) and each feature's `models`."""
    importlib.import_module("fair.core.log")
    importlib.import_module("fair.core.idempotency")
    importlib.import_module("fair.core.leases")
    importlib.import_module("fair.core.consumers")
    for name in load_settings(environ={}).features:
        package = name.rsplit(".", 1)[0]
        if importlib.util.find_spec(f"{package}.models") is not None:
            importlib.import_module(f"{package}.models")


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def test_migrated_schema_matches_the_models(db: Database) -> None:
    """After `fair db upgrade`, autogenerate finds nothing left to migrate."""
    _import_all_models()
    async with db.engine.connect() as connection:
        differences = await connection.run_sync(_differences)
    assert differences == []
