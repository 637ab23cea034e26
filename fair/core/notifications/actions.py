"""Storing notifications (only the notifications consumer does) and marking them read."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from fair.core.access import acting_person
from fair.core.accounts.links import account_named_by, check_link
from fair.core.accounts.models import User
from fair.core.accounts.viewers import Who
from fair.core.contract import Delivery, Notice, NoticeKind
from fair.core.db import Database, Tx
from fair.core.errors import Invalid
from fair.core.i18n import gettext as _
from fair.core.notifications import queries
from fair.core.notifications.digest import (
    UNSUBSCRIBE,
    UNSUBSCRIBE_MAX_AGE,
    Writing,
    mail_at_once,
)
from fair.core.notifications.events import NotificationsChanged
from fair.core.notifications.inputs import ChoicesInput, MarkReadInput
from fair.core.notifications.models import Notification
from fair.core.notifications.rules import deliverable
from fair.core.notifications.settings import (
    DEFAULT_DIGEST_HOUR,
    Choices,
    Digest,
    NotificationSettings,
    choices_for,
    choices_of,
)
from fair.core.tables import utcnow


async def unread_count(tx: Tx, user_id: int) -> int:
    return await queries.unread(tx.session, user_id)


async def notify(
    tx: Tx, delivery: Delivery, notices: Sequence[Notice], *, writing: Writing | None = None
) -> int:
    """Store the notices made from one committed event, in the consumer's transaction, and
    tell each person their new unread count; how many reached a bell. A notice of a kind its
    reader turned off in the app is stored all the same (for their e-mail), out of sight. A
    person who no longer exists is skipped; so is a notice already stored for this event (it
    cannot be, as the consumer's position moves in this transaction: a unique key makes
    sure). With `writing`, a notice of a kind its reader wants by e-mail at once is queued as
    mail in the same transaction: once, like the notice."""
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
        choices = await choices_for(tx.session, notice.user_id)
        row = Notification(
            user_id=notice.user_id,
            in_app=choices.in_app(notice.kind),
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
        if writing is not None and notice.kind in choices.email_now:
            await mail_at_once(tx, writing, row)
        if row.in_app:
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
            Notification.user_id == person.user_id,
            Notification.read_at.is_(None),
            Notification.in_app.is_(True),
        )
        if not form.all:
            query = query.where(Notification.id.in_(form.ids))
        marked = await tx.session.execute(query.values(read_at=utcnow()).returning(Notification.id))
        changed = len(marked.all())
        unread = await unread_count(tx, person.user_id)
        if changed:
            tx.record(NotificationsChanged(user_id=person.user_id, unread=unread))
    return unread


async def save_choices(
    db: Database, who: Who, form: ChoicesInput, kinds: Mapping[str, NoticeKind]
) -> Choices:
    """One saves their notification settings; kinds that do not exist, or e-mail at once for
    a kind that is not urgent, are refused and nothing changes."""
    person = acting_person(who)
    unknown = sorted({*form.in_app, *form.email_now} - set(kinds))
    not_urgent = sorted(kind for kind in form.email_now if kind in kinds and not kinds[kind].urgent)
    if unknown or not_urgent:
        raise Invalid(
            "input.invalid",
            _("Some fields are missing or not valid."),
            fields={"email_now" if not_urgent and not unknown else "in_app": _("No such choice.")},
        ).about(ChoicesInput)
    async with db.transaction(actor_id=person.user_id) as tx:
        row = await tx.session.get(NotificationSettings, person.user_id)
        if row is None:
            row = NotificationSettings(user_id=person.user_id)
            tx.session.add(row)
        row.digest = form.digest.value
        row.digest_hour = form.digest_hour
        row.off_in_app = json.dumps(sorted(set(kinds) - set(form.in_app)))
        row.email_now = json.dumps(sorted(set(form.email_now)))
        row.updated_at = utcnow()
        user = await tx.session.get(User, person.user_id)
        if user is not None:
            user.time_zone = form.time_zone or None
        await tx.session.flush()
        return choices_of(row, form.time_zone or None)


async def unsubscribe(db: Database, secret: str, token: str) -> int:
    """The one-click unsubscribe of every mail this feature sends, without logging in: the
    signed link's person gets no more digests nor notices by e-mail (what reaches their bell
    stays as it was). Their id; a tampered or expired link is
    refused and changes nothing."""
    refused = Invalid(
        "notifications.bad_unsubscribe_link", _("This unsubscribe link is not valid.")
    )
    user_id = account_named_by(token, refused)
    check_link(
        secret, UNSUBSCRIBE, token, max_age=UNSUBSCRIBE_MAX_AGE, refused=refused, expired=refused
    )
    async with db.transaction(actor_id=user_id) as tx:
        if await tx.session.get(User, user_id) is None:
            raise refused
        row = await tx.session.get(NotificationSettings, user_id)
        if row is None:
            row = NotificationSettings(
                user_id=user_id,
                digest_hour=DEFAULT_DIGEST_HOUR,
                off_in_app="[]",
                email_now="[]",
            )
            tx.session.add(row)
        row.digest = Digest.OFF.value
        row.email_now = "[]"
        row.updated_at = utcnow()
    return user_id
