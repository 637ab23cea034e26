"""Discussion pages over real HTTP without JavaScript: the index, a discussion with its current
round first, plain forms that post, reply, take a stance and run a round; the demo fair."""

from __future__ import annotations

from datetime import timedelta

from discussions import queries
from discussions.rules import RoundState
from fair.cli import load_demo
from fair.core.accounts.roles import Role
from fair.core.accounts.viewers import anonymous
from tests.support.discussions import discussion, post, round_in
from tests.support.forms import browser, page_and_token
from tests.support.qa import everything_logged, members
from tests.support.servers import RunningServer


async def test_the_page_shows_the_current_round_first_with_its_threads(
    server: RunningServer,
) -> None:
    """Without JavaScript the page leads with the open round's question and times (the zone
    named), then earlier and planned rounds; threads show their posts and reply counts."""
    db = server.services.db
    moderator, amina, bako = await members(db, Role.MODERATOR, "Amina", "Bako")
    talk = await discussion(db, [moderator], title="Partnerships that last")
    await round_in(db, talk, RoundState.CLOSED)
    current = await round_in(db, talk)
    await round_in(db, talk, RoundState.PLANNED, opens_in=timedelta(days=9))
    root = await post(db, amina, current, "Trust is built *slowly*.")
    await post(db, bako, current, "Agreed, with a plan.", reply_to=root)
    slug = (await queries.discussion_page(db, anonymous("v"), talk)).slug
    async with browser(server) as http:
        index = await http.get("/discussions")
        response = await http.get(f"/discussions/{slug}")
    assert index.status_code == 200
    assert f'href="/discussions/{slug}"' in index.text
    html = response.text
    assert response.status_code == 200
    assert html.index('id="round-2"') < html.index('id="round-1"') < html.index('id="round-3"')
    assert "Earlier rounds" in html and "Rounds to come" in html
    assert "(UTC)" in html
    assert "<em>slowly</em>" in html and "Agreed, with a plan." in html
    assert "<span data-reply-count>1</span>" in html
    assert "Log in to take part" in html
    assert 'action="/discussions/act"' not in html


async def test_a_plain_form_posts_replies_and_takes_a_stance(server: RunningServer) -> None:
    """A participant without JavaScript starts a thread, replies and takes a stance through
    `/discussions/act`, each time sent back to the round."""
    db = server.services.db
    moderator, amina, bako = await members(db, Role.MODERATOR, "Amina", "Bako")
    talk = await discussion(db, [moderator])
    round_id = await round_in(db, talk)
    slug = (await queries.discussion_page(db, anonymous("v"), talk)).slug
    page = f"/discussions/{slug}"
    back = f"{page}#round-1"
    async with browser(server, amina.cookies) as http:
        html, token = await page_and_token(http, page)
        assert 'name="type" value="discussions.contribution.post"' in html
        response = await http.post(
            "/discussions/act",
            data={
                "csrf": token,
                "type": "discussions.contribution.post",
                "back": back,
                "round_id": str(round_id),
                "reply_to_id": "",
                "body": "Posted from a **plain** form",
            },
        )
    assert response.status_code == 303
    assert response.headers["location"] == back
    thread = (await queries.discussion_page(db, anonymous("v"), talk)).current
    assert thread is not None
    [root] = thread.threads
    assert root.root.body_html == "<p>Posted from a <strong>plain</strong> form</p>\n"
    async with browser(server, bako.cookies) as http:
        html, token = await page_and_token(http, page)
        for fields in (
            {"type": "discussions.contribution.post", "reply_to_id": str(root.root.id)}
            | {"round_id": str(round_id), "body": "A reply without script"},
            {"type": "discussions.stance.set", "contribution_id": str(root.root.id)}
            | {"stance": "disagree"},
        ):
            response = await http.post(
                "/discussions/act", data={"csrf": token, "back": back, **fields}
            )
            assert response.status_code == 303, response.text
    shown = await queries.discussion_page(db, bako.viewer, talk)
    assert shown.current is not None
    [thread_now] = shown.current.threads
    assert [r.body_html for r, _s in thread_now.replies] == ["<p>A reply without script</p>\n"]
    assert thread_now.stances.disagree == 1 and shown.my_stances == {root.root.id: "disagree"}


async def test_a_moderator_closes_the_round_from_the_page(server: RunningServer) -> None:
    """The moderator's page has the round forms; the close form closes the round, and then a
    participant's post is refused with `discussions.round_closed`, changing nothing."""
    db = server.services.db
    moderator, amina = await members(db, Role.MODERATOR, "Amina")
    talk = await discussion(db, [moderator])
    round_id = await round_in(db, talk)
    slug = (await queries.discussion_page(db, anonymous("v"), talk)).slug
    page = f"/discussions/{slug}"
    async with browser(server, moderator.cookies) as http:
        html, token = await page_and_token(http, page)
        assert 'value="discussions.round.close"' in html
        assert 'value="discussions.round.extend"' in html
        response = await http.post(
            "/discussions/act",
            data={
                "csrf": token,
                "type": "discussions.round.close",
                "back": page,
                "round_id": str(round_id),
            },
        )
        assert response.status_code == 303
    shown = await queries.discussion_page(db, anonymous("v"), talk)
    assert shown.current is not None and shown.current.round.state == "closed"
    before = len(await everything_logged(db))
    async with browser(server, amina.cookies) as http:
        _html, token = await page_and_token(http, page)
        response = await http.post(
            "/discussions/act",
            data={
                "csrf": token,
                "type": "discussions.contribution.post",
                "back": page,
                "round_id": str(round_id),
                "body": "Too late",
            },
            headers={"accept": "application/json"},
        )
    assert response.status_code == 409
    assert "discussions.round_closed" in response.text
    assert len(await everything_logged(db)) == before


async def test_the_demo_fair_has_the_building_partnership_theme(server: RunningServer) -> None:
    """The demo loads a theme with two discussions, the first in a synthesised (its synthesis
    citing three posts), an open (seeded with two questions carried over from the closed
    panel, then threads, replies and stances) and a planned round; loading again adds
    nothing."""
    lines = await load_demo(server.services.settings)
    assert "Discussions: 1 demo themes (1 new)" in lines
    db = server.services.db
    index = await queries.index(db)
    [theme] = index.themes
    assert theme.name == "Building partnership"
    assert len(theme.discussions) == 2
    first = theme.discussions[0]
    talk = await queries.discussion_id_for(db, first.slug)
    page = await queries.discussion_page(db, anonymous("v"), talk)
    assert page.current is not None
    assert page.current.round.state == "open"
    assert [s.round.state for s in page.earlier] == ["synthesised"]
    assert [s.round.state for s in page.later] == ["planned"]
    [synthesised] = page.earlier
    assert len(page.extras.syntheses[synthesised.round.id].citations) == 3
    seeds = [t for t in page.current.threads if "at the panel" in t.root.body_html]
    threads = [t for t in page.current.threads if t not in seeds]
    assert len(seeds) == 2 and "honest" in seeds[0].root.body_html
    # Two threads with replies (the first pinned), then the demo's reported post (its hidden
    # one is not shown).
    assert len(threads) == 3
    assert all(thread.replies for thread in threads[:2])
    assert threads[0].stances.agree == 2
    async with browser(server) as http:
        assert (await http.get(f"/discussions/{first.slug}")).status_code == 200
    assert "Discussions: 1 demo themes (0 new)" in await load_demo(server.services.settings)
