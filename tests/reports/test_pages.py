"""The report controls and the review queue over real HTTP without JavaScript: a participant
reports from a plain form and is thanked; the moderator's queue lists it and a bulk form
hides; the participant's reload no longer shows the post, the moderator's shows it marked."""

from __future__ import annotations

import re

import httpx

from discussions import queries
from discussions.models import Contribution
from fair.cli import load_demo
from fair.core.accounts.demo import demo_viewer
from fair.core.accounts.roles import Role
from fair.core.accounts.viewers import anonymous
from fair.core.reports import queries as report_queries
from fair.hall.models import Booth, ChatMessage
from fair.qa.models import Panel, Question
from tests.reports.scenes import scene
from tests.support.forms import browser, page_and_token
from tests.support.qa import members
from tests.support.reports import reportables
from tests.support.servers import RunningServer


async def test_report_queue_and_bulk_hide_work_with_plain_forms(server: RunningServer) -> None:
    """Two posts reported from plain forms, both hidden at once from the queue's bulk form."""
    db = server.services.db
    fair = await scene(db)
    (other,) = await members(db, "Olu")
    slug_a = (await queries.discussion_page(db, anonymous("v"), fair.discussion_a)).slug
    page = f"/discussions/{slug_a}"
    async with browser(server, fair.participant.cookies) as http:
        html, token = await page_and_token(http, page)
        assert 'name="type" value="reports.content.report"' in html
        assert f'name="content_id" value="{fair.post_a}"' in html
        response = await http.post(
            "/reports/act",
            data={
                "csrf": token,
                "type": "reports.content.report",
                "back": page,
                "kind": "discussions.post",
                "content_id": str(fair.post_a),
                "reason": "spam",
                "note": "",
            },
        )
        assert response.status_code == 303, response.text
        thanks = await http.get(response.headers["location"])
        assert "Report received" in thanks.text and f'href="{page}"' in thanks.text
        queue = await http.get("/moderate/reports")
        assert "You moderate nothing" in queue.text
    async with browser(server, fair.moderator_a.cookies) as http:
        html, token = await page_and_token(http, "/moderate/reports")
        assert "Cheap transfers at example.com!" in html
        assert "Spam or advertising (1)" in html
        assert "Send money with us" not in html  # discussion B is not theirs
        item_ids = re.findall(r'name="item_ids" value="(\d+)" id="pick-', html)
        assert len(item_ids) == 1
        response = await http.post(
            "/reports/act",
            data={
                "csrf": token,
                "type": "reports.items.handle",
                "back": "/moderate/reports",
                "item_ids": item_ids,
                "action": "hide",
                "reason": "Advertising",
            },
        )
        assert response.status_code == 303, response.text
        after = await http.get("/moderate/reports")
        assert "No open reports." in after.text and "Recently hidden" in after.text
        mine = await http.get(page)
        assert "Cheap transfers at example.com!" in mine.text
        assert "Hidden by the moderators. Reason: Advertising" in mine.text
    async with browser(server, other.cookies) as http:
        reloaded = await http.get(page)
        assert "Cheap transfers at example.com!" not in reloaded.text
    async with browser(server, fair.author.cookies) as http:
        own = await http.get(page)
        assert "Hidden by the moderators. Reason: Advertising" in own.text


async def test_the_header_links_the_queue_for_moderators_only(server: RunningServer) -> None:
    """A moderator sees "Review queue" in the header; a participant does not."""
    db = server.services.db
    moderator, participant = await members(db, Role.MODERATOR, "Pat")
    async with browser(server, moderator.cookies) as http:
        assert 'href="/moderate/reports"' in (await http.get("/hall")).text
    async with browser(server, participant.cookies) as http:
        assert 'href="/moderate/reports"' not in (await http.get("/hall")).text


async def test_a_forged_form_cannot_hide_someone_elses_items(server: RunningServer) -> None:
    """B's moderator posting A's item id to the queue form is refused; the item stays open."""
    db = server.services.db
    fair = await scene(db)
    async with browser(server, fair.participant.cookies) as http:
        _html, token = await page_and_token(http, "/discussions")
        await http.post(
            "/reports/act",
            data={
                "csrf": token,
                "type": "reports.content.report",
                "kind": "discussions.post",
                "content_id": str(fair.post_a),
                "reason": "abusive",
            },
        )
    async with browser(server, fair.moderator_a.cookies) as http:
        html = (await http.get("/moderate/reports")).text
        [item_id] = re.findall(r'name="item_ids" value="(\d+)" id="pick-', html)
    async with browser(server, fair.moderator_b.cookies) as http:
        _html, token = await page_and_token(http, "/moderate/reports")
        response = await http.post(
            "/reports/act",
            data={
                "csrf": token,
                "type": "reports.items.handle",
                "item_ids": [item_id],
                "action": "hide",
                "reason": "Not mine",
            },
        )
        assert response.status_code == 403
    async with browser(server, fair.moderator_a.cookies) as http:
        assert f'id="pick-{item_id}"' in (await http.get("/moderate/reports")).text


