"""The panels on a digest's programme: those starting in the coming period, bookmarked or not."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fair.core.contract import ProgrammeItem
from fair.core.notifications.follows import Follow
from fair.qa.channels import PLACE
from fair.qa.models import Panel
from fair.qa.rules import PanelState

LISTED = (PanelState.SCHEDULED, PanelState.OPEN, PanelState.LIVE)
"""A panel that is over (closed, archived) is not coming up."""


async def coming_up(
    session: AsyncSession, user_id: int, start: datetime, end: datetime
) -> Sequence[ProgrammeItem]:
    """Panels starting in [start, end), earliest first, marking those `user_id` follows."""
    followed = Follow.user_id == user_id
    rows = await session.execute(
        select(Panel.title, Panel.slug, Panel.starts_at, Follow.user_id.is_not(None))
        .outerjoin(Follow, (Follow.place == PLACE) & (Follow.place_id == Panel.id) & followed)
        .where(Panel.starts_at >= start, Panel.starts_at < end, Panel.state.in_(LISTED))
        .order_by(Panel.starts_at, Panel.id)
    )
    return [
        ProgrammeItem(title, starts_at, f"/panels/{slug}", bool(is_followed))
        for title, slug, starts_at, is_followed in rows
    ]
