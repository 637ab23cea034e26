"""The bell and the notifications page over real HTTP without JavaScript, with the app's own
consumer running in the background: counts, the list, marking read, and bad input."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest

from discussions import queries
from fair.cli import load_demo
from fair.core.accounts.demo import demo_viewer
from fair.core.accounts.viewers import anonymous
from fair.core.consumers import caught_up
from fair.core.db import Database
from fair.core.notifications.consumer import notifications_consumer
from fair.core.notifications.queries import notification_page
from fair.qa import actions as qa_actions
from fair.qa.inputs import AnswerInput
from fair.qa.rules import PanelState
from tests.conftest import make_settings
from tests.support import discussions as talks
from tests.support.forms import browser, page_and_token
from tests.support.jobs import QUICK, until
from tests.support.qa import approve, ask, cast, member, members
from tests.support.servers import RunningServer, serve

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
"""What a browser asks for when it opens a page (the bell is read for pages only)."""
BELL = re.compile(r"data-bell-count(?: hidden)?>(\d+)<")


@pytest.fixture
async def server(sqlite_url: str) -> AsyncIterator[RunningServer]:
    async with serve(make_settings(sqlite_url, jobs_off=(), **QUICK)) as running:
        yield running


async def unread(db: Database, user_id: int) -> int:
    return (await notification_page(db, user_id, 1)).unread


async def unread_is(db: Database, user_id: int, wanted: int) -> bool:
    return await unread(db, user_id) == wanted


async def test_the_bell_the_list_and_marking_read_work_with_plain_forms(
    server: RunningServer,
) -> None:
    """Two approved questions ring Amina's bell twice; opening one from the list marks it
    read and goes to the question; "mark all read" clears the rest."""
    db = server.services.db
    made = await cast(db, "Amina")
    (amina,) = made.participants
    first = await ask(db, amina, made.panel_id, "How do fees fall?")
    second = await ask(db, amina, made.panel_id, "Who pays the agents?")
    await approve(db, made.moderator, first)
    await approve(db, made.moderator, second)
    await until(lambda: unread_is(db, amina.id, 2))
    async with browser(server, amina.cookies) as http:
        home = await http.get("/", headers={"accept": BROWSER_ACCEPT})
        bell = BELL.search(home.text)
        assert bell is not None and bell.group(1) == "2"
        html, token = await page_and_token(http, "/notifications")
        assert "2 unread notifications" in html
        assert html.count("was approved: it is on the list.") == 2
        ids = re.findall(r'name="ids" value="(\d+)">\s*<input type="hidden" name="go"', html)
        assert len(ids) == 2
        opened = await http.post(
            "/notifications/read",
            data={"csrf": token, "ids": ids[0], "go": f"/panels/{made.panel.slug}#question-x"},
        )
        assert opened.status_code == 303
        assert opened.headers["location"] == f"/panels/{made.panel.slug}#question-x"
        assert await unread(db, amina.id) == 1
        cleared = await http.post("/notifications/read", data={"csrf": token, "all": "1"})
        assert cleared.status_code == 303 and cleared.headers["location"] == "/notifications?page=1"
        assert await unread(db, amina.id) == 0
        assert "Nothing unread." in (await http.get("/notifications")).text


async def test_no_one_marks_anothers_notifications_and_bad_input_changes_nothing(
    server: RunningServer,
) -> None:
    """Bo posting Amina's notification id leaves it unread; a malformed id is refused with a
    clear error; a link to another site is not followed; a visitor is sent to log in."""
    db = server.services.db
    made = await cast(db, "Amina")
    (amina,) = made.participants
    bo = await member(db, name="Bo")
    await approve(db, made.moderator, await ask(db, amina, made.panel_id, "How do fees fall?"))
    await until(lambda: unread_is(db, amina.id, 1))
    (item,) = (await notification_page(db, amina.id, 1)).items
    async with browser(server, bo.cookies) as http:
        _html, token = await page_and_token(http, "/notifications")
        taken = await http.post("/notifications/read", data={"csrf": token, "ids": str(item.id)})
        assert taken.status_code == 303
        bad = await http.post("/notifications/read", data={"csrf": token, "ids": "1; DROP"})
        assert bad.status_code == 422 and "not valid" in bad.text
        away = await http.post(
            "/notifications/read", data={"csrf": token, "all": "1", "go": "//evil.example/"}
        )
        assert away.headers["location"] == "/notifications?page=1"
        forged = await http.post("/notifications/read", data={"ids": str(item.id)})
        assert forged.status_code in {400, 403}
    assert await unread(db, amina.id) == 1
    async with browser(server) as http:
        response = await http.get("/notifications")
        assert response.status_code == 303
        assert response.headers["location"] == "/login?next=/notifications"


async def test_the_demo_participant_has_notifications_of_several_kinds(
    server: RunningServer,
) -> None:
    """After the demo loads, its participant is told of answered and carried-over questions,
    replies, stances, a citation and a hidden post."""
    await load_demo(server.services.settings)
    db = server.services.db
    participant = await demo_viewer(db, "participant@demo.fair")
    assert participant.user_id is not None
    user_id = participant.user_id

    async def kinds() -> set[str]:
        return {item.kind for item in (await notification_page(db, user_id, 1)).items}

    consumer = notifications_consumer(server.services.notifiers, server.services.notice_kinds)
    assert consumer is not None
    await until(lambda: caught_up(db, consumer), within=30)
    assert {
        "discussions.post_moderated",
        "qa.question_answered",
        "qa.question_decided",
        "discussions.reply",
        "discussions.post_cited",
        "discussions.question_carried",
    } <= await kinds()


async def test_following_a_discussion_and_a_panel_works_with_plain_forms(
    server: RunningServer,
) -> None:
    """Amina follows a discussion and a scheduled panel from their pages' buttons, sees that
    she follows them after the reload, then stops following the discussion."""
    db = server.services.db
    moderator, amina = await members(db, "Moderator", "Amina")
    discussion_id = await talks.discussion(db, [moderator], title="Building partnership")
    slug = (await queries.discussion_page(db, anonymous("v"), discussion_id)).slug
    made = await cast(db, state=PanelState.SCHEDULED)
    page = f"/discussions/{slug}"
    async with browser(server, amina.cookies) as http:
        html, token = await page_and_token(http, page)
        assert "Follow this discussion" in html
        for follow in ("1", "0"):
            response = await http.post(
                "/discussions/act",
                data={
                    "csrf": token,
                    "type": "discussions.discussion.follow",
                    "back": page,
                    "discussion_id": str(discussion_id),
                    "follow": follow,
                },
            )
            assert response.status_code == 303 and response.headers["location"] == page
            html = (await http.get(page)).text
            assert ("You follow this discussion" in html) == (follow == "1")
        panel_page = f"/panels/{made.panel.slug}"
        html, token = await page_and_token(http, panel_page)
        assert "Remind me before it starts" in html
        response = await http.post(
            "/qa/act",
            data={
                "csrf": token,
                "type": "qa.panel.follow",
                "back": panel_page,
                "panel_id": str(made.panel_id),
                "follow": "1",
            },
        )
        assert response.status_code == 303
        assert "You follow this panel" in (await http.get(panel_page)).text
    async with browser(server) as http:
        assert "Follow this discussion" not in (await http.get(page)).text


async def test_settings_turn_a_kind_off_in_the_app_and_bad_choices_change_nothing(
    server: RunningServer,
) -> None:
    """Amina turns "my question was approved..." off: the next approval stays out of her bell
    and list; a kind that does not exist, or e-mail at once for a kind that is not urgent, is
    refused and her settings stay as they were."""
    db = server.services.db
    made = await cast(db, "Amina")
    (amina,) = made.participants
    kinds = server.services.notice_kinds
    shown = [kind for kind in kinds if kind != "qa.question_decided"]
    async with browser(server, amina.cookies) as http:
        html, token = await page_and_token(http, "/notifications/settings")
        assert html.count('name="in_app"') == len(kinds)
        assert html.count('name="email_now"') == sum(k.urgent for k in kinds.values())
        saved = await http.post(
            "/notifications/settings",
            data={
                "csrf": token,
                "digest": "weekly",
                "digest_hour": "18",
                "in_app": shown,
                "email_now": ["qa.question_answered"],
            },
        )
        assert saved.status_code == 303
        html = (await http.get(saved.headers["location"])).text
        assert "Your settings are saved." in html
        assert '<option value="18" selected>' in html and '"weekly" selected' in html
        for wrong in (
            {"in_app": ["qa.nothing_like_it"]},
            {"email_now": ["discussions.stance"]},
            {"digest": "hourly"},
            {"digest_hour": "24"},
        ):
            refused = await http.post(
                "/notifications/settings",
                data={"csrf": token, "digest": "daily", "digest_hour": "7", **wrong},
            )
            assert refused.status_code == 422, wrong
        html = (await http.get("/notifications/settings")).text
        assert '<option value="18" selected>' in html
    question = await ask(db, amina, made.panel_id, "How do fees fall?")
    await approve(db, made.moderator, question)
    await qa_actions.answer(
        db, made.moderator.viewer, AnswerInput(question_id=question, text="With competition.")
    )
    await until(lambda: unread_is(db, amina.id, 1))
    page = await notification_page(db, amina.id, 1)
    assert [item.kind for item in page.items] == ["qa.question_answered"]
