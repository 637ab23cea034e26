"""Contributing over real HTTP and sockets: reaction buttons that work without JavaScript,
the quote link that attaches a quote to the form, the booth and panel pages' "Discussed in",
and the posting limit's wait on the form and the socket."""

from __future__ import annotations

from discussions import queries
from fair.cli import load_demo
from fair.core.accounts.roles import Role
from fair.core.accounts.viewers import anonymous
from tests.support import hall
from tests.support.discussions import discussion, post, round_in
from tests.support.forms import browser, page_and_token
from tests.support.live_client import CommandRefused, live_client
from tests.support.qa import everything_logged, members, panel
from tests.support.servers import RunningServer


async def slug_of(server: RunningServer, talk: int) -> str:
    return (await queries.discussion_page(server.services.db, anonymous("v"), talk)).slug


def reaction_forms(html: str, contribution_id: int) -> int:
    """How many reaction forms the page has for this post."""
    return sum(
        1
        for form in html.split("<form")[1:]
        if 'value="discussions.reaction.toggle"' in form.split("</form>")[0]
        and f'name="contribution_id" value="{contribution_id}"' in form.split("</form>")[0]
    )


async def test_a_plain_form_toggles_a_reaction_shown_pressed(server: RunningServer) -> None:
    """Without JavaScript a participant gives a reaction, sees it pressed with its count, and
    takes it back with the same button; their own post has no reaction buttons."""
    db = server.services.db
    moderator, amina, bako = await members(db, Role.MODERATOR, "Amina", "Bako")
    talk = await discussion(db, [moderator])
    root = await post(db, amina, await round_in(db, talk), "Savings groups work.")
    page = f"/discussions/{await slug_of(server, talk)}"
    async with browser(server, amina.cookies) as http:
        own, _token = await page_and_token(http, page)
    assert reaction_forms(own, root) == 0
    assert "<span data-reaction-useful>0</span>" in own
    async with browser(server, bako.cookies) as http:
        html, token = await page_and_token(http, page)
        assert reaction_forms(html, root) == 3
        fields = {
            "csrf": token,
            "back": page,
            "type": "discussions.reaction.toggle",
            "contribution_id": str(root),
            "kind": "useful",
        }
        response = await http.post("/discussions/act", data=fields)
        assert response.status_code == 303, response.text
        pressed = (await http.get(page)).text
        await http.post("/discussions/act", data=fields)
        released = (await http.get(page)).text
    assert 'aria-pressed="true">Useful <span data-reaction-useful>1</span>' in pressed
    assert 'aria-pressed="false">Useful <span data-reaction-useful>0</span>' in released


async def test_the_quote_link_attaches_the_quote_to_the_form(server: RunningServer) -> None:
    """`?quote=<id>` renders the compose form with the quote attached and previewed; posting
    it shows a blockquote naming the quoted author and linking to the post; a post of another
    discussion is not offered."""
    db = server.services.db
    moderator, amina, bako = await members(db, Role.MODERATOR, "Amina", "Bako")
    talk, other = await discussion(db, [moderator]), await discussion(db, [moderator], "Other")
    round_id = await round_in(db, talk)
    quoted = await post(db, amina, round_id, "Trust takes *time*.")
    elsewhere = await post(db, amina, await round_in(db, other), "Far away words")
    page = f"/discussions/{await slug_of(server, talk)}"
    async with browser(server, bako.cookies) as http:
        html, token = await page_and_token(http, page)
        assert f'href="{page}?quote={quoted}#compose"' in html
        attached, _token = await page_and_token(http, f"{page}?quote={quoted}")
        assert f'name="quote_id" value="{quoted}"' in attached
        assert "<p data-quoting-excerpt>Trust takes time.</p>" in attached
        foreign, _token = await page_and_token(http, f"{page}?quote={elsewhere}")
        assert 'name="quote_id" value=""' in foreign and "Far away words" not in foreign
        response = await http.post(
            "/discussions/act",
            data={
                "csrf": token,
                "back": page,
                "type": "discussions.contribution.post",
                "round_id": str(round_id),
                "quote_id": str(quoted),
                "body": "Indeed.",
            },
        )
        assert response.status_code == 303, response.text
        shown = (await http.get(page)).text
    assert f'<a href="#post-{quoted}" data-quote-source>Amina wrote</a>' in shown
    assert "<p data-quote-excerpt>Trust takes time.</p>" in shown


