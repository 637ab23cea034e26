"""Reports a person filed: their part of the data download; and their name taken off the
queue's items about their content when they delete their account."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from fair.core.accounts.erasure import Mask, scrub_log
from fair.core.accounts.tombstones import FORMER_PARTICIPANT
from fair.core.contract import Departure, PersonalRows
from fair.core.db import Tx
from fair.core.reports.models import Report, ReportItem


async def personal_data(session: AsyncSession, user_id: int) -> PersonalRows:
    """Each report they filed: on which kind of content (by id), why, their note. Not the
    reported content's excerpt or author: someone else's."""
    rows = await session.execute(
        select(Report, ReportItem.kind, ReportItem.content_id)
        .join(ReportItem, ReportItem.id == Report.item_id)
        .where(Report.reporter_id == user_id)
        .order_by(Report.created_at)
    )
    return {
        "reports": [
            {
                "kind": kind,
                "content_id": content_id,
                "reason": report.reason,
                "note": report.note,
                "created_at": report.created_at,
            }
            for report, kind, content_id in rows
        ]
    }


async def forget(tx: Tx, person: Departure) -> None:
    """Reports they filed stay, counted, by the former participant (the queue's record stays
    whole); items about their content, and the queue's events, no longer name them."""
    items = await tx.session.scalars(
        select(ReportItem.id).where(ReportItem.author_id == person.user_id)
    )
    ids = frozenset(items.all())
    await tx.session.execute(
        update(ReportItem)
        .where(ReportItem.author_id == person.user_id)
        .values(author_name=FORMER_PARTICIPANT)
    )
    await scrub_log(tx.session, person, ("reports.",), [Mask(("author_name",), "id", ids)])
