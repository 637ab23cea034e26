"""Contributing on real SQLite and PostgreSQL: reactions, quotes, references to booths and
panels, the booth and panel pages' "Discussed in", and the posting limit's wait."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from discussions import queries
from discussions.actions import posts, reactions, setup
from discussions.channels import discussion_channel
from discussions.inputs import Posting, ReactionToggle, RoundRef
from discussions.models import Contribution, Reference
from discussions.rules import ReactionKind
from fair.core.accounts.roles import Role
from fair.core.accounts.viewers import anonymous
from fair.core.db import Database
from fair.core.errors import FairError
from fair.hall.models import Booth
from fair.hall.rules import BoothState
from tests.discussions.test_actions import refused
from tests.support import hall
from tests.support.discussions import discussion, post, round_in
from tests.support.qa import Member, logged, members, panel

ORIGINS = frozenset({"https://fair.example"})


async def toggle(db: Database, who: Member, contribution_id: int, kind: str) -> dict[str, Any]:
    toggled = await reactions.toggle_reaction(
        db, who.viewer, ReactionToggle(contribution_id=contribution_id, kind=ReactionKind(kind))
    )
    return {"pressed": toggled.pressed, **toggled.counts.model_dump()}


async def write(
    db: Database, author: Member, round_id: int, body: str, *, quote: int | None = None
) -> Any:
    return await posts.post_contribution(
        db, author.viewer, Posting(round_id=round_id, body=body, quote_id=quote), origins=ORIGINS
    )


async def test_a_reaction_is_one_of_each_kind_per_person_and_toggles(db: Database) -> None:
    """Giving a reaction again takes it back; kinds and people count apart; everyone on the
    discussion sees the counts, never who reacted."""
    moderator, amina, bako, chidi = await members(db, Role.MODERATOR, "Amina", "Bako", "Chidi")
    talk = await discussion(db, [moderator])
    root = await post(db, amina, await round_in(db, talk), "Savings groups work.")
    assert await toggle(db, bako, root, "useful") == {
        "pressed": True,
        "useful": 1,
        "thanks": 0,
        "question": 0,
    }
    assert (await toggle(db, bako, root, "thanks"))["thanks"] == 1
    assert (await toggle(db, chidi, root, "useful"))["useful"] == 2
    assert await toggle(db, bako, root, "useful") == {
        "pressed": False,
        "useful": 1,
        "thanks": 1,
        "question": 0,
    }
    counted = [
        json.loads(e.data)
        for e in await logged(db, discussion_channel(talk))
        if e.type == "discussions.reactions.counted"
    ]
    assert [c["reactions"]["useful"] for c in counted] == [1, 1, 2, 1]
    assert all(set(c) == {"discussion_id", "contribution_id", "reactions"} for c in counted)
    page = await queries.discussion_page(db, bako.viewer, talk)
    assert page.my_reactions == {root: frozenset({"thanks"})}
    assert page.reactions_of(root).model_dump() == {"useful": 1, "thanks": 1, "question": 0}


async def test_nobody_reacts_to_their_own_post(db: Database) -> None:
    """Reacting to one's own post is refused with `discussions.own_contribution`."""
    moderator, amina = await members(db, Role.MODERATOR, "Amina")
    root = await post(db, amina, await round_in(db, await discussion(db, [moderator])), "Mine")
    await refused(db, "discussions.own_contribution", lambda: toggle(db, amina, root, "useful"))


async def test_reactions_wait_for_an_open_round(db: Database) -> None:
    """Once the round is closed, reactions are refused with `discussions.round_closed`."""
    moderator, amina, bako = await members(db, Role.MODERATOR, "Amina", "Bako")
    talk = await discussion(db, [moderator])
    round_id = await round_in(db, talk)
    root = await post(db, amina, round_id, "Late thoughts")
    await setup.close_round(db, moderator.viewer, RoundRef(round_id=round_id))
    await refused(db, "discussions.round_closed", lambda: toggle(db, bako, root, "thanks"))


async def test_a_visitor_must_log_in_to_react(db: Database) -> None:
    """Someone not logged in is told to log in, and nothing is counted."""
    moderator, amina = await members(db, Role.MODERATOR, "Amina")
    root = await post(db, amina, await round_in(db, await discussion(db, [moderator])), "Hi all")
    await refused(
        db,
        "account.login_required",
        lambda: reactions.toggle_reaction(
            db, anonymous("v"), ReactionToggle(contribution_id=root, kind=ReactionKind.USEFUL)
        ),
    )


async def test_a_post_quotes_another_of_the_discussion_with_an_excerpt(db: Database) -> None:
    """A quote names the quoted author and post and carries a bounded excerpt of its text
    (not its markup), in the event and on the page; an earlier round's post may be quoted."""
    moderator, amina, bako = await members(db, Role.MODERATOR, "Amina", "Bako")
    talk = await discussion(db, [moderator])
    first = await round_in(db, talk)
    long_body = "**Trust** " + "takes time and patience " * 30
    quoted = await post(db, amina, first, long_body)
    second = await round_in(db, talk)
    posted = await write(db, bako, second, "I agree with this.", quote=quoted)
    assert posted.quote is not None
    assert posted.quote.id == quoted and posted.quote.author_name == "Amina"
    assert posted.quote.excerpt.startswith("Trust takes time")
    assert len(posted.quote.excerpt) <= 200 and posted.quote.excerpt.endswith("…")
    assert "**" not in posted.quote.excerpt
    page = await queries.discussion_page(db, anonymous("v"), talk)
    shown = [t.root for s in [page.current, *page.earlier, *page.later] if s for t in s.threads]
    assert {c.id: c.quote for c in shown}[posted.id] == posted.quote


