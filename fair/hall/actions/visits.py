"""At a booth: chat, cards, visits, bookmarks and media hits."""

from __future__ import annotations

from sqlalchemy import distinct, func, select

from fair.core.access import Purpose, require, require_person
from fair.core.accounts.access import account_of
from fair.core.accounts.models import User
from fair.core.accounts.roles import Capability
from fair.core.accounts.viewers import Viewer
from fair.core.db import Database
from fair.core.errors import Conflict, NotFound
from fair.core.i18n import gettext as _
from fair.core.notifications import follows
from fair.core.tables import utcnow
from fair.hall import events, views
from fair.hall.access import access_booth
from fair.hall.actions import CHAT_MESSAGE_REMOVED
from fair.hall.channels import PLACE
from fair.hall.inputs import CardAnswer, CardInput, ChatPost
from fair.hall.models import Bookmark, BoothVisit, ChatMessage, ContactRequest, Media, MediaHit


async def post_chat_message(db: Database, viewer: Viewer, form: ChatPost) -> events.ChatMessageView:
    """Someone writes in a booth's chat; everyone at the booth sees it."""
    require(viewer, Capability.TAKE_PART)
    async with db.transaction(actor_id=viewer.user_id) as tx:
        access = await access_booth(tx.session, viewer, form.booth_id, Purpose.CONTRIBUTE)
        author = await account_of(tx.session, access.person)
        message = ChatMessage(
            booth_id=form.booth_id, author_id=author.id, body=form.body, created_at=utcnow()
        )
        tx.session.add(message)
        await tx.session.flush()
        view = views.chat_view(message.id, form.booth_id, author, message.body, message.created_at)
        tx.record(events.ChatMessagePosted(message=view))
    return view


async def remove_chat_message(db: Database, viewer: Viewer, message_id: int) -> None:
    """The booth's team or a moderator removes a chat message; it disappears for everyone."""
    async with db.transaction(actor_id=viewer.user_id) as tx:
        message = await tx.session.get(ChatMessage, message_id)
        if message is None:
            raise NotFound("hall.no_such_message", _("There is no such message."))
        await access_booth(tx.session, viewer, message.booth_id, Purpose.MODERATE)
        if message.removed_at is not None:
            return
        message.removed_at, message.removed_by = utcnow(), viewer.user_id
        tx.audit(
            viewer,
            CHAT_MESSAGE_REMOVED,
            message.id,
            before={
                "booth_id": message.booth_id,
                "author_id": message.author_id,
                "body": message.body,
            },
            after={"removed": True},
        )
        tx.record(events.ChatMessageRemoved(booth_id=message.booth_id, message_id=message.id))


async def leave_card(
    db: Database, viewer: Viewer, booth_id: int, form: CardInput
) -> events.CardView:
    """A participant leaves their card at a booth; the team sees it at once."""
    async with db.transaction(actor_id=viewer.user_id) as tx:
        booth = (await access_booth(tx.session, viewer, booth_id, Purpose.CONTACT)).booth
        sender = await tx.session.get(User, viewer.user_id)
        assert sender is not None
        card = ContactRequest(
            booth_id=booth_id,
            sender_id=sender.id,
            message=form.message,
            share_details=form.share_details,
            created_at=utcnow(),
        )
        tx.session.add(card)
        await tx.session.flush()
        view = views.card_view(card, booth.title, sender)
        tx.record(events.CardLeft(card=view, sender_id=sender.id))
    return view


async def answer_card(
    db: Database, viewer: Viewer, card_id: int, form: CardAnswer
) -> events.CardView:
    """The booth's team answers a card; the participant sees the answer."""
    async with db.transaction(actor_id=viewer.user_id) as tx:
        card = await tx.session.get(ContactRequest, card_id)
        if card is None:
            raise NotFound("hall.no_such_card", _("There is no such card."))
        booth = (await access_booth(tx.session, viewer, card.booth_id, Purpose.RUN)).booth
        if card.answered_at is not None:
            raise Conflict("hall.card_answered", _("This card has already been answered."))
        card.answer, card.answered_at, card.answered_by = form.answer, utcnow(), viewer.user_id
        sender = await tx.session.get(User, card.sender_id)
        assert sender is not None
        view = views.card_view(card, booth.title, sender)
        tx.record(events.CardAnswered(card=view, sender_id=sender.id))
    return view


async def record_visit(db: Database, viewer: Viewer, booth_id: int) -> None:
    """Someone opened a booth page; the team's dashboard shows today's totals."""
    now = utcnow()
    async with db.transaction(actor_id=viewer.user_id) as tx:
        await access_booth(tx.session, viewer, booth_id, Purpose.SEE)
        tx.session.add(BoothVisit(booth_id=booth_id, person=viewer.person, day=now.date(), at=now))
        await tx.session.flush()
        visits, unique = (
            await tx.session.execute(
                select(func.count(BoothVisit.id), func.count(distinct(BoothVisit.person))).where(
                    BoothVisit.booth_id == booth_id, BoothVisit.day == now.date()
                )
            )
        ).one()
        tx.record(
            events.BoothVisited(
                booth_id=booth_id, day=now.date().isoformat(), visits=visits, unique_visitors=unique
            ),
        )


async def record_media_hit(db: Database, viewer: Viewer, media: Media, kind: str) -> None:
    """A document was downloaded or an interview started playing (counted for the dashboard)."""
    now = utcnow()
    async with db.transaction(actor_id=viewer.user_id) as tx:
        tx.session.add(
            MediaHit(media_id=media.id, kind=kind, person=viewer.person, day=now.date(), at=now)
        )
        await tx.session.flush()
        total = await tx.session.scalar(
            select(func.count(MediaHit.id)).where(
                MediaHit.media_id == media.id, MediaHit.kind == kind
            )
        )
        tx.record(
            events.MediaUsed(
                booth_id=media.booth_id, media_id=media.id, kind=kind, total=total or 0
            ),
        )


async def keep_booth(db: Database, viewer: Viewer, booth_id: int, keep: bool) -> None:
    """A participant bookmarks a booth to come back to, or drops the bookmark; a bookmark
    counts as following the booth."""
    person = require_person(viewer, Capability.TAKE_PART)
    async with db.transaction(actor_id=person.user_id) as tx:
        await access_booth(tx.session, viewer, booth_id, Purpose.SEE)
        existing = await tx.session.get(Bookmark, (person.user_id, booth_id))
        if keep == (existing is not None):
            return
        if keep:
            tx.session.add(Bookmark(user_id=person.user_id, booth_id=booth_id, created_at=utcnow()))
            await follows.follow(tx, person.user_id, PLACE, booth_id)
        else:
            await tx.session.delete(existing)
            await follows.unfollow(tx, person.user_id, PLACE, booth_id)
        tx.record(events.BookmarksChanged(booth_id=booth_id, kept=keep, user_id=person.user_id))