async def test_the_booth_and_panel_pages_say_where_they_are_discussed(
    server: RunningServer,
) -> None:
    """A post naming a booth and a panel shows them as cards, and the booth's and the panel's
    pages list the discussion under "Discussed in" with a link to the post."""
    db = server.services.db
    organiser, moderator, amina = await members(db, Role.ORGANISER, Role.MODERATOR, "Amina")
    booth = await hall.booth(db, organiser.viewer, title="Village savings")
    talk_panel = await panel(db, organiser, title="Remittances that build")
    talk = await discussion(db, [moderator], "Savings and partnership")
    cited = await post(
        db, amina, await round_in(db, talk), f"See #booth-{booth.slug} and #panel-{talk_panel.id}"
    )
    link = (
        f'<a href="/discussions/savings-and-partnership#post-{cited}">Savings and partnership</a>'
    )
    async with browser(server) as http:
        discussion_page = (await http.get("/discussions/savings-and-partnership")).text
        booth_page = (await http.get(f"/booths/{booth.slug}")).text
        panel_page = (await http.get(f"/panels/{talk_panel.slug}")).text
    assert f'href="/booths/{booth.slug}"><span class="hint">Booth</span> Village savings' in (
        discussion_page
    )
    assert f'href="/panels/{talk_panel.slug}"><span class="hint">Panel</span> Remittances' in (
        discussion_page
    )
    for html in (booth_page, panel_page):
        assert "Discussed in" in html and link in html


async def test_the_posting_limit_says_how_long_to_wait_on_the_form_and_the_socket(
    server: RunningServer,
) -> None:
    """The eleventh post in five minutes is refused with the seconds to wait: a 429 with
    `Retry-After` and the wait in the message on the form path, `retry_after` on the socket;
    nothing is posted."""
    db = server.services.db
    moderator, amina = await members(db, Role.MODERATOR, "Amina")
    talk = await discussion(db, [moderator])
    round_id = await round_in(db, talk)
    page = f"/discussions/{await slug_of(server, talk)}"
    async with live_client(server.ws_url, cookies=amina.cookies) as socket:
        for n in range(10):
            await socket.command(
                "discussions.contribution.post", {"round_id": round_id, "body": f"Post {n}"}
            )
        before = len(await everything_logged(db))
        try:
            await socket.command(
                "discussions.contribution.post", {"round_id": round_id, "body": "One more"}
            )
        except CommandRefused as refusal:
            error = refusal.error
        else:
            raise AssertionError("the eleventh post was taken")
    assert error["code"] == "discussions.post.rate_limited"
    assert 1 <= error["retry_after"] <= 300
    assert f"{error['retry_after']} second" in error["message"]
    async with browser(server, amina.cookies) as http:
        _html, token = await page_and_token(http, page)
        response = await http.post(
            "/discussions/act",
            data={
                "csrf": token,
                "back": page,
                "type": "discussions.contribution.post",
                "round_id": str(round_id),
                "body": "Still one more",
            },
        )
    assert response.status_code == 429
    wait = int(response.headers["retry-after"])
    assert 1 <= wait <= 300
    assert f"Please wait {wait} second" in response.text
    assert len(await everything_logged(db)) == before


async def test_the_demo_discussion_has_reactions_a_quote_and_citations(
    server: RunningServer,
) -> None:
    """The demo's open round has reactions, a post quoting another and a post citing a demo
    booth and a demo panel, whose pages say where they are discussed."""
    await load_demo(server.services.settings)
    db = server.services.db
    talk = await queries.discussion_id_for(db, "partnerships-for-development")
    page = await queries.discussion_page(db, anonymous("v"), talk)
    assert page.current is not None
    shown = [p for t in page.current.threads for p in (t.root, *(r for r, _s in t.replies))]
    assert page.reactions_of(page.current.threads[0].root.id).useful == 2
    assert [p.quote.excerpt for p in shown if p.quote] == [
        "A shared plan for the next project, agreed before the first one ends."
    ]
    [citing] = [p for p in shown if p.references]
    assert [c.href for c in citing.references] == [
        "/booths/remesas-solidarias",
        "/panels/diaspora-partners",
    ]
    async with browser(server) as http:
        for address in ("/booths/remesas-solidarias", "/panels/diaspora-partners"):
            html = (await http.get(address)).text
            assert "Discussed in" in html
            assert f"/discussions/partnerships-for-development#post-{citing.id}" in html
