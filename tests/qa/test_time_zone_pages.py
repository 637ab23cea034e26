"""Time zones over real HTTP without JavaScript: one's saved zone, the programme's times and day
headings in it (named), a panel's times typed in the zone the organiser chose."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from fair.core.accounts.models import User
from fair.core.accounts.roles import Role
from tests.conftest import make_settings
from tests.support.forms import browser, page_and_token
from tests.support.jobs import QUICK
from tests.support.qa import members
from tests.support.servers import RunningServer, serve


@pytest.fixture
async def server(sqlite_url: str) -> AsyncIterator[RunningServer]:
    async with serve(make_settings(sqlite_url, jobs_off=(), **QUICK)) as running:
        yield running


async def test_the_programme_names_the_saved_zone_and_groups_days_in_it(
    server: RunningServer,
) -> None:
    """A panel typed in for 13:06 Mexico City time on Tuesday 1 December sits under Wednesday
    at 03:06 for Amina, who saved Asia/Manila, and under Tuesday at 19:06 for a visitor (the
    fair's UTC); a zone that does not exist is refused and changes nothing."""
    db = server.services.db
    organiser, amina = await members(db, Role.ORGANISER, "Amina")
    async with browser(server, organiser.cookies) as http:
        html, token = await page_and_token(http, "/organise/panels")
        assert '<label for="panel-zone">Times in</label>' in html
        created = await http.post(
            "/organise/panels",
            data={
                "csrf": token,
                "title": "Remittances at dawn",
                "zone": "America/Mexico_City",
                "starts_at": "2026-12-01T13:06",
                "ends_at": "2026-12-01T14:00",
                "moderation": "pre",
            },
        )
        assert created.status_code == 303, created.text
    async with browser(server, amina.cookies) as http:
        html, token = await page_and_token(http, "/notifications/settings")
        assert 'list="time-zones"' in html and '<option value="Asia/Manila">' in html
        refused = await http.post(
            "/notifications/settings",
            data={"csrf": token, "digest": "daily", "digest_hour": "7", "time_zone": "Mars/Base"},
        )
        assert refused.status_code == 422
        saved = await http.post(
            "/notifications/settings",
            data={"csrf": token, "digest": "daily", "digest_hour": "7", "time_zone": "Asia/Manila"},
        )
        assert saved.status_code == 303
        assert 'value="Asia/Manila"' in (await http.get("/notifications/settings")).text
        programme = (await http.get("/panels")).text
    async with db.reading() as session:
        assert await session.scalar(select(User.time_zone).where(User.id == amina.id)) == (
            "Asia/Manila"
        )
    assert "Times in <span data-zone-name>Asia/Manila</span>." in programme
    assert "Wednesday, December 2, 2026" in programme and "Tuesday" not in programme
    assert "Wed 2 Dec, 03:06" in programme
    async with browser(server) as http:
        visitor = (await http.get("/panels")).text
    assert "Times in <span data-zone-name>UTC</span>." in visitor
    assert "Tuesday, December 1, 2026" in visitor and "Tue 1 Dec, 19:06 UTC" in visitor
