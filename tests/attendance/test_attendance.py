"""Attendance figures: people counted once a day wherever they come from (page, socket, a
second worker), the dashboard's exact numbers per day and country in the fair's time zone
across a day boundary, and its tables as CSV files for organisers only."""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import event, func, select, update

from fair.core.accounts.models import User
from fair.core.accounts.roles import Role
from fair.core.accounts.viewers import SYSTEM, anonymous
from fair.core.attendance import queries
from fair.core.attendance.actions import attend, logging_in
from fair.core.attendance.models import Attendance, PresenceSample
from fair.core.charts import bar_chart
from fair.core.db import Database, create_engine
from fair.core.errors import Forbidden, NotAuthenticated
from fair.core.exports import csv_text
from fair.core.home.actions import set_fair_details
from fair.core.home.inputs import FairDetails
from tests.conftest import make_settings
from tests.support.factories import login_cookies, person
from tests.support.forms import browser
from tests.support.qa import member
from tests.support.servers import RunningServer, serve

MANILA = "Asia/Manila"  # UTC+8: 16:30 UTC on the 1st is 00:30 on the 2nd there


def utc(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=UTC)


async def in_manila(db: Database) -> None:
    await set_fair_details(
        db,
        SYSTEM,
        FairDetails(
            name="Test fair",
            starts_on=date(2026, 12, 1),
            ends_on=date(2026, 12, 7),
            timezone=MANILA,
        ),
    )


async def fixture_day(db: Database) -> dict[str, User]:
    """Three accounts (Senegal, Senegal, Mexico) and one visitor without an account, over two
    days of the fair in Manila time; samples of who was online either side of midnight."""
    ama = await person(db, Role.PARTICIPANT, "Ama")
    bola = await person(db, Role.PARTICIPANT, "Bola")
    carlos = await person(db, Role.PARTICIPANT, "Carlos")
    async with db.transaction() as tx:
        await tx.session.execute(update(User).where(User.id == carlos.id).values(country="MX"))
        made = {ama.id: utc(1, 2), bola.id: utc(1, 16, 30), carlos.id: utc(2, 3)}
        for user_id, at in made.items():
            await tx.session.execute(update(User).where(User.id == user_id).values(created_at=at))
        rows = [
            (f"u{ama.id}", date(2026, 12, 1), ama.id, "SN", utc(1, 2)),
            (f"u{ama.id}", date(2026, 12, 2), ama.id, "SN", utc(2, 1)),
            (f"u{bola.id}", date(2026, 12, 2), bola.id, "SN", utc(1, 16, 30)),
            (f"u{carlos.id}", date(2026, 12, 2), carlos.id, "MX", utc(2, 3)),
            ("vbrowser1", date(2026, 12, 1), None, None, utc(1, 5)),
        ]
        tx.session.add_all(
            Attendance(person=p, place="fair", day=d, user_id=u, country=c, first_at=at)
            for p, d, u, c, at in rows
        )
        tx.session.add(
            Attendance(person=f"u{ama.id}", place="qa:1", day=date(2026, 12, 2), first_at=utc(2, 1))
        )
        tx.session.add_all(
            [
                PresenceSample(scope="fair", at=utc(1, 15, 50), count=3),  # 23:50 on the 1st
                PresenceSample(scope="fair", at=utc(1, 16, 10), count=5),  # 00:10 on the 2nd
                PresenceSample(scope="fair", at=utc(2, 4), count=2),
                PresenceSample(scope="qa:1", at=utc(2, 4), count=9),
            ]
        )
    return {"ama": ama, "bola": bola, "carlos": carlos}


async def test_figures_per_day_and_country_in_the_fairs_zone(db: Database) -> None:
    """Ama came on both days (returning on the 2nd); Bola registered and came at 00:30 Manila
    time on the 2nd (16:30 UTC on the 1st); the peak of the 2nd is the 00:10 sample; Senegal
    counts two people, Mexico one, the visitor is "not given"; the 1st alone has one person
    from Senegal."""
    await in_manila(db)
    await fixture_day(db)
    organiser = await member(db, Role.ORGANISER, "Olga")
    participant = await member(db, Role.PARTICIPANT, "Pat")
    for refused in (anonymous("x"), participant.viewer):
        with pytest.raises(NotAuthenticated if refused.user_id is None else Forbidden):
            await queries.attendance_report(db, refused)
    report = await queries.attendance_report(db, organiser.viewer)
    days = {row.day: row for row in report.days}
    first, second = days[date(2026, 12, 1)], days[date(2026, 12, 2)]
    assert (first.registered, first.active, first.returning, first.peak_online) == (1, 2, 0, 3)
    assert (second.registered, second.active, second.returning, second.peak_online) == (2, 3, 1, 5)
    assert [(c.code, c.people) for c in report.countries] == [("SN", 2), ("MX", 1), ("??", 1)]
    assert [(r.region, r.people) for r in report.regions] == [("Africa", 2), ("Americas", 1)]
    assert (report.people, report.country_count) == (4, 2)
    one_day = await queries.attendance_report(db, organiser.viewer, date(2026, 12, 1))
    assert [(c.code, c.people) for c in one_day.countries] == [("SN", 1), ("??", 1)]


