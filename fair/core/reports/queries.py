"""Reading the review queue: the items a viewer may handle, newest first, and the channels
that keep their page live."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select

from fair.core import log
from fair.core.accounts.viewers import Viewer
from fair.core.contract import Reportable
from fair.core.db import Database
from fair.core.reports.events import queue_channel
from fair.core.reports.models import Report, ReportItem
from fair.core.reports.rules import MAX_QUEUE, ItemState, Reason

MAX_CHANNELS = 90
"""A socket follows at most 100 channels (fair.core.live.MAX_FOLLOWS): the page keeps some."""
HANDLED_SHOWN = 50


@dataclass(frozen=True)
class QueueItem:
    id: int
    kind: str
    label: str
    content_id: int
    state: str
    reports: int
    reasons: list[tuple[Reason, int]]
    notes: list[str]
    excerpt: str
    author_name: str
    link: str
    updated_at: datetime
    handled_reason: str
    restorable: bool


@dataclass(frozen=True)
class Queue:
    open: list[QueueItem]
    hidden: list[QueueItem]
    """Recently hidden: where a moderator may restore."""
    channels: dict[str, int]
    """The moderation channels the page follows, with their heads."""
    moderates: bool
    """Whether the viewer handles any place at all."""


async def queue(db: Database, reportables: Mapping[str, Reportable], viewer: Viewer) -> Queue:
    """The open items the viewer may handle, newest first, and the recently hidden ones."""
    async with db.reading() as session:
        places: dict[str, list[int]] = {}
        for kind, reportable in reportables.items():
            ids = list(await reportable.places(session, viewer))
            if ids:
                places[kind] = ids
        if not places:
            return Queue([], [], {}, False)
        mine = or_(
            *(
                and_(ReportItem.kind == kind, ReportItem.place_id.in_(ids))
                for kind, ids in places.items()
            )
        )
        open_items = list(
            await session.scalars(
                select(ReportItem)
                .where(ReportItem.state == ItemState.OPEN.value, mine)
                .order_by(ReportItem.updated_at.desc(), ReportItem.id.desc())
                .limit(MAX_QUEUE)
            )
        )
        hidden_items = list(
            await session.scalars(
                select(ReportItem)
                .where(ReportItem.state == ItemState.HIDDEN.value, mine)
                .order_by(ReportItem.updated_at.desc(), ReportItem.id.desc())
                .limit(HANDLED_SHOWN)
            )
        )
        item_ids = [i.id for i in open_items + hidden_items]
        counts: dict[int, list[tuple[Reason, int]]] = defaultdict(list)
        for item_id, reason, n in (
            await session.execute(
                select(Report.item_id, Report.reason, func.count())
                .where(Report.item_id.in_(item_ids))
                .group_by(Report.item_id, Report.reason)
                .order_by(Report.item_id, func.count().desc(), Report.reason)
            )
        ).all():
            counts[item_id].append((Reason(reason), n))
        notes: dict[int, list[str]] = defaultdict(list)
        for item_id, note in (
            await session.execute(
                select(Report.item_id, Report.note)
                .where(Report.item_id.in_(item_ids), Report.note != "")
                .order_by(Report.created_at)
            )
        ).all():
            notes[item_id].append(note)
        wanted = [
            queue_channel(reportables[kind].place, place_id)
            for kind, ids in places.items()
            for place_id in ids
        ]
        wanted = list(dict.fromkeys(wanted))[:MAX_CHANNELS]
        heads = await log.heads(session, wanted)

    def shown(item: ReportItem) -> QueueItem:
        reportable = reportables[item.kind]
        return QueueItem(
            id=item.id,
            kind=item.kind,
            label=reportable.label,
            content_id=item.content_id,
            state=item.state,
            reports=item.reports,
            reasons=counts[item.id],
            notes=notes[item.id],
            excerpt=item.excerpt,
            author_name=item.author_name,
            link=item.link,
            updated_at=item.updated_at,
            handled_reason=item.handled_reason,
            restorable=reportable.restore is not None,
        )

    return Queue(
        [shown(i) for i in open_items], [shown(i) for i in hidden_items], dict(heads), True
    )
