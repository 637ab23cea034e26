"""What the hall holds about a person: their part of the data download, and what goes when
they delete their account."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from fair.core.accounts.erasure import Mask, scrub_log
from fair.core.accounts.tombstones import FORMER_PARTICIPANT
from fair.core.contract import Departure, PersonalRows
from fair.core.db import Tx
from fair.hall.models import Bookmark, Booth, ChatMessage, ContactRequest, TeamMember


async def personal_data(session: AsyncSession, user_id: int) -> PersonalRows:
    """Their bookmarks, the cards they left (with the booth's title and the team's answer,
    never who on the team answered), the cards they answered for a booth (by id, with their
    answer: the sender's card is the sender's), their chat messages and their booth teams."""
    bookmarks = await session.execute(
        select(Bookmark, Booth.title)
        .join(Booth, Booth.id == Bookmark.booth_id)
        .where(Bookmark.user_id == user_id)
        .order_by(Bookmark.created_at)
    )
    given = await session.execute(
        select(ContactRequest, Booth.title)
        .join(Booth, Booth.id == ContactRequest.booth_id)
        .where(ContactRequest.sender_id == user_id)
        .order_by(ContactRequest.id)
    )
    answered = await session.scalars(
        select(ContactRequest)
        .where(ContactRequest.answered_by == user_id)
        .order_by(ContactRequest.id)
    )
    chat = await session.scalars(
        select(ChatMessage).where(ChatMessage.author_id == user_id).order_by(ChatMessage.id)
    )
    teams = await session.execute(
        select(TeamMember, Booth.title)
        .join(Booth, Booth.id == TeamMember.booth_id)
        .where(TeamMember.user_id == user_id)
        .order_by(TeamMember.booth_id)
    )
    return {
        "bookmarks": [
            {"booth_id": b.booth_id, "booth": title, "created_at": b.created_at}
            for b, title in bookmarks
        ],
        "cards_given": [
            {
                "booth_id": c.booth_id,
                "booth": title,
                "message": c.message,
                "share_details": c.share_details,
                "created_at": c.created_at,
                "answer": c.answer,
                "answered_at": c.answered_at,
            }
            for c, title in given
        ],
        "cards_answered": [
            {"card_id": c.id, "booth_id": c.booth_id, "answer": c.answer, "at": c.answered_at}
            for c in answered
        ],
        "chat_messages": [
            {
                "booth_id": m.booth_id,
                "body": m.body,
                "created_at": m.created_at,
                "removed_at": m.removed_at,
            }
            for m in chat
        ],
        "booth_teams": [
            {"booth_id": t.booth_id, "booth": title, "added_at": t.added_at} for t, title in teams
        ],
    }


ANONYMOUS_SENDER = {
    "shared": False,
    "display_name": "",
    "country": "",
    "organisation": "",
    "email": "",
}
"""What is left of a deleted card's sender in the log: nothing."""


async def forget(tx: Tx, person: Departure) -> None:
    """Their cards, bookmarks and places on booth teams go; their chat messages stay, by a
    former participant; the hall's events no longer name them (chat messages by their
    account, team lists by their e-mail, their cards by id: message and sender emptied)."""
    cards = await tx.session.scalars(
        select(ContactRequest.id).where(ContactRequest.sender_id == person.user_id)
    )
    card_ids = frozenset(cards.all())
    for table, column in (
        (ContactRequest, ContactRequest.sender_id),
        (Bookmark, Bookmark.user_id),
        (TeamMember, TeamMember.user_id),
    ):
        await tx.session.execute(delete(table).where(column == person.user_id))
    await scrub_log(
        tx.session,
        person,
        ("hall.",),
        [
            Mask(
                ("author_name",),
                "author_id",
                frozenset({person.user_id}),
                also={"author_country": ""},
            ),
            Mask(
                ("email",),
                also={"display_name": FORMER_PARTICIPANT, "organisation": "", "country": ""},
            ),
        ],
    )
    if card_ids:
        # A card not shared names its sender only through its id (and country): every card
        # event is read, not only those holding the name.
        await scrub_log(
            tx.session,
            person,
            ("hall.card.",),
            [Mask((), "id", card_ids, also={"message": "", "sender": ANONYMOUS_SENDER})],
            named=False,
        )