async def test_a_person_is_counted_once_a_day_by_any_worker(
    db: Database, database_url: str
) -> None:
    """Three visits by one person and one by another write two rows; a second worker (its own
    memory of whom it counted) finds the row there and adds none; when the first browser logs
    in, its person is counted as the account, not twice."""
    someone = anonymous("browser-a")
    for _ in range(3):
        await attend(db, someone)
    await attend(db, anonymous("browser-b"))
    other_worker = Database(create_engine(database_url))
    try:
        await attend(other_worker, someone)
    finally:
        await other_worker.dispose()
    async with db.reading() as session:
        counted = await session.scalar(select(func.count()).select_from(Attendance))
    assert counted == 2
    amina = await member(db, Role.PARTICIPANT, "Amina")
    await logging_in(db, "browser-a")
    await attend(db, amina.viewer)
    async with db.reading() as session:
        people = set(await session.scalars(select(Attendance.person)))
    assert people == {"vbrowser-b", f"u{amina.id}"}, "the browser that logged in counts once"


async def test_a_crowd_arriving_at_once_is_counted_in_a_few_transactions(db: Database) -> None:
    """Three hundred visitors and an account arriving together (a worker's sockets after
    another worker died) are each counted once, the account with its country, in a handful
    of commits rather than one each; each call returns once its own visit is written."""
    amina = await member(db, Role.PARTICIPANT, "Amina")
    commits: list[int] = []

    def counted(_connection: object) -> None:
        commits.append(1)

    event.listen(db.engine.sync_engine, "commit", counted)
    try:
        crowd = [anonymous(f"browser-{n}") for n in range(300)]
        await asyncio.gather(*(attend(db, viewer) for viewer in [*crowd, amina.viewer, *crowd]))
    finally:
        event.remove(db.engine.sync_engine, "commit", counted)
    async with db.reading() as session:
        rows = (await session.execute(select(Attendance.person, Attendance.country))).all()
    assert len(rows) == 301
    assert (f"u{amina.id}", "SN") in rows
    assert len(commits) <= 5, f"{len(commits)} commits for one crowd"


@pytest.fixture
async def server(database_url: str) -> AsyncIterator[RunningServer]:
    async with serve(make_settings(database_url)) as running:
        yield running


async def test_the_dashboard_shows_charts_beside_tables_and_exports_each_table(
    server: RunningServer,
) -> None:
    """An organiser's page has a chart with a title and the same numbers in a table per
    figure (the organiser, from Senegal, counted by opening it); each table downloads as its own
    CSV with a BOM; a participant is refused the page and the files."""
    db = server.services.db
    await in_manila(db)
    await fixture_day(db)
    organiser = await person(db, Role.ORGANISER, "Olga")
    participant = await person(db, Role.PARTICIPANT, "Pat")
    async with browser(server, await login_cookies(db, organiser)) as http:
        page = await http.get("/organise/attendance", headers={"accept": "text/html"})
        assert page.status_code == 200
        html = page.text
        for name in ("days", "countries", "regions"):
            assert f'aria-labelledby="chart-{name}-title"' in html
            assert f'id="table-{name}"' in html
        assert '<th scope="row">Senegal</th><td>3</td>' in html
        assert 'id="figure-countries">2<' in html
        days = await http.get("/organise/attendance/days.csv")
        assert days.headers["content-type"].startswith("text/csv")
        assert days.content.startswith("\ufeff".encode())
        rows = list(csv.reader(io.StringIO(days.content.decode("utf-8-sig"))))
        assert rows[0] == ["Day", "Registered", "Active", "Returning", "Peak online"]
        assert rows[1:3] == [["2026-12-01", "1", "2", "0", "3"], ["2026-12-02", "2", "3", "1", "5"]]
        countries = await http.get("/organise/attendance/countries.csv?day=2026-12-02")
        table = list(csv.reader(io.StringIO(countries.content.decode("utf-8-sig"))))
        assert table == [["Country", "People"], ["Senegal", "2"], ["Mexico", "1"]]
        assert (await http.get("/organise/attendance/nothing.csv")).status_code == 404
        assert (await http.get("/organise/attendance?day=yesterday")).status_code == 422
    async with browser(server, await login_cookies(db, participant)) as http:
        assert (await http.get("/organise/attendance")).status_code == 403
        assert (await http.get("/organise/attendance/days.csv")).status_code == 403


def test_a_csv_file_has_a_bom_and_no_cell_a_spreadsheet_would_run() -> None:
    """Accented names survive a spreadsheet's import; "=..." is text, numbers stay numbers."""
    text = csv_text(["Name", "Visits"], [["=Ramírez", 3], ["Ama", None]])
    assert text == "\ufeffName,Visits\r\n'=Ramírez,3\r\nAma,\r\n"


def test_a_chart_escapes_its_labels_and_scales_to_the_largest_bar() -> None:
    """A label with markup is text in the SVG; the largest value has the full bar width."""
    svg = str(bar_chart("c", "People <by> country", [("<b>A</b>", 4), ("B", 2)]))
    assert "<b>" not in svg and "&lt;b&gt;A&lt;/b&gt;" in svg
    assert '<title id="c-title">People &lt;by&gt; country</title>' in svg
    assert 'width="260"' in svg and 'width="130"' in svg
