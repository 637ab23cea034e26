"""A fair with one piece of each reportable kind, and the people around them."""

from __future__ import annotations

from dataclasses import dataclass

from discussions.rules import RoundState
from fair.core.accounts.roles import Role
from fair.core.db import Database
from fair.hall.actions import visits
from fair.hall.inputs import ChatPost
from fair.qa.rules import Moderation
from tests.support import discussions as talks
from tests.support import hall
from tests.support.qa import Member, ask, cast, members


@dataclass(frozen=True)
class Scene:
    participant: Member
    author: Member
    moderator_a: Member
    moderator_b: Member
    team_member: Member
    fair_moderator: Member
    panel_moderator: Member
    discussion_a: int
    discussion_b: int
    round_a: int
    post_a: int
    post_b: int
    booth_id: int
    message_id: int
    panel_id: int
    question_id: int


async def scene(db: Database) -> Scene:
    """Two discussions with a post each, a booth with a chat message, a panel with a published
    question, all by one author; a moderator of each discussion, a booth team member, a fair
    moderator, the panel's moderator and a participant who moderates nothing."""
    participant, author, moderator_a, moderator_b, team_member, fair_moderator = await members(
        db, "Pat", "Aïcha", "Mona", "Bruno", Role.EXHIBITOR, Role.MODERATOR
    )
    discussion_a = await talks.discussion(db, [moderator_a], title="Partnerships that last")
    discussion_b = await talks.discussion(db, [moderator_b], title="Money sent home")
    round_a = await talks.round_in(db, discussion_a, RoundState.OPEN)
    round_b = await talks.round_in(db, discussion_b, RoundState.OPEN)
    post_a = await talks.post(db, author, round_a, "Cheap transfers at example.com!")
    post_b = await talks.post(db, author, round_b, "Send money with us, it is free.")
    organiser = await hall.someone(db, Role.ORGANISER)
    booth = await hall.booth(db, organiser, team=[team_member.user])
    message = await visits.post_chat_message(
        db, author.viewer, ChatPost(booth_id=booth.id, body="Click here for prizes")
    )
    made = await cast(db, "Quentin", moderation=Moderation.POST)
    question_id = await ask(db, author, made.panel_id, "Why not just buy my course?")
    return Scene(
        participant=participant,
        author=author,
        moderator_a=moderator_a,
        moderator_b=moderator_b,
        team_member=team_member,
        fair_moderator=fair_moderator,
        panel_moderator=made.moderator,
        discussion_a=discussion_a,
        discussion_b=discussion_b,
        round_a=round_a,
        post_a=post_a,
        post_b=post_b,
        booth_id=booth.id,
        message_id=message.id,
        panel_id=made.panel_id,
        question_id=question_id,
    )
