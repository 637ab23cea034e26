"""The Alembic migrations of the core and of every feature build exactly the models' schema."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from fair.core.db import Database, create_engine
from fair.core.features import load_features
from fair.core.migrate import CORE_VERSIONS, alembic_config, schema, upgrade
from tests.conftest import BACKENDS
from tests.support import databases

FEATURES = databases.configured_features()


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, schema(FEATURES)))


def _script(features: tuple[str, ...] = FEATURES) -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config("sqlite+aiosqlite://", features))


def _applied(versions: set[str]) -> set[str]:
    """Every revision the version table's rows stand for: theirs and all they build on."""
    return {rev.revision for rev in _script().iterate_revisions(tuple(versions), "base")}


def _everything() -> set[str]:
    return {rev.revision for rev in _script().walk_revisions()}


async def _versions(url: str) -> set[str]:
    db = Database(create_engine(url))
    try:
        async with db.engine.connect() as connection:
            rows = await connection.execute(text("SELECT version_num FROM alembic_version"))
            return set(rows.scalars())
    finally:
        await db.dispose()


async def _tables(url: str) -> set[str]:
    db = Database(create_engine(url))
    try:
        async with db.engine.connect() as connection:
            names = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
            return set(names)
    finally:
        await db.dispose()


@pytest.fixture(params=BACKENDS)
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no tables at all, on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        yield databases.sqlite_url(tmp_path / "empty.db")
        return
    url = asyncio.run(databases.create_postgres_database(migrated=False))
    yield url
    asyncio.run(databases.drop_postgres_database(url))


async def test_migrated_schema_matches_the_models(db: Database) -> None:
    """After `fair db upgrade`, autogenerate finds nothing left to migrate in any feature."""
    async with db.engine.connect() as connection:
        differences = await connection.run_sync(_differences)
    assert differences == []


def test_the_schema_covers_every_configured_feature() -> None:
    """The compared schema holds the core's tables and those of every feature with models."""
    tables = set(schema(FEATURES).tables)
    assert {"events", "command_keys", "users", "booths", "panels"} <= tables


def test_each_feature_branch_is_rooted_on_the_core_chain() -> None:
    """A feature's revisions form one branch named after it, starting from a core revision."""
    script = _script()
    core = {rev.revision for rev in ScriptDirectory(str(CORE_VERSIONS.parent)).walk_revisions()}
    with_migrations = [f for f in load_features(FEATURES) if f.migrations is not None]
    assert {f.name for f in with_migrations} >= {"hall", "qa"}
    for feature in with_migrations:
        assert feature.migrations is not None
        ids = {path.name.split("_", 1)[0] for path in feature.migrations.glob("*.py")}
        revisions = [script.get_revision(rev) for rev in ids]
        firsts = [rev for rev in revisions if rev.down_revision not in ids]
        assert len(firsts) == 1, feature.name
        assert firsts[0].branch_labels == {feature.name}
        assert firsts[0].down_revision in core


async def test_upgrade_reaches_one_head_per_branch_and_downgrades_to_nothing(
    empty_url: str,
) -> None:
    """Upgrading goes to every branch's head; downgrading to base removes every table."""
    await asyncio.to_thread(upgrade, empty_url, FEATURES)
    assert _applied(await _versions(empty_url)) == _everything()
    config = alembic_config(empty_url, FEATURES)
    await asyncio.to_thread(command.downgrade, config, "base")
    assert await _tables(empty_url) == {"alembic_version"}
    await asyncio.to_thread(upgrade, empty_url, FEATURES)
    assert {"booths", "panels", "command_keys"} <= await _tables(empty_url)


async def test_a_feature_configured_later_gets_its_tables(empty_url: str) -> None:
    """A database made for the core alone gains a feature's tables once it is configured."""
    core_only = tuple(name for name in FEATURES if not name.startswith(("fair.hall", "fair.qa")))
    await asyncio.to_thread(upgrade, empty_url, core_only)
    assert "booths" not in await _tables(empty_url)
    await asyncio.to_thread(upgrade, empty_url, FEATURES)
    assert {"booths", "panels"} <= await _tables(empty_url)
    assert _applied(await _versions(empty_url)) == _everything()


# The four revisions as they were before features had migrations of their own: one chain.
LINEAR = {
    "0001": (CORE_VERSIONS / "0001_foundation.py", None),
    "0002": (Path("fair/hall/migrations/0002_the_exhibition_hall.py"), "0001"),
    "0003": (Path("fair/qa/migrations/0003_live_qa_panels.py"), "0002"),
    "0004": (CORE_VERSIONS / "0004_command_keys.py", "0003"),
}


def _linear_chain(directory: Path) -> Path:
    """Copies of the four revisions, relinked as the single chain 0001 -> 0002 -> 0003 -> 0004."""
    directory.mkdir()
    root = Path(__file__).resolve().parents[2]
    for revision, (path, down) in LINEAR.items():
        source = (root / path).read_text(encoding="utf-8")
        source = re.sub(r"^down_revision = .*$", f"down_revision = {down!r}", source, flags=re.M)
        source = re.sub(r"^branch_labels = .*$", "branch_labels = None", source, flags=re.M)
        source = re.sub(r"^depends_on = .*$", "depends_on = None", source, flags=re.M)
        (directory / f"{revision}_old.py").write_text(source, encoding="utf-8")
    return directory


