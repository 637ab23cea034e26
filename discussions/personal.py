"""What the discussions hold about a person: their part of the data download, and what goes
when they delete their account."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from discussions.models import (
    Contribution,
    DiscussionModerator,
    DiscussionPerson,
    Reaction,
    Round,
    Stance,
    Synthesis,
)
from fair.core.accounts.erasure import Mask, scrub_log
from fair.core.contract import Departure, PersonalRows
from fair.core.db import Tx


async def personal_data(session: AsyncSession, user_id: int) -> PersonalRows:
    """Their posts, stances and reactions (by post), their standing in each discussion, the
    discussions they moderate and the syntheses they last wrote (by round)."""
    posts = await session.execute(
        select(Contribution, Round.discussion_id)
        .join(Round, Round.id == Contribution.round_id)
        .where(Contribution.author_id == user_id)
        .order_by(Contribution.id)
    )
    stances = await session.scalars(
        select(Stance).where(Stance.user_id == user_id).order_by(Stance.at)
    )
    reactions = await session.scalars(
        select(Reaction).where(Reaction.user_id == user_id).order_by(Reaction.at)
    )
    standing = await session.scalars(
        select(DiscussionPerson)
        .where(DiscussionPerson.user_id == user_id)
        .order_by(DiscussionPerson.discussion_id)
    )
    moderates = await session.scalars(
        select(DiscussionModerator.discussion_id)
        .where(DiscussionModerator.user_id == user_id)
        .order_by(DiscussionModerator.discussion_id)
    )
    syntheses = await session.scalars(
        select(Synthesis).where(Synthesis.author_id == user_id).order_by(Synthesis.round_id)
    )
    return {
        "posts": [
            {
                "id": c.id,
                "discussion_id": discussion_id,
                "round_id": c.round_id,
                "thread_id": c.thread_id,
                "body": c.body,
                "created_at": c.created_at,
                "hidden": c.hidden,
                "group_name": c.group_name,
                "group_size": c.group_size,
            }
            for c, discussion_id in posts
        ],
        "stances": [
            {"post_id": s.contribution_id, "stance": s.stance, "at": s.at} for s in stances
        ],
        "reactions": [
            {"post_id": r.contribution_id, "kind": r.kind, "at": r.at} for r in reactions
        ],
        "standing": [
            {
                "discussion_id": p.discussion_id,
                "focal_point": p.focal_point,
                "muted": p.muted,
                "muted_until": p.muted_until,
                "mute_reason": p.mute_reason,
                "last_posted_at": p.last_posted_at,
            }
            for p in standing
        ],
        "moderates": [{"discussion_id": d} for d in moderates],
        "syntheses": [
            {"round_id": s.round_id, "published": s.published, "updated_at": s.updated_at}
            for s in syntheses
        ],
    }


async def forget(tx: Tx, person: Departure) -> None:
    """Their standing and their places as moderators go; posts, stances, reactions and
    syntheses stay, by a former participant; the discussions' events no longer name them:
    as a post's author (also where quoted or cited), a moderator who hid a post, a synthesis'
    writer or a person whose standing changed."""
    session, user_id = tx.session, person.user_id
    me = frozenset({user_id})
    wrote = frozenset(
        await session.scalars(select(Contribution.id).where(Contribution.author_id == user_id))
    )
    hid = frozenset(
        await session.scalars(select(Contribution.id).where(Contribution.hidden_by == user_id))
    )
    synthesised = frozenset(
        await session.scalars(select(Synthesis.round_id).where(Synthesis.author_id == user_id))
    )
    for table in (DiscussionPerson, DiscussionModerator):
        await session.execute(delete(table).where(table.user_id == user_id))
    await scrub_log(
        session,
        person,
        ("discussions.",),
        [
            Mask(("author_name",), "author_id", me),
            Mask(("author_name",), "id", wrote),
            Mask(("author_name",), "contribution_id", wrote),
            Mask(("moderator_name",), "id", hid),
            Mask(("display_name",), "user_id", me),
        ],
    )
    await scrub_log(
        session,
        person,
        ("discussions.synthesis.draft_saved",),
        [Mask(("author_name",), "round_id", synthesised)],
    )
