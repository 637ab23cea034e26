"""Discussion actions on real SQLite and PostgreSQL: rounds, posts, replies, stances, refusals."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from discussions import queries
from discussions.actions import posts, setup
from discussions.channels import INDEX, discussion_channel
from discussions.inputs import (
    DiscussionCreation,
    Extension,
    Posting,
    RoundRef,
    StanceInput,
    ThemeCreation,
)
from discussions.rules import RoundState, StanceKind
from fair.core.accounts.roles import Role
from fair.core.accounts.viewers import SYSTEM, anonymous
from fair.core.db import Database
from fair.core.errors import FairError
from fair.core.tables import utcnow
from tests.support.discussions import discussion, post, round_in
from tests.support.qa import everything_logged, logged, members


def payloads(events: list[Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(e.type, json.loads(e.data)) for e in events]


async def refused(db: Database, code: str, run: Any) -> None:
    """`run()` is refused with `code` and records nothing at all."""
    before = len(await everything_logged(db))
    with pytest.raises(FairError) as caught:
        await run()
    assert caught.value.code == code
    assert len(await everything_logged(db)) == before


async def test_a_thread_and_its_replies_reach_every_follower_of_the_discussion(
    db: Database,
) -> None:
    """A new post opens a thread, replies (even to a reply) join it, and each is an event on
    `discussion:<id>` with the thread's reply count."""
    moderator, amina, bako = await members(db, Role.MODERATOR, "Amina", "Bako")
    talk = await discussion(db, [moderator])
    round_id = await round_in(db, talk)
    root = await post(db, amina, round_id, "Partnerships need **time**.")
    reply = await post(db, bako, round_id, "And money.", reply_to=root)
    await post(db, amina, round_id, "Both, then.", reply_to=reply)
    posted = [
        data["contribution"]
        for kind, data in payloads(await logged(db, discussion_channel(talk)))
        if kind == "discussions.contribution.posted"
    ]
    assert [(p["thread_id"], p["replies"], p["author_name"]) for p in posted] == [
        (None, 0, "Amina"),
        (root, 1, "Bako"),
        (root, 2, "Amina"),
    ]
    assert posted[0]["body_html"] == "<p>Partnerships need <strong>time</strong>.</p>\n"
    page = await queries.discussion_page(db, anonymous("v"), talk)
    assert page.current is not None
    [thread] = page.current.threads
    assert thread.root.id == root
    assert [r.author_name for r, _s in thread.replies] == ["Bako", "Amina"]
    assert page.current.posts == 3


async def test_a_post_is_shown_as_sanitised_markdown(db: Database) -> None:
    """Raw HTML and script links in a post never reach a page or an event as markup."""
    moderator, amina = await members(db, Role.MODERATOR, "Amina")
    round_id = await round_in(db, await discussion(db, [moderator]))
    await post(db, amina, round_id, "<script>alert(1)</script> [x](javascript:alert(1))")
    [event] = [
        data
        for kind, data in payloads(await everything_logged(db))
        if kind == "discussions.contribution.posted"
    ]
    html = event["contribution"]["body_html"]
    assert "<script" not in html and "href" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize("state", [RoundState.PLANNED, RoundState.CLOSED])
async def test_nobody_posts_in_a_round_that_is_not_open(db: Database, state: RoundState) -> None:
    """A planned or closed round refuses posts with `discussions.round_closed`."""
    moderator, amina = await members(db, Role.MODERATOR, "Amina")
    round_id = await round_in(db, await discussion(db, [moderator]), state)
    await refused(
        db, "discussions.round_closed", lambda: post(db, amina, round_id, "Too early or late")
    )


async def test_a_visitor_must_log_in_to_post(db: Database) -> None:
    """Someone not logged in is told to log in, and nothing is posted."""
    (moderator,) = await members(db, Role.MODERATOR)
    round_id = await round_in(db, await discussion(db, [moderator]))
    await refused(
        db,
        "account.login_required",
        lambda: posts.post_contribution(
            db, anonymous("v"), Posting(round_id=round_id, body="Hello there")
        ),
    )


async def test_a_reply_stays_in_the_round_of_the_post(db: Database) -> None:
    """Replying from one round to a post of another is refused with `discussions.other_round`."""
    moderator, amina = await members(db, Role.MODERATOR, "Amina")
    talk = await discussion(db, [moderator])
    first, second = await round_in(db, talk), await round_in(db, talk)
    root = await post(db, amina, first, "In the first round")
    await refused(
        db,
        "discussions.other_round",
        lambda: post(db, amina, second, "Crossing rounds", reply_to=root),
    )


async def test_one_stance_per_person_changeable_and_taken_back(db: Database) -> None:
    """A stance is one per person: changing it moves the count, none takes it back; everyone
    on the discussion sees the counts, never who took which."""
    moderator, amina, bako, chidi = await members(db, Role.MODERATOR, "Amina", "Bako", "Chidi")
    talk = await discussion(db, [moderator])
    root = await post(db, amina, await round_in(db, talk), "Shared plans help.")

    async def stance(who: Any, kind: StanceKind | None) -> dict[str, int]:
        counts = await posts.set_stance(
            db, who.viewer, StanceInput(contribution_id=root, stance=kind)
        )
        return counts.model_dump()

    assert await stance(bako, StanceKind.AGREE) == {"agree": 1, "nuance": 0, "disagree": 0}
    assert await stance(chidi, StanceKind.AGREE) == {"agree": 2, "nuance": 0, "disagree": 0}
    assert await stance(bako, StanceKind.NUANCE) == {"agree": 1, "nuance": 1, "disagree": 0}
    assert await stance(chidi, None) == {"agree": 0, "nuance": 1, "disagree": 0}
    counted = [
        data
        for kind, data in payloads(await logged(db, discussion_channel(talk)))
        if kind == "discussions.stances.counted"
    ]
    assert len(counted) == 4
    assert set(counted[-1]) == {"discussion_id", "contribution_id", "stances"}
    page = await queries.discussion_page(db, bako.viewer, talk)
    assert page.my_stances == {root: "nuance"}


