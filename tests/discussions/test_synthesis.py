"""Syntheses on real SQLite and PostgreSQL: drafts for moderators, publishing moves the round
to synthesised and tells followers and cited authors; only a closed round's own visible posts
may be cited; a post hidden later is shown as withdrawn, never its text."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import update

from discussions import queries
from discussions.actions import setup, synthesis
from discussions.channels import discussion_channel
from discussions.inputs import RoundRef, SynthesisDraft
from discussions.models import Contribution
from discussions.rules import RoundState, cited_in
from fair.core.accounts.channels import user_channel
from fair.core.accounts.roles import Role
from fair.core.accounts.viewers import SYSTEM, anonymous
from fair.core.db import Database
from fair.core.errors import FairError
from fair.core.inputs import parse
from tests.support.discussions import discussion, post, round_in
from tests.support.qa import Member, everything_logged, logged, members


async def refused(db: Database, code: str, run: Any) -> None:
    """`run()` is refused with `code` and records nothing at all."""
    before = len(await everything_logged(db))
    with pytest.raises(FairError) as caught:
        await run()
    assert caught.value.code == code
    assert len(await everything_logged(db)) == before


async def hide(db: Database, post_id: int) -> None:
    """Hide a post as moderation would (the hiding action comes with another part)."""
    async with db.transaction() as tx:
        await tx.session.execute(
            update(Contribution).where(Contribution.id == post_id).values(hidden=True)
        )


async def closed_round(db: Database) -> tuple[Member, Member, Member, int, int, list[int]]:
    """A moderator, Amina and Bako, a discussion, its closed round and three posts in it
    (Amina's thread, Bako's reply, Amina's second thread)."""
    moderator, amina, bako = await members(db, Role.PARTICIPANT, "Amina", "Bako")
    talk = await discussion(db, [moderator])
    round_id = await round_in(db, talk)
    first = await post(db, amina, round_id, "Joint committees meet every quarter.")
    reply = await post(db, bako, round_id, "Money alone is not a partnership.", reply_to=first)
    third = await post(db, amina, round_id, "Radio reaches villages.")
    await setup.close_round(db, SYSTEM, RoundRef(round_id=round_id))
    return moderator, amina, bako, talk, round_id, [first, reply, third]


def test_citations_are_numbered_inline_first_then_as_picked() -> None:
    """Inline markers count in the order they first appear; picked posts not cited inline
    follow, lowest id first; nothing is cited twice."""
    assert cited_in("See [[7]] and [[3]], again [[7]].", [9, 3, 5]) == [7, 3, 5, 9]
    assert cited_in("No markers [[0]] or [[x]].", []) == []


async def test_publishing_a_synthesis_moves_the_round_and_tells_followers_and_authors(
    db: Database,
) -> None:
    """The published synthesis reaches `discussion:<id>` with the round now synthesised and
    numbered citations linking to the posts; each cited author hears of it on `user:<id>`."""
    moderator, amina, bako, talk, round_id, (first, reply, _third) = await closed_round(db)
    body = f"Committees matter [[{reply}]]; so does *trust*."
    cited = await synthesis.save_synthesis(
        db, moderator.viewer, SynthesisDraft(round_id=round_id, body=body, cited_ids=[first])
    )
    assert cited == [reply, first]
    await synthesis.publish_synthesis(db, moderator.viewer, RoundRef(round_id=round_id))
    [event] = [
        json.loads(e.data)
        for e in await logged(db, discussion_channel(talk))
        if e.type == "discussions.synthesis.published"
    ]
    assert event["round"]["state"] == RoundState.SYNTHESISED.value
    assert f'<a href="#post-{reply}">[1]</a>' in event["synthesis"]["body_html"]
    assert "<em>trust</em>" in event["synthesis"]["body_html"]
    assert [
        (c["number"], c["contribution_id"], c["author_name"])
        for c in event["synthesis"]["citations"]
    ] == [(1, reply, "Bako"), (2, first, "Amina")]
    for author, post_id in ((amina, first), (bako, reply)):
        [told] = [
            json.loads(e.data)
            for e in await logged(db, user_channel(author.id))
            if e.type == "discussions.contribution.cited"
        ]
        assert told["notice"]["contribution_id"] == post_id
    page = await queries.discussion_page(db, anonymous("v"), talk)
    assert page.extras.cited == {reply: 1, first: 1}
    assert page.extras.syntheses[round_id].published


async def test_a_draft_is_seen_by_moderators_only(db: Database) -> None:
    """Until it is published, a synthesis shows on its moderators' page and on no one else's,
    and no event is recorded on the discussion's channel."""
    moderator, amina, _bako, talk, round_id, posts = await closed_round(db)
    before = len(await logged(db, discussion_channel(talk)))
    await synthesis.save_synthesis(
        db, moderator.viewer, SynthesisDraft(round_id=round_id, body="A first go.", cited_ids=posts)
    )
    mine = await queries.discussion_page(db, moderator.viewer, talk)
    assert not mine.extras.syntheses[round_id].published
    for other in (amina.viewer, anonymous("v")):
        page = await queries.discussion_page(db, other, talk)
        assert page.extras.syntheses == {} and page.extras.cited == {}
    assert len(await logged(db, discussion_channel(talk))) == before


async def test_only_a_closed_round_takes_a_synthesis(db: Database) -> None:
    """An open round cannot have a synthesis; publishing without a draft, or twice, is refused."""
    moderator, amina = await members(db, Role.PARTICIPANT, "Amina")
    talk = await discussion(db, [moderator])
    open_round = await round_in(db, talk)
    await post(db, amina, open_round, "Still talking.")
    draft = SynthesisDraft(round_id=open_round, body="Too early.")
    await refused(
        db, "discussions.not_closed", lambda: synthesis.save_synthesis(db, moderator.viewer, draft)
    )
    _m, _a, _b, _t, closed, _posts = await closed_round(db)
    await refused(
        db,
        "discussions.no_draft",
        lambda: synthesis.publish_synthesis(db, SYSTEM, RoundRef(round_id=closed)),
    )
    await synthesis.save_synthesis(db, SYSTEM, SynthesisDraft(round_id=closed, body="Done."))
    await synthesis.publish_synthesis(db, SYSTEM, RoundRef(round_id=closed))
    await refused(
        db,
        "discussions.no_draft",
        lambda: synthesis.publish_synthesis(db, SYSTEM, RoundRef(round_id=closed)),
    )
    again = SynthesisDraft(round_id=closed, body="A rewrite after publishing.")
    await refused(db, "discussions.not_closed", lambda: synthesis.save_synthesis(db, SYSTEM, again))


async def test_only_the_rounds_own_visible_posts_may_be_cited(db: Database) -> None:
    """A post of another round, a hidden post or one that does not exist is refused, inline
    or picked; a post hidden after the draft was saved stops the publishing."""
    moderator, _amina, bako, talk, round_id, (first, reply, third) = await closed_round(db)
    other_round = await round_in(db, talk)
    elsewhere = await post(db, bako, other_round, "Another round's post.")
    await hide(db, third)
    for body, picked in (
        (f"See [[{elsewhere}]].", []),
        ("Picked from elsewhere.", [elsewhere]),
        (f"Hidden [[{third}]].", []),
        ("Nothing there [[99999]].", []),
    ):
        form = SynthesisDraft(round_id=round_id, body=body, cited_ids=picked)
        await refused(
            db,
            "discussions.bad_citation",
            lambda f=form: synthesis.save_synthesis(db, moderator.viewer, f),
        )
    await synthesis.save_synthesis(
        db,
        moderator.viewer,
        SynthesisDraft(round_id=round_id, body="Ok.", cited_ids=[first, reply]),
    )
    await hide(db, reply)
    await refused(
        db,
        "discussions.bad_citation",
        lambda: synthesis.publish_synthesis(db, moderator.viewer, RoundRef(round_id=round_id)),
    )


async def test_a_cited_post_hidden_later_shows_as_withdrawn(db: Database) -> None:
    """After publishing, hiding a cited post keeps its number but shows "withdrawn" in place
    of the link, and its text and author appear nowhere on the page."""
    moderator, _amina, _bako, talk, round_id, (first, reply, _third) = await closed_round(db)
    body = f"Committees [[{first}]] and money [[{reply}]]."
    await synthesis.save_synthesis(
        db, moderator.viewer, SynthesisDraft(round_id=round_id, body=body)
    )
    await synthesis.publish_synthesis(db, moderator.viewer, RoundRef(round_id=round_id))
    await hide(db, reply)
    page = await queries.discussion_page(db, anonymous("v"), talk)
    section = page.extras.syntheses[round_id]
    assert f'href="#post-{first}">[1]</a>' in section.html
    assert "[2, withdrawn]" in section.html and f"#post-{reply}" not in section.html
    assert [(c.number, c.withdrawn, c.author_name) for c in section.citations] == [
        (1, False, "Amina"),
        (2, True, ""),
    ]
    assert page.extras.cited == {first: 1}


async def test_only_moderators_write_and_publish(db: Database) -> None:
    """A participant, even a cited author, and a visitor are refused, and nothing is written."""
    moderator, amina, _bako, _talk, round_id, posts = await closed_round(db)
    draft = SynthesisDraft(round_id=round_id, body="Mine now.", cited_ids=posts)
    await refused(
        db, "discussions.not_moderator", lambda: synthesis.save_synthesis(db, amina.viewer, draft)
    )
    await refused(
        db, "account.login_required", lambda: synthesis.save_synthesis(db, anonymous("v"), draft)
    )
    await synthesis.save_synthesis(db, moderator.viewer, draft)
    await refused(
        db,
        "discussions.not_moderator",
        lambda: synthesis.publish_synthesis(db, amina.viewer, RoundRef(round_id=round_id)),
    )


def test_a_huge_or_malformed_synthesis_is_refused_by_its_input() -> None:
    """Too long a body, too many picked posts, an id that is not one, or an unknown field."""
    for data in (
        {"round_id": 1, "body": "x" * 20_001},
        {"round_id": 1, "body": "ok ok", "cited_ids": list(range(1, 52))},
        {"round_id": 1, "body": "ok ok", "cited_ids": ["1"]},
        {"round_id": 1, "body": "ok ok", "author_id": 3},
    ):
        with pytest.raises(FairError) as caught:
            parse(SynthesisDraft, data)
        assert caught.value.code == "input.invalid"
