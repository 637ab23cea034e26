"""Discussion posts as reportable content (`Feature.reportables`): the core's review queue
finds them, asks `access_discussion` who handles them, and hides or restores them with the
actions of `discussions.actions.moderation`."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from discussions.access import access_discussion
from discussions.actions import moderation
from discussions.inputs import Moderation
from discussions.models import Contribution, Discussion, DiscussionModerator, Round
from fair.core.access import Purpose
from fair.core.accounts.models import User
from fair.core.accounts.roles import Capability
from fair.core.accounts.viewers import System, Who
from fair.core.contract import Reportable, ReportedContent
from fair.core.db import Database
from fair.core.errors import FairError
from fair.core.i18n import N_
from fair.core.text import plain_excerpt

KIND, PLACE = moderation.REPORTED_AS


async def _locate(session: AsyncSession, who: Who, contribution_id: int) -> ReportedContent | None:
    row = (
        await session.execute(
            select(Contribution, Discussion.id, Discussion.slug, User.display_name)
            .join(Round, Round.id == Contribution.round_id)
            .join(Discussion, Discussion.id == Round.discussion_id)
            .join(User, User.id == Contribution.author_id)
            .where(Contribution.id == contribution_id)
        )
    ).first()
    if row is None:
        return None
    contribution, discussion_id, slug, author_name = row
    return ReportedContent(
        place_id=discussion_id,
        excerpt=plain_excerpt(contribution.body),
        author_id=contribution.author_id,
        author_name=author_name,
        link=moderation.post_link(slug, contribution.id),
        hidden=contribution.hidden,
    )


async def _may_handle(session: AsyncSession, who: Who, discussion_id: int) -> bool:
    try:
        await access_discussion(session, who, discussion_id, Purpose.MODERATE)
    except FairError:
        return False
    return True


async def _places(session: AsyncSession, who: Who) -> Sequence[int]:
    if isinstance(who, System) or who.can(Capability.EDIT_FAIR):
        return list(await session.scalars(select(Discussion.id).order_by(Discussion.id)))
    if who.user_id is None:
        return []
    return list(
        await session.scalars(
            select(DiscussionModerator.discussion_id)
            .where(DiscussionModerator.user_id == who.user_id)
            .order_by(DiscussionModerator.discussion_id)
        )
    )


async def _hide(db: Database, who: Who, contribution_id: int, reason: str) -> None:
    await moderation.hide_contribution(
        db, who, Moderation(contribution_id=contribution_id, reason=reason)
    )


async def _restore(db: Database, who: Who, contribution_id: int, reason: str) -> None:
    await moderation.restore_contribution(
        db, who, Moderation(contribution_id=contribution_id, reason=reason)
    )


POSTS = Reportable(
    kind=KIND,
    label=N_("Discussion post"),
    place=PLACE,
    locate=_locate,
    may_handle=_may_handle,
    places=_places,
    hide=_hide,
    restore=_restore,
)
