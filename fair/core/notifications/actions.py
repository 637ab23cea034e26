"""Storing notifications (only the notifications consumer does) and marking them read."""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from fair.core.access import acting_person
from fair.core.accounts.models import User
from fair.core.accounts.viewers import Who
from fair.core.contract import Delivery, Notice
from fair.core.db import Database, Tx
from fair.core.notifications.events import NotificationsChanged
from fair.core.notifications.inputs import MarkReadInput
from fair.core.notifications.models import Notification
from fair.core.notifications.rules import deliverable
from fair.core.tables import utcnow


async def unread_count(tx: Tx, user_id: int) -> int:
    count = await tx.session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
    )
    return int(count or 0)


async def notify(tx: Tx, delivery: Delivery, notices: Sequence[Notice]) -> int:
    """Store the notices made from one committed event, in the consumer's transaction, and
    tell each person their new unread count; how many were stored. A person who no longer
    exists is skipped; a notice already stored for this event (it cannot be, as the
    consumer's position moves in this transaction, but a unique key makes sure) is too."""
    kept = deliverable(notices)
    if not kept:
        return 0
    people = set(
        await tx.session.scalars(select(User.id).where(User.id.in_({n.user_id for n in kept})))
    )
    stored: dict[int, int] = {}
    for notice in kept:
        if notice.user_id not in people:
            continue
        row = Notification(
            user_id=notice.user_id,
            kind=notice.kind[:60],
            message=notice.message,
            params=json.dumps(dict(notice.params), ensure_ascii=False),
            link=notice.link,
            source_channel=delivery.channel,
            source_seq=delivery.seq,
            created_at=delivery.at,
        )
        try:
            async with tx.session.begin_nested():
                tx.session.add(row)
                await tx.session.flush()
        except IntegrityError:
            continue
        stored[notice.user_id] = stored.get(notice.user_id, 0) + 1
    for user_id, new in stored.items():
        tx.record(
            NotificationsChanged(user_id=user_id, unread=await unread_count(tx, user_id), new=new)
        )
    return sum(stored.values())


async def mark_read(db: Database, who: Who, form: MarkReadInput) -> int:
    """One marks some of their notifications read (or all of them); their unread count after.
    Only their own: ids of someone else's notifications change nothing."""
    person = acting_person(who)
    async with db.transaction(actor_id=person.user_id) as tx:
        query = update(Notification).where(
            Notification.user_id == person.user_id, Notification.read_at.is_(None)
        )
        if not form.all:
            query = query.where(Notification.id.in_(form.ids))
        marked = await tx.session.execute(query.values(read_at=utcnow()).returning(Notification.id))
        changed = len(marked.all())
        unread = await unread_count(tx, person.user_id)
        if changed:
            tx.record(NotificationsChanged(user_id=person.user_id, unread=unread))
    return unread