async def _migrate_the_old_way(url: str, directory: Path) -> None:
    config = alembic_config(url, ())
    config.set_main_option("version_locations", str(_linear_chain(directory)))
    await asyncio.to_thread(command.upgrade, config, "head")


async def _fill(url: str) -> None:
    """A person, a booth and a panel, as a fair that ran on the old chain would hold."""
    moment = datetime(2026, 11, 30, 12, 0)
    db = Database(create_engine(url))
    try:
        async with db.engine.begin() as connection:
            await connection.execute(
                text(
                    "INSERT INTO users (email, display_name, password_hash, country, "
                    "organisation, role, banned, created_at) VALUES ('ama@example.org', 'Ama', "
                    "'x', 'GH', '', 'participant', false, :at)"
                ),
                {"at": moment},
            )
            await connection.execute(
                text(
                    "INSERT INTO booths (slug, title, tagline, description, state, "
                    "contact_email, contact_phone, website, links, search_text, demo, "
                    "created_at, updated_at) VALUES ('homesave', 'HomeSave', '', '', "
                    "'published', '', '', '', '[]', '', false, :at, :at)"
                ),
                {"at": moment},
            )
            await connection.execute(
                text(
                    "INSERT INTO panels (slug, title, description, starts_at, ends_at, state, "
                    "moderation, stream_url, demo, created_at) VALUES ('remittances', "
                    "'Remittances', '', :at, :at, 'scheduled', 'pre', '', false, :at)"
                ),
                {"at": moment},
            )
    finally:
        await db.dispose()


async def _count(url: str, table: str) -> int:
    db = Database(create_engine(url))
    try:
        async with db.engine.connect() as connection:
            return int((await connection.execute(text(f"SELECT count(*) FROM {table}"))).scalar())
    finally:
        await db.dispose()


async def test_a_database_of_the_old_single_chain_upgrades_in_place(
    empty_url: str, tmp_path: Path
) -> None:
    """A database the old chain took to 0004 is restated, not migrated again, and keeps its rows."""
    await _migrate_the_old_way(empty_url, tmp_path / "old")
    assert await _versions(empty_url) == {"0004"}
    await _fill(empty_url)
    await asyncio.to_thread(upgrade, empty_url, FEATURES)
    assert _applied(await _versions(empty_url)) == _everything()
    assert [await _count(empty_url, t) for t in ("users", "booths", "panels")] == [1, 1, 1]
    db = Database(create_engine(empty_url))
    try:
        async with db.engine.connect() as connection:
            assert await connection.run_sync(_differences) == []
    finally:
        await db.dispose()


async def test_the_old_chain_is_not_stamped_without_the_features_that_own_its_tables(
    tmp_path: Path,
) -> None:
    """Upgrading a database of the old chain without the qa configured refuses, naming why."""
    url = databases.sqlite_url(tmp_path / "old.db")
    await _migrate_the_old_way(url, tmp_path / "old")
    without_qa = tuple(name for name in FEATURES if not name.startswith("fair.qa"))
    with pytest.raises(RuntimeError, match="0003"):
        await asyncio.to_thread(upgrade, url, without_qa)
    assert await _versions(url) == {"0004"}


async def _rows(url: str, query: str) -> list[tuple[Any, ...]]:
    db = Database(create_engine(url))
    try:
        async with db.engine.connect() as connection:
            return [tuple(row) for row in await connection.execute(text(query))]
    finally:
        await db.dispose()


async def test_a_zone_saved_in_notification_settings_moves_onto_the_account(
    empty_url: str,
) -> None:
    """0011 copies each person's zone from their notification settings to `users.time_zone`
    (no settings, or none saved: none) and drops the old column; going back restores it."""
    await asyncio.to_thread(upgrade, empty_url, FEATURES, "0010")
    moment = datetime(2026, 11, 30, 12, 0)
    db = Database(create_engine(empty_url))
    try:
        async with db.engine.begin() as connection:
            for email in ("ama@example.org", "kofi@example.org", "lina@example.org"):
                await connection.execute(
                    text(
                        "INSERT INTO users (email, display_name, password_hash, country, "
                        "organisation, role, banned, created_at) VALUES (:email, 'P', 'x', "
                        "'GH', '', 'participant', false, :at)"
                    ),
                    {"email": email, "at": moment},
                )
            await connection.execute(
                text(
                    "INSERT INTO notification_settings (user_id, digest, digest_hour, "
                    "time_zone, off_in_app, email_now, updated_at) SELECT id, 'daily', 7, "
                    "CASE WHEN email = 'ama@example.org' THEN 'Asia/Manila' END, '[]', '[]', "
                    ":at FROM users WHERE email <> 'lina@example.org'"
                ),
                {"at": moment},
            )
    finally:
        await db.dispose()
    await asyncio.to_thread(upgrade, empty_url, FEATURES)
    assert await _rows(empty_url, "SELECT email, time_zone FROM users ORDER BY email") == [
        ("ama@example.org", "Asia/Manila"),
        ("kofi@example.org", None),
        ("lina@example.org", None),
    ]
    config = alembic_config(empty_url, FEATURES)
    await asyncio.to_thread(command.downgrade, config, "0010")
    assert await _rows(
        empty_url, "SELECT time_zone FROM notification_settings ORDER BY user_id"
    ) == [
        ("Asia/Manila",),
        (None,),
    ]
