"""At a booth: chat, cards, visits, bookmarks and media hits."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import distinct, func, select

from fair.core.access import Purpose, require, require_person
from fair.core.accounts.access import account_of
from fair.core.accounts.models import User
from fair.core.accounts.roles import Capability
from fair.core.accounts.viewers import Viewer
from fair.core.db import Database, Tx
from fair.core.errors import Conflict, NotFound
from fair.core.i18n import gettext as _
from fair.core.notifications import follows
from fair.core.reports.actions import content_handled
from fair.core.reports.rules import Handling
from fair.core.tables import utcnow
from fair.hall import events, views
from fair.hall.access import access_booth
from fair.hall.actions import CHAT_MESSAGE_REMOVED, CHAT_MESSAGE_RESTORED
from fair.hall.channels import PLACE
from fair.hall.figures import VISIT_SECONDS, visit_slot
from fair.hall.inputs import CardAnswer, CardInput, ChatPost, ChatRemoval, ChatRestoring
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


REPORTED_AS = ("hall.chat", "booth")
"""Chat messages' reportable kind and place (`fair.hall.reports`): removing or restoring a
message, from the review queue or at the booth, closes its queue item."""


async def _moderated_message(tx: Tx, viewer: Viewer, message_id: int) -> tuple[ChatMessage, str]:
    """The message (locked) and its booth's slug, if `viewer` may moderate that booth."""
    message = await tx.session.get(ChatMessage, message_id, with_for_update=True)
    if message is None:
        raise NotFound("hall.no_such_message", _("There is no such message."))
    access = await access_booth(tx.session, viewer, message.booth_id, Purpose.MODERATE)
    return message, access.booth.slug


def _tell_author(tx: Tx, message: ChatMessage, slug: str) -> None:
    tx.record(
        events.YourChatMessageModerated(
            author_id=message.author_id,
            booth_id=message.booth_id,
            message_id=message.id,
            hidden=message.removed_at is not None,
            reason=message.removed_reason,
            link=f"/booths/{slug}#message-{message.id}",
        )
    )


async def remove_chat_message(db: Database, viewer: Viewer, form: ChatRemoval) -> None:
    """The booth's team or a moderator removes a chat message with a reason: it disappears for
    everyone, its author is told why, and its report, if any, is handled."""
    async with db.transaction(actor_id=viewer.user_id) as tx:
        message, slug = await _moderated_message(tx, viewer, form.message_id)
        if message.removed_at is not None:
            return
        message.removed_at, message.removed_by = utcnow(), viewer.user_id
        message.removed_reason = form.reason
        tx.audit(
            viewer,
            CHAT_MESSAGE_REMOVED,
            message.id,
            before={
                "booth_id": message.booth_id,
                "author_id": message.author_id,
                "body": message.body,
            },
            after={"removed": True, "reason": form.reason},
        )
        tx.record(events.ChatMessageRemoved(booth_id=message.booth_id, message_id=message.id))
        _tell_author(tx, message, slug)
        kind, place = REPORTED_AS
        await content_handled(tx, kind, message.id, Handling.HIDE, form.reason, viewer, place=place)


async def restore_chat_message(db: Database, viewer: Viewer, form: ChatRestoring) -> None:
    """The booth's team or a moderator brings a removed chat message back with a reason: it is
    shown again to everyone at the booth, and its author is told why."""
    async with db.transaction(actor_id=viewer.user_id) as tx:
        message, slug = await _moderated_message(tx, viewer, form.message_id)
        if message.removed_at is None:
            raise Conflict("hall.message_not_removed", _("This message was not removed."))
        before = {"removed": True, "reason": message.removed_reason}
        message.removed_at, message.removed_by = None, viewer.user_id
        message.removed_reason = form.reason
        tx.audit(
            viewer,
            CHAT_MESSAGE_RESTORED,
            message.id,
            before=before,
            after={"removed": False, "reason": form.reason},
        )
        author = await tx.session.get(User, message.author_id)
        assert author is not None
        view = views.chat_view(
            message.id, message.booth_id, author, message.body, message.created_at
        )
        tx.record(events.ChatMessageRestored(message=view))
        _tell_author(tx, message, slug)
        kind, place = REPORTED_AS
        await content_handled(
            tx, kind, message.id, Handling.RESTORE, form.reason, viewer, place=place
        )


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


async def record_visit(
    db: Database, viewer: Viewer, booth_id: int, now: datetime | None = None
) -> bool:
    """Someone opened a booth page: a visit, unless they were already counted at this booth
    in this half-hour (a reload is not a visit); the team's dashboard shows today's totals.
    Whether it was a new visit."""
    now = now or utcnow()
    slot_start = datetime.fromtimestamp(visit_slot(now) * VISIT_SECONDS, UTC)
    async with db.transaction(actor_id=viewer.user_id) as tx:
        await access_booth(tx.session, viewer, booth_id, Purpose.SEE)
        seen = await tx.session.scalar(
            select(BoothVisit.id)
            .where(
                BoothVisit.booth_id == booth_id,
                BoothVisit.person == viewer.person,
                BoothVisit.at >= slot_start,
            )
            .limit(1)
        )
        if seen is not None:
            return False
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
    return True


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
