"""`fair demo simulate`: after the demo loads, simulated days give the dashboard people from
many countries each day, booth visits and panel watchers; a second run adds nothing."""

from __future__ import annotations

from fair.cli import simulate_demo
from fair.core.accounts.demo import demo_viewer
from fair.core.attendance import queries
from fair.core.db import Database, create_engine
from fair.core.features import load_features
from fair.core.services import collect_figures
from tests.conftest import DemoFair
from tests.support.databases import configured_features


async def test_simulated_days_fill_the_dashboard_once(demo_fair: DemoFair) -> None:
    """Sixty people over the fair's days so far: every day has active people, more than ten
    countries in all, booths with visits and the live panel with watchers."""
    settings = demo_fair.settings()
    [said] = await simulate_demo(settings, 60, 7)
    assert said.startswith("Simulated 60 people over 2 day(s)")
    assert (await simulate_demo(settings, 60, 7))[0].startswith("Already simulated (60 people)")
    db = Database(create_engine(demo_fair.database_url))
    try:
        organiser = await demo_viewer(db, "organiser@demo.fair")
        figures = collect_figures(load_features(configured_features()))
        report = await queries.attendance_report(db, organiser, figures=figures)
    finally:
        await db.dispose()
    assert len(report.days) == 2 and all(day.active > 0 for day in report.days)
    assert report.country_count > 10 and report.people >= 60
    tables = {table.key: table.rows for table in report.tables}
    assert tables["booths"] and all(row[1] >= 1 for row in tables["booths"])
    assert any(row[2] > 0 for row in tables["panels"])
