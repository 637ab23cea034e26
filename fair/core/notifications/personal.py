"""A person's notifications, settings and follows: their part of the data download, and
what goes when they delete their account."""

from __future__ import annotations

import json

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from fair.core.accounts.tombstones import FORMER_PARTICIPANT
from fair.core.contract import Departure, PersonalRows
from fair.core.db import Tx
from fair.core.notifications.follows import Follow
from fair.core.notifications.models import Notification
from fair.core.notifications.settings import NotificationSettings


async def personal_data(session: AsyncSession, user_id: int) -> PersonalRows:
    """Their settings, follows and notices. A notice is listed by its message, kind and link,
    without the names it was sent with (who replied, who answered: other people)."""
    settings = await session.get(NotificationSettings, user_id)
    follows = await session.scalars(
        select(Follow).where(Follow.user_id == user_id).order_by(Follow.since)
    )
    notices = await session.scalars(
        select(Notification).where(Notification.user_id == user_id).order_by(Notification.id)
    )
    return {
        "settings": []
        if settings is None
        else [
            {
                "digest": settings.digest,
                "digest_hour": settings.digest_hour,
                "off_in_app": json.loads(settings.off_in_app or "[]"),
                "email_now": json.loads(settings.email_now or "[]"),
                "updated_at": settings.updated_at,
            }
        ],
        "follows": [{"place": f.place, "place_id": f.place_id, "since": f.since} for f in follows],
        "notifications": [
            {
                "kind": n.kind,
                "message": n.message,
                "link": n.link,
                "created_at": n.created_at,
                "read_at": n.read_at,
            }
            for n in notices
        ],
    }


async def forget(tx: Tx, person: Departure) -> None:
    """Their notices, settings and follows go; other people's notices that named them (a
    reply by them) name a former participant instead."""
    for table in (Notification, NotificationSettings, Follow):
        await tx.session.execute(delete(table).where(table.user_id == person.user_id))
    needle = json.dumps(person.display_name, ensure_ascii=False)
    named = await tx.session.scalars(
        select(Notification).where(Notification.params.contains(needle, autoescape=True))
    )
    for notice in named.all():
        params = json.loads(notice.params or "{}")
        if isinstance(params, dict):
            scrubbed = {
                k: FORMER_PARTICIPANT if v == person.display_name else v for k, v in params.items()
            }
            notice.params = json.dumps(scrubbed, ensure_ascii=False)
