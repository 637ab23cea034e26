"""Organisers edit a panel after creating it, over HTTP without JavaScript: one `qa.panel.changed`
reaches the followers of the panel and of the programme, the pages show the new times and people,
the new moderation mode applies to the next question; refusals change nothing."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import func, select

from fair.core.accounts.roles import Role
from fair.core.audit import AuditEntry
from fair.qa import actions
from fair.qa.channels import PROGRAMME, panel_channel
from fair.qa.inputs import Ask
from fair.qa.models import PanelBooth, PanelMember
from fair.qa.rules import PanelState
from tests.conftest import make_settings
from tests.support import hall
from tests.support.forms import browser, page_and_token
from tests.support.live_client import live_client
from tests.support.qa import (
    Cast,
    cast,
    collect_until,
    heads_of,
    member,
    move_panel,
    panel,
    snapshot,
)
from tests.support.servers import RunningServer, serve


@pytest.fixture
async def server(database_url: str) -> AsyncIterator[RunningServer]:
    async with serve(make_settings(database_url)) as running:
        yield running


def edit_form(c: Cast, **changes: str) -> dict[str, str]:
    """The edit form as the organiser would send it unchanged, with `changes` typed in."""
    return {
        "title": c.panel.title,
        "description": "",
        "zone": "UTC",
        "starts_at": "2026-12-20T10:00",
        "ends_at": "2026-12-20T11:00",
        "moderation": "pre",
        "panelists": "",
        "moderators": c.moderator.user.email,
        "booths": "",
        "interview_from": "",
        "stream_url": "",
        **changes,
    }


async def everything(server: RunningServer) -> dict[str, Any]:
    """The Q&A's rows, the panels' people and booths, and the audit log: a refusal keeps them."""
    db = server.services.db
    state = await snapshot(db)
    async with db.reading() as session:
        for model in (PanelMember, PanelBooth):
            rows = await session.execute(select(model.__table__))
            state[model.__tablename__] = sorted(tuple(row) for row in rows)
        state["audit"] = await session.scalar(select(func.count(AuditEntry.id)))
    return state


async def test_an_organiser_edits_a_panel_and_open_pages_hear_it_once(
    server: RunningServer,
) -> None:
    """The organiser moves the panel to 13:06 Mexico City time, renames it, swaps its moderator,
    adds a booth and a panelist and turns it to post-moderation. A follower of `qa:<id>` and of
    `programme` each get one `qa.panel.changed` naming what changed; the panel page shows the
    new time in the fair's zone (UTC), the people and the booth; the old moderator is refused
    the queue, the new one has it; the next question is published at once; one audit row.
    Sending the same form again records nothing."""
    db = server.services.db
    c = await cast(db, state=PanelState.OPEN)
    newcomer = await member(db, Role.MODERATOR, name="Wanjiru Kamau")
    speaker = await member(db, Role.PANELIST, name="Lena Vogel")
    booth = await hall.booth(db, c.organiser.viewer, title="Remesas Solidarias")
    [amina] = c.participants
    slug = c.panel.slug
    async with browser(server, c.organiser.cookies) as http:
        html, token = await page_and_token(http, f"/panels/{slug}/edit")
        assert f'value="{c.moderator.user.email}"' in html
        assert 'value="Remittances that build"' in html
        async with live_client(server.ws_url) as follower:
            await follower.follow(panel_channel(c.panel_id))
            await follower.follow(PROGRAMME)
            form = edit_form(
                c,
                title="Remittances that build, an hour on",
                zone="America/Mexico_City",
                starts_at="2026-12-20T13:06",
                ends_at="2026-12-20T14:36",
                moderation="post",
                panelists=speaker.user.email,
                moderators=newcomer.user.email,
                booths=booth.slug,
            )
            saved = await http.post(f"/panels/{slug}/edit", data={"csrf": token, **form})
            assert saved.status_code == 303, saved.text
            assert saved.headers["location"] == f"/panels/{slug}"
            heads = await heads_of(db, [panel_channel(c.panel_id), PROGRAMME])
            frames = await collect_until(follower, heads)
            on_panel, on_programme = (
                [f for f in frames if f.get("channel") == name]
                for name in (panel_channel(c.panel_id), PROGRAMME)
            )
            again = await http.post(f"/panels/{slug}/edit", data={"csrf": token, **form})
            assert again.status_code == 303
            assert await follower.nothing_pending() == []
            assert await heads_of(db, heads) == heads
    assert (
        [f["type"] for f in on_panel] == [f["type"] for f in on_programme] == ["qa.panel.changed"]
    )
    [on_panel], [on_programme] = on_panel, on_programme
    assert on_panel["data"] == on_programme["data"]
    assert on_panel["data"]["changed"] == [
        "title",
        "starts_at",
        "ends_at",
        "moderation",
        "panelists",
        "moderators",
        "booths",
    ]
    view = on_panel["data"]["panel"]
    assert (view["title"], view["moderation"]) == ("Remittances that build, an hour on", "post")
    assert (view["starts_at"], view["ends_at"]) == ("2026-12-20T19:06:00Z", "2026-12-20T20:36:00Z")
    async with browser(server) as http:
        page = (await http.get(f"/panels/{slug}")).text
    assert "Sun 20 Dec, 19:06 UTC" in page and "Sun 20 Dec, 20:36 UTC" in page
    assert "Moderated by Wanjiru Kamau" in page and "<strong>Lena Vogel</strong>" in page
    assert re.search(rf"\b{re.escape(c.moderator.name)}\b", page) is None
    assert 'href="/booths/remesas-solidarias">Remesas Solidarias</a>' in page
    assert "Questions appear at once" in page
    async with browser(server, c.moderator.cookies) as http:
        assert (await http.get(f"/panels/{slug}/moderate")).status_code == 403
    async with browser(server, newcomer.cookies) as http:
        assert (await http.get(f"/panels/{slug}/moderate")).status_code == 200
    asked = await actions.ask_question(
        db, amina.viewer, Ask(panel_id=c.panel_id, text="Does this appear at once?")
    )
    assert asked.state == "approved"
    async with db.reading() as session:
        rows = list(
            await session.scalars(select(AuditEntry).where(AuditEntry.action == "qa.panel.edited"))
        )
    [row] = rows
    assert (row.actor_id, row.target_id) == (c.organiser.id, str(c.panel_id))
    assert json.loads(row.before or "")["moderators"] == [c.moderator.user.email]
    assert json.loads(row.after or "")["moderators"] == [newcomer.user.email]
    assert json.loads(row.after or "")["booths"] == ["remesas-solidarias"]


async def test_refused_edits_change_nothing_and_tell_nobody(server: RunningServer) -> None:
    """The panel's own moderator and a participant get 403 (the form too); the organiser's
    end before start, unknown e-mail or booth, a 161-character title, a field the form does
    not have (the address) get 422 naming the field; an archived panel 409; an unknown panel
    404. Nothing in the database changes and the panel's follower hears nothing."""
    db = server.services.db
    c = await cast(db, state=PanelState.OPEN)
    archived = await panel(db, c.organiser, state=PanelState.ARCHIVED, title="Diaspora bonds")
    [amina] = c.participants
    slug = c.panel.slug
    before = await everything(server)
    async with live_client(server.ws_url) as follower:
        await follower.follow(panel_channel(c.panel_id))
        await follower.follow(PROGRAMME)
        for refused in (c.moderator, amina):
            async with browser(server, refused.cookies) as http:
                assert (await http.get(f"/panels/{slug}/edit")).status_code == 403
                _html, token = await page_and_token(http, f"/panels/{slug}")
                sent = await http.post(
                    f"/panels/{slug}/edit",
                    data={"csrf": token, **edit_form(c, title="Taken over")},
                )
                assert sent.status_code == 403
        async with browser(server, c.organiser.cookies) as http:
            _html, token = await page_and_token(http, f"/panels/{slug}/edit")
            for changes, field, status in (
                ({"ends_at": "2026-12-20T09:00"}, "", 422),
                ({"moderators": "nobody@example.org"}, "Moderators", 422),
                ({"panelists": "not an e-mail"}, "Panelists", 422),
                ({"booths": "no-such-booth"}, "Booths", 422),
                ({"title": "x" * 161}, "Title", 422),
                ({"slug": "elsewhere"}, "Short address", 422),
            ):
                sent = await http.post(
                    f"/panels/{slug}/edit", data={"csrf": token, **edit_form(c, **changes)}
                )
                assert sent.status_code == status, (changes, sent.text)
                assert 'data-code="input.invalid"' in sent.text
                assert f"<strong>{field}" in sent.text
            sent = await http.post(
                f"/panels/{archived.slug}/edit",
                data={"csrf": token, **edit_form(c, title="Rewritten history")},
            )
            assert sent.status_code == 409 and 'data-code="qa.archived"' in sent.text
            missing = await http.post(
                "/panels/no-such-panel/edit", data={"csrf": token, **edit_form(c)}
            )
            assert missing.status_code == 404
        assert await follower.nothing_pending() == []
    assert await everything(server) == before


async def test_a_closed_panel_can_be_edited_but_not_once_archived(server: RunningServer) -> None:
    """Closing leaves the panel's details open to correction (a typo in the title); archiving
    makes it the record, and its edit page says so without a form."""
    db = server.services.db
    c = await cast(db, state=PanelState.CLOSED)
    async with browser(server, c.organiser.cookies) as http:
        _html, token = await page_and_token(http, f"/panels/{c.panel.slug}/edit")
        fixed = await http.post(
            f"/panels/{c.panel.slug}/edit",
            data={"csrf": token, **edit_form(c, title="Remittances that build (corrected)")},
        )
        assert fixed.status_code == 303
        await move_panel(db, c.organiser.viewer, c.panel_id, PanelState.ARCHIVED)
        page = await http.get(f"/panels/{c.panel.slug}/edit")
    assert page.status_code == 200
    assert "An archived panel is the record" in page.text
    assert f'action="/panels/{c.panel.slug}/edit"' not in page.text
