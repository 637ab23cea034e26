"""Shared fixtures: real SQLite and PostgreSQL databases, settings, and the Redis URL."""

from __future__ import annotations

import asyncio
import atexit
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from argon2 import profiles
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from discussions.settings import DiscussionsSettings
from fair.core.accounts import passwords
from fair.core.db import Database, create_engine
from fair.core.i18n import LOCALE_DIR
from fair.core.mail.settings import MailSettings
from fair.core.settings import Settings, load_settings
from fair.hall.settings import HallSettings
from tests.support import databases

BACKENDS = ["sqlite", "postgresql"]


def pytest_sessionstart(session: pytest.Session) -> None:
    """Compile the catalogues whose translation changed since (as `make test` does), so that a
    bare `pytest` serves the languages too."""
    for po in LOCALE_DIR.glob("*/LC_MESSAGES/fair.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as source:
                catalogue = read_po(source)
            with mo.open("wb") as target:
                write_mo(target, catalogue)


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing() -> None:
    """The suite registers thousands of people: hash their passwords with argon2's cheapest
    parameters, not the production ones (about 150 ms each on this machine)."""
    passwords.use_parameters(profiles.CHEAPEST)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return databases.make_sqlite_template(tmp_path_factory.mktemp("sqlite"))


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    url = asyncio.run(databases.create_postgres_database())
    yield url
    asyncio.run(databases.drop_postgres_database(url))


# These fixtures are synchronous on purpose: they run before the test's event loop starts.
@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    return databases.sqlite_copy(sqlite_template, tmp_path)


@pytest.fixture
def clean_postgres_url(postgres_url: str) -> str:
    asyncio.run(databases.truncate_postgres(postgres_url))
    return postgres_url


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest) -> str:
    """Each test that uses this runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("sqlite_url"))
    return str(request.getfixturevalue("clean_postgres_url"))


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(create_engine(database_url))
    yield database
    await database.dispose()


@pytest.fixture
def redis_url() -> str:
    return databases.REDIS_URL


@pytest.fixture
def namespace() -> str:
    """A Redis namespace of this test's own: pub/sub is global, so tests must not share names."""
    return f"test{uuid.uuid4().hex[:10]}"


_UPLOADS = Path(tempfile.mkdtemp(prefix="fair-test-uploads-"))
atexit.register(shutil.rmtree, _UPLOADS, True)


QUIET_JOBS = ("notifications", "notifications.digest", "attendance.sample")


def make_settings(database_url: str, **changes: object) -> Settings:
    """Test settings: quick head checks, no extra origins (the server adds its own), no
    notifications consumer, uploads and handbook exports in folders of their own."""
    defaults: dict[str, object] = {
        "head_check_seconds": 0.5,
        "allowed_origins": (),
        # The notifications consumer writes (notices, their events) after other writes, in the
        # background: tests that prove "nothing changed" must not see that. The notifications'
        # own tests and the browser journeys run it (`jobs_off=()`). Presence samples are taken
        # by the attendance tests themselves, at moments they choose.
        "jobs_off": QUIET_JOBS,
    }
    settings = load_settings(environ={}).replace(
        database_url=database_url, **{**defaults, **changes}
    )
    settings = settings.with_section(
        HallSettings, upload_dir=str(Path(tempfile.mkdtemp(dir=_UPLOADS)))
    )
    # Handbook exports a server's job may write go to a folder of their own too.
    settings = settings.with_section(
        DiscussionsSettings, handbook_dir=str(Path(tempfile.mkdtemp(dir=_UPLOADS)))
    )
    # Mail a server queues is dropped, not written under the project.
    return settings.with_section(MailSettings, url="null://")


@dataclass(frozen=True)
class DemoFair:
    """A copy of the demo fair of this session: its SQLite database and its uploaded files."""

    database_url: str
    upload_dir: str

    def settings(self, **changes: object) -> Settings:
        """Test settings (see `make_settings`) serving this copy, uploads included."""
        return make_settings(self.database_url, **changes).with_section(
            HallSettings, upload_dir=self.upload_dir
        )


@pytest.fixture(scope="session")
def demo_template(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> DemoFair:
    """The demo fair loaded once per run (about 5 s), copied for each test that wants it: the
    demo's dates are relative to its loading, minutes ago at most."""
    from fair.cli import load_demo

    directory = tmp_path_factory.mktemp("demo")
    database = directory / "demo.db"
    shutil.copyfile(sqlite_template, database)
    uploads = directory / "uploads"
    uploads.mkdir()
    template = DemoFair(databases.sqlite_url(database), str(uploads))
    asyncio.run(load_demo(template.settings()))
    return template


@pytest.fixture
def demo_fair(demo_template: DemoFair, tmp_path: Path) -> DemoFair:
    """A fresh copy of the demo fair for this test alone: it may change anything."""
    directory = tmp_path / "demo"
    directory.mkdir()
    database = directory / "demo.db"
    source = databases.sqlite_path(demo_template.database_url)
    shutil.copyfile(source, database)
    if source.with_name(source.name + "-wal").exists():
        shutil.copyfile(source.with_name(source.name + "-wal"), database.with_name("demo.db-wal"))
    uploads = directory / "uploads"
    shutil.copytree(demo_template.upload_dir, uploads)
    return DemoFair(databases.sqlite_url(database), str(uploads))
