"""Applying the Alembic migrations of the core and of every configured feature.

The core's revisions are in fair/migrations/versions; a feature that has tables brings its own
directory of revisions (`Feature.migrations`), added to Alembic's version locations. Each
feature's first revision starts a branch labelled with the feature's name, rooted on a core
revision (and `depends_on` another feature's revision when its tables refer to them), so the
schema has one head per branch and upgrades go to `heads`.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
from collections.abc import Sequence
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, inspect
from sqlalchemy.engine import Connection

from fair.core.features import load_features
from fair.core.tables import Base

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"
CORE_VERSIONS = MIGRATIONS / "versions"
CORE_TABLES = (
    "fair.core.log",
    "fair.core.idempotency",
    "fair.core.leases",
    "fair.core.consumers",
    "fair.core.audit",
    "fair.core.reports.models",
    "fair.core.notifications.models",
    "fair.core.notifications.follows",
    "fair.core.notifications.settings",
    "fair.core.mail.models",
    "fair.core.attendance.models",
)
"""Core modules that define tables outside any feature."""

# The revisions a database migrated with the old single chain (0001 -> 0002 -> 0003 -> 0004,
# before the hall and the qa had migrations of their own) holds when it says "0004", and the
# first table of each feature revision, which such a database has and a new one does not.
LINEAR_HEAD = "0004"
LINEAR_FEATURE_REVISIONS = {"0002": "booths", "0003": "panels"}


def version_locations(features: Sequence[str]) -> list[Path]:
    """The core's revisions, then those of each feature module named (as in `Settings.features`)."""
    found = [f.migrations for f in load_features(features) if f.migrations is not None]
    return [CORE_VERSIONS, *found]


def alembic_config(database_url: str, features: Sequence[str]) -> Config:
    """An Alembic configuration over the core's and the named features' revisions."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    locations = os.pathsep.join(str(path) for path in version_locations(features))
    # The configuration is a ConfigParser: a % in a path or a password would be interpolated.
    config.set_main_option("version_locations", locations.replace("%", "%%"))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    config.attributes["features"] = tuple(features)
    return config


def upgrade(database_url: str, features: Sequence[str], revision: str = "heads") -> None:
    """Bring the schema of the core and of the named features up to date.

    Runs its own event loop: call it from a thread.
    """
    if database_url.startswith("sqlite+aiosqlite:///") and ":memory:" not in database_url:
        Path(database_url.removeprefix("sqlite+aiosqlite:///")).parent.mkdir(
            parents=True, exist_ok=True
        )
    command.upgrade(alembic_config(database_url, features), revision)


def schema(features: Sequence[str]) -> MetaData:
    """Every table the models define: the core's and each named feature's, on `Base.metadata`.

    Importing a feature module need not import its models (a feature with no pages yet), so
    the `models` module beside it is imported too when there is one.
    """
    for name in CORE_TABLES:
        importlib.import_module(name)
    load_features(features)
    for name in features:
        package = name.rpartition(".")[0]
        if package and importlib.util.find_spec(f"{package}.models") is not None:
            importlib.import_module(f"{package}.models")
    return Base.metadata


def adopt_linear_chain(
    connection: Connection, context: MigrationContext, script: ScriptDirectory
) -> None:
    """Restate the version of a database migrated with the old single chain in today's graph.

    Before the hall and the qa had migrations of their own, every revision followed the one
    before it, and a database at "0004" had the hall's 0002 and the qa's 0003 applied too. In
    today's graph 0004 follows 0001 directly, so read as it is, that row would mean the hall's
    and the qa's tables are still to be created, and upgrading would try to create them again.
    Such a database is recognised by holding exactly "0004" while having the tables those two
    revisions create (a database made with today's graph and neither feature has neither);
    it is stamped, once, with the revisions it really has. Nothing else is changed.
    """
    if set(context.get_current_heads()) != {LINEAR_HEAD}:
        return
    tables = inspect(connection)
    if not all(tables.has_table(table) for table in LINEAR_FEATURE_REVISIONS.values()):
        return
    known = {revision.revision for revision in script.walk_revisions()}
    missing = [rev for rev in LINEAR_FEATURE_REVISIONS if rev not in known]
    if missing:
        raise RuntimeError(
            "this database was migrated before features had migrations of their own and has "
            f"the tables of revisions {', '.join(missing)}; configure the features that own "
            "them (fair.hall.feature, fair.qa.feature) to upgrade it"
        )
    for revision in LINEAR_FEATURE_REVISIONS:
        context.stamp(script, revision)