async def test_nobody_takes_a_stance_on_their_own_post(db: Database) -> None:
    """The author's stance on their own post is refused with `discussions.own_contribution`."""
    moderator, amina = await members(db, Role.MODERATOR, "Amina")
    root = await post(db, amina, await round_in(db, await discussion(db, [moderator])), "Mine")
    await refused(
        db,
        "discussions.own_contribution",
        lambda: posts.set_stance(
            db, amina.viewer, StanceInput(contribution_id=root, stance=StanceKind.AGREE)
        ),
    )


async def test_moderators_open_close_reopen_and_extend_a_round(db: Database) -> None:
    """The discussion's moderator opens a planned round, closes it, re-opens it and moves its
    deadline later; each move is an event for everyone following."""
    moderator, organiser = await members(db, Role.PARTICIPANT, Role.ORGANISER)
    talk = await discussion(db, [moderator])
    round_id = await round_in(db, talk, RoundState.PLANNED, opens_in=timedelta(days=1))
    ref = RoundRef(round_id=round_id)
    assert (await setup.open_round(db, moderator.viewer, ref)).state == "open"
    assert (await setup.close_round(db, moderator.viewer, ref)).state == "closed"
    assert (await setup.open_round(db, organiser.viewer, ref)).state == "open"
    later = utcnow() + timedelta(days=30)
    extended = await setup.extend_round(
        db, moderator.viewer, Extension(round_id=round_id, closes_at=later)
    )
    assert extended.closes_at == later
    kinds = [kind for kind, _d in payloads(await logged(db, discussion_channel(talk)))]
    assert kinds == [
        "discussions.round.added",
        "discussions.round.opened",
        "discussions.round.closed",
        "discussions.round.opened",
        "discussions.round.extended",
    ]


async def test_only_the_discussions_moderators_and_organisers_run_rounds(db: Database) -> None:
    """A participant, or a fair-wide moderator not on this discussion's team, cannot open a
    round: `discussions.not_moderator`."""
    moderator, other, amina = await members(db, Role.MODERATOR, Role.MODERATOR, "Amina")
    round_id = await round_in(
        db, await discussion(db, [moderator]), RoundState.PLANNED, opens_in=timedelta(days=1)
    )
    for who in (other, amina):
        await refused(
            db,
            "discussions.not_moderator",
            lambda who=who: setup.open_round(db, who.viewer, RoundRef(round_id=round_id)),
        )


async def test_a_move_off_the_transitions_is_refused(db: Database) -> None:
    """Closing a planned round is refused with `discussions.bad_transition`."""
    (moderator,) = await members(db, Role.MODERATOR)
    round_id = await round_in(
        db, await discussion(db, [moderator]), RoundState.PLANNED, opens_in=timedelta(days=1)
    )
    await refused(
        db,
        "discussions.bad_transition",
        lambda: setup.close_round(db, moderator.viewer, RoundRef(round_id=round_id)),
    )


async def test_a_deadline_is_only_moved_later(db: Database) -> None:
    """An extension to an earlier time is refused with `discussions.bad_deadline`."""
    (moderator,) = await members(db, Role.MODERATOR)
    round_id = await round_in(db, await discussion(db, [moderator]))
    await refused(
        db,
        "discussions.bad_deadline",
        lambda: setup.extend_round(
            db, moderator.viewer, Extension(round_id=round_id, closes_at=utcnow())
        ),
    )


async def test_only_organisers_set_up_discussions_with_known_moderators(db: Database) -> None:
    """A participant may not set up a discussion; an unknown moderator e-mail is named; a set-up
    discussion is announced on `discussions`."""
    moderator, amina = await members(db, Role.MODERATOR, "Amina")
    talk = await discussion(db, [moderator])
    page = await queries.discussion_page(db, moderator.viewer, talk)
    assert page.may_moderate and page.moderators == [moderator.name]
    theme_id = (await queries.index(db)).themes[0]
    assert theme_id.discussions[0].slug == page.slug
    form = DiscussionCreation(theme_id=1, title="Another discussion")
    await refused(db, "account.forbidden", lambda: setup.create_discussion(db, amina.viewer, form))
    unknown = DiscussionCreation(theme_id=1, title="Another one", moderators=["no@example.org"])
    with pytest.raises(FairError) as caught:
        await setup.create_discussion(db, SYSTEM, unknown)
    assert caught.value.code == "input.invalid"
    assert "no@example.org" in str(caught.value.fields)
    kinds = [kind for kind, _d in payloads(await logged(db, INDEX))]
    assert kinds == ["discussions.theme.created", "discussions.discussion.created"]


async def test_themes_of_the_same_long_name_get_distinct_short_addresses(db: Database) -> None:
    """A second theme of the same (very long) name gets `-2`, within the 80-character address;
    a typed address is made a slug too."""
    name = "Partnership " * 12
    first = await setup.create_theme(db, SYSTEM, ThemeCreation(name=name))
    second = await setup.create_theme(db, SYSTEM, ThemeCreation(name=name))
    typed = await setup.create_theme(db, SYSTEM, ThemeCreation(name="Typed", slug="100% Ours_"))
    assert first.slug != second.slug and second.slug.endswith("-2")
    assert max(len(first.slug), len(second.slug)) <= 80
    assert typed.slug == "100-ours"
