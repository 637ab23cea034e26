"""Old handbook exports cleaned up, on SQLite and PostgreSQL: only the newest `handbook_keep`
done exports of a scope keep their files, older ones are marked expired; folders no export
owns are removed, never the folder of an export still being built."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from discussions.actions import handbook
from discussions.inputs import HandbookRequest
from discussions.jobs import HANDBOOK_FILES, build_handbooks, clean_up_exports, export_dir
from discussions.models import Discussion, HandbookExport
from discussions.rules import ExportState
from discussions.settings import DiscussionsSettings
from fair.core.accounts.roles import Role
from fair.core.contract import JobWindow, Services
from fair.core.features import load_features
from fair.core.services import open_services
from fair.core.settings import SettingsError
from fair.core.tables import utcnow
from tests.conftest import QUIET_JOBS, make_settings
from tests.support.databases import configured_features
from tests.support.discussions import discussion, round_in
from tests.support.jobs import QUICK
from tests.support.qa import Member, member


@pytest.fixture
async def services(database_url: str, tmp_path: Path) -> AsyncIterator[Services]:
    """Services with every feature (the export renders their templates), the export job run
    by hand only (the runner's own tick would build the same export beside the test's call),
    handbooks written under `tmp_path`, three kept per scope."""
    settings = make_settings(
        database_url, **QUICK, jobs_off=(*QUIET_JOBS, "discussions.handbook_exports")
    ).with_section(DiscussionsSettings, handbook_dir=str(tmp_path / "handbooks"), handbook_keep=3)
    async with open_services(settings, load_features(configured_features())) as made:
        yield made


async def export(services: Services, organiser: Member, theme_id: int | None = None) -> int:
    """One export asked for and built by the job; its id."""
    view = await handbook.request_handbook(
        services.db, organiser.viewer, HandbookRequest(theme_id=theme_id)
    )
    await build_handbooks(services, JobWindow(None, utcnow()))
    return view.id


async def states(services: Services) -> dict[int, str]:
    async with services.db.reading() as session:
        rows = await session.execute(select(HandbookExport.id, HandbookExport.state))
        return {export_id: state for export_id, state in rows.all()}


async def test_a_fourth_export_expires_the_oldest_of_its_scope(services: Services) -> None:
    """After four exports of the whole fair the oldest's folder is gone and its row says
    expired; the newest three keep their files, and a theme's export (another scope) stays."""
    organiser = await member(services.db, Role.ORGANISER)
    talk = await discussion(services.db, [organiser])
    await round_in(services.db, talk)
    async with services.db.reading() as session:
        theme_id = await session.scalar(select(Discussion.theme_id).where(Discussion.id == talk))
    themed = await export(services, organiser, theme_id)
    fair = [await export(services, organiser) for _ in range(4)]
    found = await states(services)
    assert found[fair[0]] == ExportState.EXPIRED
    assert [found[i] for i in (themed, *fair[1:])] == [ExportState.DONE] * 4
    assert not export_dir(services, fair[0]).exists()
    for export_id in (themed, *fair[1:]):
        folder = export_dir(services, export_id)
        assert sorted(p.name for p in folder.iterdir()) == sorted(HANDBOOK_FILES.values())


async def test_an_orphan_folder_goes_and_a_running_exports_folder_stays(
    services: Services,
) -> None:
    """A numbered folder no export owns (left by a crash) is removed; the folder of an export
    being built, and a folder not named by a number, are left alone."""
    organiser = await member(services.db, Role.ORGANISER)
    running = await handbook.request_handbook(services.db, organiser.viewer, HandbookRequest())
    await handbook.move_export(services.db, running.id, ExportState.RUNNING, 30)
    root = services.settings.section(DiscussionsSettings).handbook_path
    for name in (str(running.id), str(running.id + 100), "notes"):
        (root / name).mkdir(parents=True)
        (root / name / "handbook.html.part").write_text("half")
    await clean_up_exports(services)
    assert sorted(p.name for p in root.iterdir()) == sorted([str(running.id), "notes"])
    assert (root / str(running.id) / "handbook.html.part").read_text() == "half"
    assert (await states(services))[running.id] == ExportState.RUNNING


def test_handbook_keep_must_be_at_least_one() -> None:
    """A `handbook_keep` of 0 is refused when the settings are read."""
    with pytest.raises(SettingsError, match="handbook_keep"):
        make_settings("sqlite://").with_section(DiscussionsSettings, handbook_keep=0)
