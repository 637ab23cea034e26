"""Pinning a notice and sweeping old ones: the writes, with their events."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from fair.core.access import require_person
from fair.core.accounts.roles import Capability
from fair.core.accounts.viewers import Viewer
from fair.core.db import Database
from fair.core.errors import Conflict
from fair.core.i18n import gettext as _
from fair.core.tables import utcnow
from noticeboard.events import NoticePinned, NoticesSwept, NoticeView
from noticeboard.inputs import Pinning
from noticeboard.models import Notice


async def pin_notice(db: Database, viewer: Viewer, form: Pinning, *, most: int) -> NoticeView:
    """Someone taking part pins a notice, while fewer than `most` are on the board."""
    person = require_person(viewer, Capability.TAKE_PART)
    async with db.transaction(actor_id=person.user_id) as tx:
        pinned = await tx.session.scalar(select(func.count()).select_from(Notice))
        if (pinned or 0) >= most:
            raise Conflict("noticeboard.full", _("The notice board is full."))
        notice = Notice(author_id=person.user_id, text=form.text, pinned_at=utcnow())
        tx.session.add(notice)
        await tx.session.flush()
        view = NoticeView(id=notice.id, text=notice.text, pinned_at=notice.pinned_at)
        tx.record(NoticePinned(notice=view))
    return view


async def sweep_notices(db: Database, now: datetime, keep_seconds: float) -> list[int]:
    """Take down the notices pinned more than `keep_seconds` before `now`."""
    async with db.transaction() as tx:
        old = list(
            await tx.session.scalars(
                select(Notice).where(Notice.pinned_at < now - timedelta(seconds=keep_seconds))
            )
        )
        for notice in old:
            await tx.session.delete(notice)
        ids = sorted(notice.id for notice in old)
        if ids:
            tx.record(NoticesSwept(notice_ids=ids))
    return ids
