"""Forms whose write is not a command also write once per submission: a resent form (a retry
after a lost response) gets the first result, and a fresh form writes again."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from fair.core.accounts.roles import Role
from fair.hall.models import Booth, Media, OfficeHour
from fair.hall.settings import HallSettings
from fair.qa.models import Panel
from tests.conftest import make_settings
from tests.support.hall import PDF, booth
from tests.support.qa import Member, member
from tests.support.servers import RunningServer, serve

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture
async def server(sqlite_url: str) -> AsyncIterator[RunningServer]:
    async with serve(make_settings(sqlite_url)) as running:
        yield running


async def rows(server: RunningServer, model: Any) -> int:
    async with server.services.db.reading() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def form_tokens(http: httpx.AsyncClient, page: str, action: str) -> dict[str, str]:
    """The CSRF token and the idempotency key of the form posting to `action` on `page`."""
    html = (await http.get(page)).text
    form = html[html.index(f'action="{action}"') :]
    form = form[: form.index("</form>")]
    csrf = CSRF.search(form)
    key = re.search(r'name="idem" value="([^"]+)"', form)
    assert csrf is not None and key is not None, f"the form to {action} carries no key"
    return {"csrf": csrf.group(1), "idem": key.group(1)}


async def exhibitor_with_booth(server: RunningServer) -> tuple[Member, int]:
    db = server.services.db
    organiser = await member(db, Role.ORGANISER)
    exhibitor = await member(db, Role.EXHIBITOR)
    made = await booth(db, organiser.viewer, team=[exhibitor.user])
    return exhibitor, made.id


async def test_an_office_hour_form_sent_twice_adds_one_slot(server: RunningServer) -> None:
    """The booth's office-hours form, posted twice with its key, adds one slot; a new key adds
    another."""
    exhibitor, booth_id = await exhibitor_with_booth(server)
    async with httpx.AsyncClient(base_url=server.base_url, cookies=exhibitor.cookies) as http:
        action = f"/booths/{booth_id}/hours"
        form = {
            **await form_tokens(http, f"/booths/{booth_id}/edit", action),
            "starts_at": "2026-12-02T10:00",
            "ends_at": "2026-12-02T11:00",
            "note": "French and Wolof",
        }
        for _ in range(2):
            assert (await http.post(action, data=form)).status_code == 303
        assert await rows(server, OfficeHour) == 1
        await http.post(action, data={**form, "idem": str(uuid.uuid4())})
        assert await rows(server, OfficeHour) == 2


async def test_an_upload_sent_twice_stores_one_file(server: RunningServer) -> None:
    """The media form, posted twice with its key, adds one media item and keeps one file."""
    exhibitor, booth_id = await exhibitor_with_booth(server)
    async with httpx.AsyncClient(base_url=server.base_url, cookies=exhibitor.cookies) as http:
        action = f"/booths/{booth_id}/media"
        form = {
            **await form_tokens(http, f"/booths/{booth_id}/edit", action),
            "kind": "document",
            "title": "Remittance corridors report",
        }
        for _ in range(2):
            sent = await http.post(action, data=form, files={"file": ("report.pdf", PDF)})
            assert sent.status_code == 303
    assert await rows(server, Media) == 1
    folder = server.services.settings.section(HallSettings).upload_path
    kept = [p for p in Path(folder).rglob("*") if p.is_file()]
    assert len(kept) == 1


async def test_a_panel_form_sent_twice_schedules_one_panel(server: RunningServer) -> None:
    """The organiser's new-panel form, posted twice with its key, schedules one panel and both
    posts lead to it."""
    organiser = await member(server.services.db, Role.ORGANISER)
    async with httpx.AsyncClient(base_url=server.base_url, cookies=organiser.cookies) as http:
        form = {
            **await form_tokens(http, "/organise/panels", "/organise/panels"),
            "title": "Diaspora bonds in practice",
            "starts_at": "2026-12-03T14:00",
            "ends_at": "2026-12-03T15:00",
        }
        places = []
        for _ in range(2):
            sent = await http.post("/organise/panels", data=form)
            assert sent.status_code == 303
            places.append(sent.headers["location"])
    assert await rows(server, Panel) == 1
    assert places[0] == places[1]


async def test_a_new_booth_form_sent_twice_creates_one_booth(server: RunningServer) -> None:
    """The organiser's new-booth form, posted twice with its key, creates one booth and both
    posts lead to its edit page (the repeat is not refused as a taken address)."""
    organiser = await member(server.services.db, Role.ORGANISER)
    async with httpx.AsyncClient(base_url=server.base_url, cookies=organiser.cookies) as http:
        form = {
            **await form_tokens(http, "/organise/booths", "/organise/booths"),
            "title": "Remittances for schools",
        }
        places = []
        for _ in range(2):
            sent = await http.post("/organise/booths", data=form)
            assert sent.status_code == 303
            places.append(sent.headers["location"])
    assert await rows(server, Booth) == 1
    assert places[0] == places[1]
