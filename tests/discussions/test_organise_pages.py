"""The organisers' discussions page and a discussion's "plan a round" form, over real HTTP
without JavaScript: who may use them, what they set up, and what a refusal leaves."""

from __future__ import annotations

from sqlalchemy import func, select

from discussions import queries
from discussions.models import Discussion, DiscussionModerator, Round, Theme
from fair.core.accounts.roles import Role
from fair.core.accounts.viewers import anonymous
from fair.core.db import Database
from tests.support.discussions import discussion
from tests.support.forms import browser, page_and_token
from tests.support.qa import members
from tests.support.servers import RunningServer


async def _count(db: Database, model: type[Theme] | type[Discussion] | type[Round]) -> int:
    async with db.reading() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_an_organiser_sets_up_a_theme_and_a_discussion_from_the_page(
    server: RunningServer,
) -> None:
    """The page's two forms make a theme, then a discussion in it with its moderator, which
    the organiser is taken to; the organisers' menu of every feature links the page."""
    db = server.services.db
    organiser, moderator = await members(db, Role.ORGANISER, Role.MODERATOR)
    async with browser(server, organiser.cookies) as http:
        setup = await http.get("/organise")
        assert 'href="/organise/discussions"' in setup.text
        html, token = await page_and_token(http, "/organise/discussions")
        assert "No themes yet" in html and 'aria-current="page">Discussions' in html
        made = await http.post(
            "/organise/discussions",
            data={"csrf": token, "section": "theme", "name": "Building partnership"},
        )
        assert made.status_code == 303
        assert made.headers["location"].endswith("#theme-building-partnership")
        html, token = await page_and_token(http, "/organise/discussions")
        async with db.reading() as session:
            theme_id = await session.scalar(select(Theme.id))
        assert f'<option value="{theme_id}"' in html
        made = await http.post(
            "/organise/discussions",
            data={
                "csrf": token,
                "section": "discussion",
                "theme_id": str(theme_id),
                "title": "Partnerships that last",
                "moderators": f" {moderator.user.email} ;",
            },
        )
        assert made.status_code == 303
        assert made.headers["location"] == "/discussions/partnerships-that-last"
    async with db.reading() as session:
        moderators = list(await session.scalars(select(DiscussionModerator.user_id)))
    assert moderators == [moderator.id]


async def test_an_unknown_moderator_is_named_and_nothing_is_set_up(server: RunningServer) -> None:
    """A discussion naming an e-mail without an account comes back as typed, with the field's
    error naming the e-mail, and no discussion is made."""
    db = server.services.db
    [organiser] = await members(db, Role.ORGANISER)
    await discussion(db, [])
    theme_id = (await queries.index(db)).themes[0].id
    before = await _count(db, Discussion)
    async with browser(server, organiser.cookies) as http:
        _html, token = await page_and_token(http, "/organise/discussions")
        refused = await http.post(
            "/organise/discussions",
            data={
                "csrf": token,
                "section": "discussion",
                "theme_id": str(theme_id),
                "title": "Typed title kept",
                "moderators": "nobody@example.org",
            },
        )
    assert refused.status_code == 422
    assert "nobody@example.org" in refused.text and 'value="Typed title kept"' in refused.text
    assert await _count(db, Discussion) == before


async def test_only_organisers_reach_the_page_or_set_anything_up(server: RunningServer) -> None:
    """A moderator is refused the page and its form (with a valid token), and nothing is made."""
    db = server.services.db
    [moderator] = await members(db, Role.MODERATOR)
    async with browser(server, moderator.cookies) as http:
        assert (await http.get("/organise/discussions")).status_code == 403
        _html, token = await page_and_token(http, "/discussions")
        refused = await http.post(
            "/organise/discussions", data={"csrf": token, "section": "theme", "name": "Mine"}
        )
    assert refused.status_code == 403
    assert await _count(db, Theme) == 0


async def test_a_moderator_plans_a_round_from_the_discussion_page(server: RunningServer) -> None:
    """The discussion's moderator (not a participant) sees the plan-a-round form; it adds a
    planned round, with the times in the fair's zone, and the page shows who follows now."""
    db = server.services.db
    moderator, amina = await members(db, Role.MODERATOR, "Amina")
    talk = await discussion(db, [moderator])
    slug = (await queries.discussion_page(db, anonymous("v"), talk)).slug
    page = f"/discussions/{slug}"
    async with browser(server, amina.cookies) as http:
        html, _token = await page_and_token(http, page)
        assert "discussions.round.add" not in html
    async with browser(server, moderator.cookies) as http:
        html, token = await page_and_token(http, page)
        assert 'value="discussions.round.add"' in html
        assert '<option value="UTC" selected>UTC (the fair\u2019s)</option>' in html
        assert "data-viewers>0<" in html
        planned = await http.post(
            "/discussions/act",
            data={
                "csrf": token,
                "type": "discussions.round.add",
                "back": page,
                "discussion_id": str(talk),
                "question": "Who should sit at the table?",
                "opens_at": "2030-03-01T09:00",
                "closes_at": "2030-03-08T18:00",
            },
        )
    assert planned.status_code == 303
    shown = await queries.discussion_page(db, anonymous("v"), talk)
    assert shown.current is not None
    assert shown.current.round.question == "Who should sit at the table?"
    assert shown.current.round.state == "planned"
    assert shown.current.round.opens_at.isoformat() == "2030-03-01T09:00:00+00:00"