async def test_a_quote_stays_in_its_discussion_and_shown(db: Database) -> None:
    """Quoting a post of another discussion (`discussions.other_discussion`), a hidden one or
    one that does not exist (`discussions.contribution_not_found`) is refused."""
    moderator, amina, bako = await members(db, Role.MODERATOR, "Amina", "Bako")
    talk, other = await discussion(db, [moderator]), await discussion(db, [moderator], "Other")
    here, there = await round_in(db, talk), await round_in(db, other)
    elsewhere = await post(db, amina, there, "Elsewhere")
    hidden = await post(db, amina, here, "To be hidden")
    async with db.transaction() as tx:
        row = await tx.session.get(Contribution, hidden)
        assert row is not None
        row.hidden = True
    await refused(
        db, "discussions.other_discussion", lambda: write(db, bako, here, "Hm", quote=elsewhere)
    )
    for missing in (hidden, 10**9):
        await refused(
            db,
            "discussions.contribution_not_found",
            lambda missing=missing: write(db, bako, here, "Hm", quote=missing),
        )


async def test_booths_and_panels_named_in_a_post_become_cards_and_are_stored(
    db: Database,
) -> None:
    """`#booth-<address>`, `#panel-<id>` and pasted links of this fair become card links in
    the order named, each once; a draft booth, an unknown one, a foreign site's link stay
    plain text and are not stored, so a draft's name never shows."""
    organiser, moderator, amina = await members(db, Role.ORGANISER, Role.MODERATOR, "Amina")
    public = await hall.booth(db, organiser.viewer, title="Village savings")
    draft = await hall.booth(db, organiser.viewer, title="Secret plans", published=False)
    talk_panel = await panel(db, organiser, title="Remittances that build")
    talk = await discussion(db, [moderator])
    body = (
        f"See https://fair.example/panels/{talk_panel.slug} and #booth-{public.slug}, "
        f"also #booth-{draft.slug}, #booth-nowhere, #panel-{talk_panel.id} again, "
        f"https://elsewhere.example/booths/{public.slug} and #panel-99999999999."
    )
    posted = await write(db, amina, await round_in(db, talk), body)
    assert [(c.kind, c.title, c.href) for c in posted.references] == [
        ("panel", "Remittances that build", f"/panels/{talk_panel.slug}"),
        ("booth", "Village savings", f"/booths/{public.slug}"),
    ]
    assert "Secret plans" not in json.dumps(
        [e.data for e in await logged(db, discussion_channel(talk))]
    )
    async with db.reading() as session:
        rows = await session.execute(select(Reference.kind, Reference.target_id))
        stored = {(kind, target) for kind, target in rows.all()}
    assert stored == {("panel", talk_panel.id), ("booth", public.id)}


async def test_the_booth_and_the_panel_list_the_discussions_that_cite_them(db: Database) -> None:
    """Each cited booth and panel is "discussed in" the discussion (once, however many posts
    cite it); a booth back in draft keeps its citations off the discussion's page."""
    organiser, moderator, amina, bako = await members(
        db, Role.ORGANISER, Role.MODERATOR, "Amina", "Bako"
    )
    booth = await hall.booth(db, organiser.viewer, title="Village savings")
    talk_panel = await panel(db, organiser)
    talk = await discussion(db, [moderator], "Building partnership")
    round_id = await round_in(db, talk)
    first = await write(db, amina, round_id, f"#booth-{booth.slug} and #panel-{talk_panel.id}")
    latest = await write(db, bako, round_id, f"Again #booth-{booth.slug}")
    async with db.reading() as session:
        for_booth = await queries.citing_discussions(session, "booth", booth.id)
        for_panel = await queries.citing_discussions(session, "panel", talk_panel.id)
        for_other = await queries.citing_discussions(session, "panel", talk_panel.id + 1)
    assert [(c.title, c.href) for c in for_booth] == [
        ("Building partnership", f"/discussions/building-partnership#post-{latest.id}")
    ]
    assert [c.href for c in for_panel] == [f"/discussions/building-partnership#post-{first.id}"]
    assert for_other == []
    async with db.transaction() as tx:
        row = await tx.session.get(Booth, booth.id)
        assert row is not None
        row.state = BoothState.DRAFT.value
    page = await queries.discussion_page(db, anonymous("v"), talk)
    assert page.current is not None
    assert [[c.kind for c in t.root.references] for t in page.current.threads] == [["panel"], []]


async def test_a_quote_of_a_closed_rounds_post_is_allowed(db: Database) -> None:
    """A post of a closed round may still be quoted from the open one."""
    moderator, amina, bako = await members(db, Role.MODERATOR, "Amina", "Bako")
    talk = await discussion(db, [moderator])
    early = await round_in(db, talk)
    quoted = await post(db, amina, early, "Said in round one")
    await setup.close_round(db, moderator.viewer, RoundRef(round_id=early))
    posted = await write(db, bako, await round_in(db, talk), "Back to that", quote=quoted)
    assert posted.quote is not None and posted.quote.id == quoted
    with pytest.raises(FairError):
        await write(db, bako, early, "Not here", quote=quoted)
