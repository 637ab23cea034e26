"""Two people with something in every feature of the fair, made through the real actions:
what a data download and an account deletion are tested against."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from discussions.actions import posts, reactions
from discussions.inputs import Posting, ReactionToggle, StanceInput
from discussions.models import Discussion
from discussions.rules import ReactionKind, StanceKind
from fair.core.accounts.roles import Role
from fair.core.attendance.actions import attend
from fair.core.contract import Delivery, Notice
from fair.core.db import Database
from fair.core.mail.outbox import queue_mail
from fair.core.notifications.actions import notify
from fair.core.reports.rules import Reason
from fair.core.tables import utcnow
from fair.hall.actions import visits
from fair.hall.inputs import CardAnswer, CardInput, ChatPost
from fair.hall.models import Booth
from fair.qa import actions as qa
from fair.qa.inputs import Note, VoteInput
from tests.support.discussions import discussion, post, round_in
from tests.support.hall import booth
from tests.support.qa import Member, approve, ask, member, panel
from tests.support.reports import report


@dataclass(frozen=True)
class Trail:
    """One person and the texts they left in the fair (each found nowhere else)."""

    member: Member
    texts: tuple[str, ...]
    question_id: int
    post_id: int

    @property
    def name(self) -> str:
        return self.member.user.display_name

    @property
    def email(self) -> str:
        return self.member.user.email


@dataclass(frozen=True)
class Fair:
    """The two people, and where their contributions are shown."""

    first: Trail
    second: Trail
    booth_slug: str
    panel_slug: str
    discussion_slug: str


async def _trail(
    db: Database,
    who: Member,
    tag: str,
    *,
    booth_id: int,
    panel_id: int,
    round_id: int,
    moderator: Member,
    team: Member,
) -> Trail:
    texts = tuple(f"{tag}-{what}" for what in ("chat", "card", "question", "post", "note", "mail"))
    chat, card, question, post_text, _note, mail = texts
    await visits.post_chat_message(db, who.viewer, ChatPost(booth_id=booth_id, body=chat))
    left = await visits.leave_card(
        db, who.viewer, booth_id, CardInput(message=card, share_details=True)
    )
    await visits.answer_card(db, team.viewer, left.id, CardAnswer(answer=f"Answer to {tag}"))
    await visits.keep_booth(db, who.viewer, booth_id, True)
    question_id = await ask(db, who, panel_id, question)
    await approve(db, moderator, question_id)
    post_id = await post(db, who, round_id, post_text)
    await attend(db, who.viewer)
    async with db.transaction() as tx:
        await queue_mail(tx, to=who.user.email, subject=mail, text=f"Hello {tag}", kind="test")
    return Trail(who, texts, question_id, post_id)


async def fair_with_two_people(db: Database) -> Fair:
    """Wanda and Xavier each chat, leave a card, bookmark the booth, ask, post, come to the
    fair and get mail; each votes for, reacts to, stands on, replies to and reports the
    other's things; Wanda takes notes backstage as a panelist and Xavier's reply notifies her."""
    organiser = await member(db, Role.ORGANISER)
    moderator = await member(db, Role.MODERATOR)
    team = await member(db, Role.EXHIBITOR)
    wanda = await member(db, Role.PANELIST, name="Wanda Whitfield")
    xavier = await member(db, name="Xavier Quimby")
    made = await booth(db, organiser.viewer, title="Booth of remittances", team=[team.user])
    talk = await panel(db, organiser, moderators=[moderator], panelists=[wanda])
    discussion_id = await discussion(db, [moderator])
    round_id = await round_in(db, discussion_id)
    places = {
        "booth_id": made.id,
        "panel_id": talk.id,
        "round_id": round_id,
        "moderator": moderator,
        "team": team,
    }
    first = await _trail(db, wanda, "wanda-text", **places)
    second = await _trail(db, xavier, "xavier-text", **places)
    await qa.leave_note(db, wanda.viewer, Note(panel_id=talk.id, text="wanda-text-note"))
    for voter, other in ((wanda, second), (xavier, first)):
        await qa.vote(db, voter.viewer, VoteInput(question_id=other.question_id))
        await posts.set_stance(
            db,
            voter.viewer,
            StanceInput(contribution_id=other.post_id, stance=StanceKind.AGREE),
        )
        await reactions.toggle_reaction(
            db,
            voter.viewer,
            ReactionToggle(contribution_id=other.post_id, kind=ReactionKind.USEFUL),
        )
    await posts.post_contribution(
        db,
        xavier.viewer,
        Posting(
            round_id=round_id,
            body="xavier-text-reply",
            reply_to_id=first.post_id,
            quote_id=first.post_id,
        ),
    )
    await report(db, wanda, "discussions.post", second.post_id, Reason.OFF_TOPIC, "wanda-report")
    await report(db, xavier, "discussions.post", first.post_id, Reason.OFF_TOPIC, "xavier-report")
    await _notify(db, wanda, xavier, "/discussions")
    await _notify(db, xavier, wanda, "/discussions")
    async with db.reading() as session:
        booth_slug = await session.scalar(select(Booth.slug).where(Booth.id == made.id))
        discussion_slug = await session.scalar(
            select(Discussion.slug).where(Discussion.id == discussion_id)
        )
    assert booth_slug and discussion_slug
    return Fair(first, second, booth_slug, talk.slug, discussion_slug)


async def _notify(db: Database, reader: Member, actor: Member, link: str) -> None:
    """`reader` is told `actor` replied to them, as the notifications consumer would."""
    at: datetime = utcnow()
    delivery = Delivery("test:1", reader.id, "test.replied", {}, at, actor.id)
    notice = Notice(
        user_id=reader.id,
        kind="discussions.reply",
        message="%(name)s replied to your post in “%(discussion)s”.",
        link=link,
        params={"name": actor.user.display_name, "discussion": "A discussion"},
        actor_id=actor.id,
    )
    async with db.transaction() as tx:
        await notify(tx, delivery, [notice])
