"""Making discussion things for tests through the real actions: themes, discussions, rounds."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import select

from discussions.actions import posts, setup
from discussions.inputs import (
    DiscussionCreation,
    Posting,
    RoundCreation,
    RoundRef,
    ThemeCreation,
)
from discussions.models import Theme
from discussions.rules import RoundState
from fair.core.accounts.roles import Role
from fair.core.accounts.viewers import SYSTEM
from fair.core.db import Database
from fair.core.tables import utcnow
from fair.qa import actions as qa_actions
from fair.qa.inputs import VoteInput
from fair.qa.rules import PanelState
from tests.support.qa import Cast, Member, approve, ask, members, move_panel, panel


async def discussion(
    db: Database, moderators: list[Member], title: str = "Building partnership together"
) -> int:
    """A new theme holding one new discussion run by `moderators`; the discussion's id."""
    theme = await setup.create_theme(db, SYSTEM, ThemeCreation(name=f"Theme of {title}"))
    created = await setup.create_discussion(
        db,
        SYSTEM,
        DiscussionCreation(
            theme_id=theme.id, title=title, moderators=[m.user.email for m in moderators]
        ),
    )
    return created.id


async def round_in(
    db: Database,
    discussion_id: int,
    state: RoundState = RoundState.OPEN,
    *,
    opens_in: timedelta = timedelta(days=-1),
    lasts: timedelta = timedelta(days=7),
) -> int:
    """A round of the discussion, moved (as the system) to `state`; the round's id."""
    opens_at = utcnow() + opens_in
    added = await setup.add_round(
        db,
        SYSTEM,
        RoundCreation(
            discussion_id=discussion_id,
            question="What makes a partnership last?",
            opens_at=opens_at,
            closes_at=opens_at + lasts,
        ),
    )
    ref = RoundRef(round_id=added.id)
    if state in {RoundState.OPEN, RoundState.CLOSED}:
        await setup.open_round(db, SYSTEM, ref)
    if state is RoundState.CLOSED:
        await setup.close_round(db, SYSTEM, ref)
    return added.id


async def post(
    db: Database, author: Member, round_id: int, body: str, reply_to: int | None = None
) -> int:
    """`author` posts `body` in the round (a reply if `reply_to`); the post's id."""
    posted = await posts.post_contribution(
        db, author.viewer, Posting(round_id=round_id, body=body, reply_to_id=reply_to)
    )
    return posted.id


async def themes(db: Database) -> list[int]:
    """The ids of every theme, oldest first."""
    async with db.reading() as session:
        return list(await session.scalars(select(Theme.id).order_by(Theme.id)))


_panels = itertools.count(1)


async def closed_panel_with_questions(
    db: Database, *texts: str, votes: Sequence[int] = ()
) -> tuple[Cast, list[int]]:
    """A closed panel whose participants asked `texts` (one asker per text, all approved,
    none answered; `votes[i]` extra votes on question i); the cast and the questions' ids."""
    people = await members(
        db,
        Role.ORGANISER,
        Role.MODERATOR,
        Role.PANELIST,
        *(f"Asker {n}" for n in range(1, len(texts) + 1)),
    )
    organiser, moderator, panelist, askers = people[0], people[1], people[2], people[3:]
    made_panel = await panel(
        db,
        organiser,
        moderators=[moderator],
        panelists=[panelist],
        title=f"Rights on the move, part {next(_panels)}",
    )
    made = Cast(made_panel, organiser, moderator, askers, [panelist])
    ids = []
    for asker, text in zip(made.participants, texts, strict=True):
        question_id = await ask(db, asker, made.panel_id, text)
        await approve(db, made.moderator, question_id)
        ids.append(question_id)
    voters = await members(db, *(f"Voter {n}" for n in range(max(votes, default=0))))
    for question_id, count in zip(ids, votes, strict=False):
        for voter in voters[:count]:
            await qa_actions.vote(db, voter.viewer, VoteInput(question_id=question_id))
    await move_panel(db, made.moderator.viewer, made.panel_id, PanelState.CLOSED)
    return made, ids
