"""Reading one's notifications: the bell's count and the paged list, newest first."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from fair.core.accounts.channels import user_channel
from fair.core.db import Database
from fair.core.i18n import gettext as _
from fair.core.log import heads
from fair.core.notifications.models import Notification
from fair.core.notifications.rules import PER_PAGE


@dataclass(frozen=True)
class Bell:
    """The bell on every page: the unread count, and the seq of `user:<id>` it was read at
    (the page follows the channel from there, so no change is missed or counted twice)."""

    unread: int
    since: int


@dataclass(frozen=True)
class NotificationItem:
    id: int
    kind: str
    text: str
    link: str
    created_at: datetime
    read: bool


@dataclass(frozen=True)
class NotificationPage:
    items: list[NotificationItem]
    page: int
    has_more: bool
    unread: int


def text_of(message: str, params_json: str) -> str:
    """The notice in the active language, its params filled in. A translation that names a
    param the notice lacks shows the English text rather than break the page."""
    params: dict[str, str] = json.loads(params_json or "{}")
    if not params:
        return _(message)  # nothing to fill in: a "%" in it is just a "%"
    text: str
    for text in (_(message), message):
        try:
            return text % params
        except (KeyError, ValueError, TypeError):
            continue
    return message


async def unread(session: AsyncSession, user_id: int) -> int:
    """How many of one's notifications the bell counts: unread, of kinds shown in the app."""
    count = await session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(
            Notification.user_id == user_id,
            Notification.read_at.is_(None),
            Notification.in_app.is_(True),
        )
    )
    return int(count or 0)


async def bell(db: Database, user_id: int) -> Bell:
    async with db.reading() as session:
        since = (await heads(session, [user_channel(user_id)])).get(user_channel(user_id), 0)
        return Bell(unread=await unread(session, user_id), since=since)


async def notification_page(db: Database, user_id: int, page: int) -> NotificationPage:
    """Page `page` (from 1) of one's notifications, newest first."""
    async with db.reading() as session:
        rows = list(
            await session.scalars(
                select(Notification)
                .where(Notification.user_id == user_id, Notification.in_app.is_(True))
                .order_by(Notification.id.desc())
                .offset((page - 1) * PER_PAGE)
                .limit(PER_PAGE + 1)
            )
        )
        unread_now = await unread(session, user_id)
    items = [
        NotificationItem(
            id=row.id,
            kind=row.kind,
            text=text_of(row.message, row.params),
            link=row.link,
            created_at=row.created_at,
            read=row.read_at is not None,
        )
        for row in rows[:PER_PAGE]
    ]
    return NotificationPage(
        items=items, page=page, has_more=len(rows) > PER_PAGE, unread=unread_now
    )
