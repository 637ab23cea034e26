"""The organisers' audit log over real HTTP: the page with its filters and pages, the CSV export,
and both refused to everyone else."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import AsyncIterator

import httpx
import pytest

from fair.core.accounts import actions as accounts
from fair.core.accounts.inputs import RoleChange
from fair.core.accounts.roles import Role
from fair.core.accounts.viewers import SYSTEM
from fair.core.home import actions as home
from fair.core.home.inputs import Countries
from fair.core.home.queries import AUDIT_CSV_COLUMNS
from fair.hall.actions import visits
from fair.hall.inputs import ChatPost, ChatRemoval
from tests.conftest import make_settings
from tests.support import hall
from tests.support.factories import login_cookies, person
from tests.support.servers import RunningServer, serve

ROW = re.compile(r'<tr id="audit-(\d+)">')
ACTION_CELL = re.compile(r"<td><code>([a-z_.]+)</code></td>")

OLDER_LINK = re.compile(r'href="(/organise/audit\?[^"]*before_id=\d+[^"]*)"')


@pytest.fixture
async def server(sqlite_url: str) -> AsyncIterator[RunningServer]:
    async with serve(make_settings(sqlite_url)) as running:
        yield running


async def organiser_cookies(server: RunningServer, name: str = "Olga") -> dict[str, str]:
    db = server.services.db
    return await login_cookies(db, await person(db, Role.ORGANISER, name))


def row_ids(page: str) -> list[int]:
    return [int(found) for found in ROW.findall(page)]


def actions_shown(page: str) -> list[str]:
    """The action of each row on the page, in order (the filter's suggestions are not rows)."""
    return ACTION_CELL.findall(page)


async def test_an_organiser_reads_and_filters_the_audit_log(server: RunningServer) -> None:
    """The page lists every audited action newest first, with who did it, and narrows to an
    action prefix, an actor and a day range."""
    db = server.services.db
    cookies = await organiser_cookies(server)
    organiser = await hall.someone(db, Role.ORGANISER, "Omar")
    target = await person(db, name="Tariq")
    await home.set_countries(db, SYSTEM, Countries(countries=["SN"]))
    await accounts.change_role(db, organiser, target.id, RoleChange(role=Role.MODERATOR))
    async with httpx.AsyncClient(base_url=server.base_url, cookies=cookies) as http:
        everything = await http.get("/organise/audit")
        assert everything.status_code == 200
        assert len(row_ids(everything.text)) == 2
        assert actions_shown(everything.text) == ["account.role.changed", "fair.countries.set"]
        assert "Omar" in everything.text and "(organiser)" in everything.text
        assert "(system)" in everything.text
        by_prefix = await http.get("/organise/audit", params={"action": "fair."})
        assert actions_shown(by_prefix.text) == ["fair.countries.set"]
        by_actor = await http.get("/organise/audit", params={"actor": "system"})
        assert actions_shown(by_actor.text) == ["fair.countries.set"]
        by_number = await http.get("/organise/audit", params={"actor": str(organiser.user_id)})
        assert actions_shown(by_number.text) == ["account.role.changed"]
        long_ago = await http.get(
            "/organise/audit", params={"from_day": "2001-01-01", "to_day": "2001-12-31"}
        )
        assert row_ids(long_ago.text) == []
        no_such = await http.get("/organise/audit", params={"actor": "9" * 30})
        assert no_such.status_code == 200 and row_ids(no_such.text) == []
        to_the_end = await http.get(
            "/organise/audit", params={"from_day": "0001-01-01", "to_day": "9999-12-31"}
        )
        assert len(row_ids(to_the_end.text)) == 2
        bad = await http.get("/organise/audit", params={"from_day": "yesterday"})
        assert bad.status_code == 422


async def test_the_audit_log_pages_by_id(server: RunningServer) -> None:
    """Past one page, an "Older" link continues before the last row shown, without repeats."""
    db = server.services.db
    cookies = await organiser_cookies(server)
    for n in range(53):
        await home.set_countries(db, SYSTEM, Countries(countries=["SN"] if n % 2 else ["IT"]))
    async with httpx.AsyncClient(base_url=server.base_url, cookies=cookies) as http:
        first = await http.get("/organise/audit", params={"action": "fair."})
        ids = row_ids(first.text)
        assert len(ids) == 50 and ids == sorted(ids, reverse=True)
        older = OLDER_LINK.search(first.text)
        assert older is not None
        second = await http.get(older.group(1).replace("&amp;", "&"))
        rest = row_ids(second.text)
        assert len(rest) == 3 and max(rest) < min(ids)
        assert OLDER_LINK.search(second.text) is None


async def test_the_csv_export_has_every_row_with_spreadsheet_safe_cells(
    server: RunningServer,
) -> None:
    """The CSV holds a header and one line per matching row; text a spreadsheet would run as a
    formula (a name, a removed message) is quoted."""
    db = server.services.db
    cookies = await organiser_cookies(server)
    organiser = await hall.someone(db, Role.ORGANISER)
    booth = await hall.booth(db, organiser)
    writer = await hall.someone(db)
    moderator = await hall.someone(db, Role.MODERATOR, "=cmd|' /C calc'!A0")
    message = await visits.post_chat_message(
        db, writer, ChatPost(booth_id=booth.id, body="=HYPERLINK(1)")
    )
    await visits.remove_chat_message(
        db, moderator, ChatRemoval(message_id=message.id, reason="Spam")
    )
    async with httpx.AsyncClient(base_url=server.base_url, cookies=cookies) as http:
        response = await http.get("/organise/audit.csv", params={"action": "hall.chat."})
        full = await http.get("/organise/audit.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    assert response.content.startswith("\ufeff".encode()), "a BOM, for spreadsheets"
    header, *lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert tuple(header) == AUDIT_CSV_COLUMNS
    [line] = lines
    row = dict(zip(header, line, strict=True))
    assert row["action"] == "hall.chat.message_removed"
    assert row["actor"] == "'=cmd|' /C calc'!A0"
    assert row["actor_role"] == "moderator"
    assert row["target_id"] == str(message.id)
    assert json.loads(row["before"])["body"] == "=HYPERLINK(1)"
    every = list(csv.reader(io.StringIO(full.content.decode("utf-8-sig"))))[1:]
    assert {line[5] for line in every} >= {
        "hall.booth.created",
        "hall.booth.state_changed",
        "hall.chat.message_removed",
    }


@pytest.mark.parametrize("role", [Role.PARTICIPANT, Role.EXHIBITOR, Role.MODERATOR])
async def test_the_audit_log_is_refused_to_everyone_but_organisers(
    server: RunningServer, role: Role
) -> None:
    """A moderator, an exhibitor or a participant gets 403 for the page and the CSV, and the
    rows do not show."""
    db = server.services.db
    await home.set_countries(db, SYSTEM, Countries(countries=["SN"]))
    cookies = await login_cookies(db, await person(db, role))
    async with httpx.AsyncClient(base_url=server.base_url, cookies=cookies) as http:
        for path in ("/organise/audit", "/organise/audit.csv"):
            response = await http.get(path)
            assert response.status_code == 403
            assert actions_shown(response.text) == []
            assert "fair.countries.set" not in response.text


async def test_someone_not_logged_in_is_sent_to_log_in(server: RunningServer) -> None:
    """Without a login the page and the CSV redirect to the login page and show no row."""
    await home.set_countries(server.services.db, SYSTEM, Countries(countries=["SN"]))
    async with httpx.AsyncClient(base_url=server.base_url) as http:
        for path in ("/organise/audit", "/organise/audit.csv"):
            response = await http.get(path)
            assert response.status_code == 303
            assert response.headers["location"].startswith("/login")
            assert actions_shown(response.text) == []
            assert "fair.countries.set" not in response.text