async def test_the_demo_has_one_open_report_and_one_hidden_post(server: RunningServer) -> None:
    """The demo's moderator finds one open item in the queue and one post hidden with its
    reason; loading the demo again adds neither twice."""
    lines = await load_demo(server.services.settings)
    assert "Discussions: 2 new demo posts under moderation" in lines
    db = server.services.db
    moderator = await demo_viewer(db, "moderator@demo.fair")
    queue = await report_queries.queue(db, reportables(), moderator)
    [open_item] = queue.open
    assert open_item.excerpt.startswith("Want your project funded fast?")
    assert open_item.reports == 2
    [hidden] = queue.hidden
    assert hidden.handled_reason == ""  # hidden in place, not from the queue
    async with db.reading() as session:
        post = await session.get(Contribution, hidden.content_id)
    assert post is not None and post.hidden
    assert post.hidden_reason == "It shares someone's personal phone number and address."
    assert "Discussions: 0 new demo posts under moderation" in await load_demo(
        server.services.settings
    )


async def test_a_question_is_hidden_and_restored_with_reasons_from_plain_forms(
    server: RunningServer,
) -> None:
    """The panel's moderator hides a question from the moderation page's form, saying why;
    its asker's panel page shows the reason; the moderator restores it from the same page,
    and it is published again."""
    db = server.services.db
    fair = await scene(db)
    async with db.reading() as session:
        panel = await session.get(Panel, fair.panel_id)
    assert panel is not None
    moderate, public = f"/panels/{panel.slug}/moderate", f"/panels/{panel.slug}"

    async def act(http: httpx.AsyncClient, token: str, command: str, reason: str) -> int:
        fields = {"question_id": str(fair.question_id), "reason": reason}
        response = await http.post(
            "/qa/act", data={"csrf": token, "type": command, "back": moderate, **fields}
        )
        return response.status_code

    async with browser(server, fair.panel_moderator.cookies) as http:
        html, token = await page_and_token(http, moderate)
        assert 'data-command="qa.question.hide"' in html
        assert await act(http, token, "qa.question.hide", "") == 422
        assert await act(http, token, "qa.question.hide", "Selling a course") == 303
        html, token = await page_and_token(http, moderate)
        assert 'data-command="qa.question.restore"' in html and "Selling a course" in html
    async with browser(server, fair.author.cookies) as http:
        html, _token = await page_and_token(http, public)
        assert "Reason: Selling a course" in html
    async with browser(server, fair.panel_moderator.cookies) as http:
        _html, token = await page_and_token(http, moderate)
        assert await act(http, token, "qa.question.restore", "A fair question after all") == 303
    async with db.reading() as session:
        question = await session.get(Question, fair.question_id)
    assert question is not None
    assert (question.state, question.hidden_reason) == ("approved", "A fair question after all")


async def test_a_booth_chat_message_is_removed_only_with_a_reason_from_its_plain_form(
    server: RunningServer,
) -> None:
    """The team's plain remove form without a reason is refused and the message stays; with
    one, the message is gone and keeps the reason."""
    db = server.services.db
    fair = await scene(db)
    async with db.reading() as session:
        booth = await session.get(Booth, fair.booth_id)
    assert booth is not None
    page, path = f"/booths/{booth.slug}", f"/booths/{booth.slug}/chat/{fair.message_id}/remove"
    async with browser(server, fair.team_member.cookies) as http:
        html, token = await page_and_token(http, page)
        assert f'action="{path}"' in html and 'name="reason"' in html
        refused = await http.post(path, data={"csrf": token, "reason": " "})
        assert refused.status_code == 422
        async with db.reading() as session:
            message = await session.get(ChatMessage, fair.message_id)
        assert message is not None and message.removed_at is None
        removed = await http.post(path, data={"csrf": token, "reason": "Prize spam"})
        assert removed.status_code == 303
    async with db.reading() as session:
        message = await session.get(ChatMessage, fair.message_id)
    assert message is not None
    assert (message.removed_at is not None, message.removed_reason) == (True, "Prize spam")
