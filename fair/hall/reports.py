"""Booth chat messages as reportable content (`Feature.reportables`): the review queue asks
`access_booth` who handles them (the booth's team, fair moderators, organisers: the booth's
`booth:<id>:moderation` channel) and removes or restores them with the hall's own chat
actions, which keep the reason and tell the author."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fair.core.access import Purpose
from fair.core.accounts.models import User
from fair.core.accounts.roles import Capability
from fair.core.accounts.viewers import System, Who
from fair.core.contract import Reportable, ReportedContent
from fair.core.db import Database
from fair.core.errors import FairError
from fair.core.i18n import N_
from fair.core.text import plain_excerpt
from fair.hall.access import access_booth
from fair.hall.actions import visits
from fair.hall.inputs import ChatRemoval, ChatRestoring
from fair.hall.models import Booth, ChatMessage, TeamMember

KIND, PLACE = visits.REPORTED_AS


async def _locate(session: AsyncSession, who: Who, message_id: int) -> ReportedContent | None:
    """A chat message of a booth `who` may see (a draft's chat looks absent to others)."""
    row = (
        await session.execute(
            select(ChatMessage, Booth.slug, User.display_name)
            .join(Booth, Booth.id == ChatMessage.booth_id)
            .join(User, User.id == ChatMessage.author_id)
            .where(ChatMessage.id == message_id)
        )
    ).first()
    if row is None:
        return None
    message, slug, author_name = row
    try:
        await access_booth(session, who, message.booth_id, Purpose.SEE)
    except FairError:
        return None
    return ReportedContent(
        place_id=message.booth_id,
        excerpt=plain_excerpt(message.body),
        author_id=message.author_id,
        author_name=author_name,
        link=f"/booths/{slug}#message-{message.id}",
        hidden=message.removed_at is not None,
    )


async def _may_handle(session: AsyncSession, who: Who, booth_id: int) -> bool:
    try:
        await access_booth(session, who, booth_id, Purpose.MODERATE)
    except FairError:
        return False
    return True


async def _places(session: AsyncSession, who: Who) -> Sequence[int]:
    if isinstance(who, System) or who.can(Capability.MODERATE):
        return list(await session.scalars(select(Booth.id).order_by(Booth.id)))
    if who.user_id is None:
        return []
    return list(
        await session.scalars(
            select(TeamMember.booth_id)
            .where(TeamMember.user_id == who.user_id)
            .order_by(TeamMember.booth_id)
        )
    )


async def _remove(db: Database, who: Who, message_id: int, reason: str) -> None:
    await visits.remove_chat_message(
        db,
        who,  # type: ignore[arg-type]
        ChatRemoval(message_id=message_id, reason=reason),
    )


async def _restore(db: Database, who: Who, message_id: int, reason: str) -> None:
    await visits.restore_chat_message(
        db,
        who,  # type: ignore[arg-type]
        ChatRestoring(message_id=message_id, reason=reason),
    )


CHAT_MESSAGES = Reportable(
    kind=KIND,
    label=N_("Booth chat message"),
    place=PLACE,
    locate=_locate,
    may_handle=_may_handle,
    places=_places,
    hide=_remove,
    restore=_restore,
)
