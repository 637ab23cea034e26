"""What a booth's team and the organisers see of it: visits, chat, cards, media use; CSV export."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import distinct, func, select

from fair.core import log
from fair.core.access import Purpose
from fair.core.accounts.models import User
from fair.core.accounts.viewers import Viewer
from fair.core.db import Database
from fair.core.text import spreadsheet_safe
from fair.hall import views
from fair.hall.access import access_booth
from fair.hall.channels import team_channel
from fair.hall.events import BoothSummary, CardView, TeamMemberView
from fair.hall.models import BoothVisit, ChatMessage, ContactRequest, Media, MediaHit
from fair.hall.rules import MediaKind


@dataclass(frozen=True)
class DayRow:
    day: date
    visits: int
    unique_visitors: int
    chat_messages: int
    cards: int


@dataclass(frozen=True)
class MediaRow:
    media_id: int
    title: str
    kind: str
    downloads: int
    plays: int


@dataclass(frozen=True)
class Dashboard:
    summary: BoothSummary
    days: list[DayRow]
    media: list[MediaRow]
    cards: list[CardView]
    team: list[TeamMemberView]
    head: int

    @property
    def totals(self) -> DayRow | None:
        if not self.days:
            return None
        return DayRow(
            day=self.days[0].day,
            visits=sum(d.visits for d in self.days),
            unique_visitors=sum(d.unique_visitors for d in self.days),
            chat_messages=sum(d.chat_messages for d in self.days),
            cards=sum(d.cards for d in self.days),
        )


async def dashboard(db: Database, viewer: Viewer, booth_id: int) -> Dashboard:
    """The booth's figures per day and per file, its cards and team, for those who run it."""
    async with db.reading() as session:
        head = (await log.heads(session, [team_channel(booth_id)]))[team_channel(booth_id)]
        booth = (await access_booth(session, viewer, booth_id, Purpose.RUN)).booth
        per_day: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for day, visits, unique in await session.execute(
            select(
                BoothVisit.day, func.count(BoothVisit.id), func.count(distinct(BoothVisit.person))
            )
            .where(BoothVisit.booth_id == booth_id)
            .group_by(BoothVisit.day)
        ):
            per_day[day]["visits"], per_day[day]["unique"] = visits, unique
        for (created,) in await session.execute(
            select(ChatMessage.created_at).where(ChatMessage.booth_id == booth_id)
        ):
            per_day[created.date()]["chat"] += 1
        cards = (
            await session.execute(
                select(ContactRequest, User)
                .join(User, User.id == ContactRequest.sender_id)
                .where(ContactRequest.booth_id == booth_id)
                .order_by(ContactRequest.id.desc())
            )
        ).all()
        for card, _sender in cards:
            per_day[card.created_at.date()]["cards"] += 1
        hits: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for media_id, kind, count in await session.execute(
            select(MediaHit.media_id, MediaHit.kind, func.count(MediaHit.id))
            .join(Media, Media.id == MediaHit.media_id)
            .where(Media.booth_id == booth_id)
            .group_by(MediaHit.media_id, MediaHit.kind)
        ):
            hits[media_id][kind] = count
        media = await session.scalars(
            select(Media)
            .where(
                Media.booth_id == booth_id,
                Media.kind.in_([MediaKind.INTERVIEW, MediaKind.DOCUMENT]),
            )
            .order_by(Media.position)
        )
        return Dashboard(
            summary=await views.summary(session, booth),
            days=[
                DayRow(day, v["visits"], v["unique"], v["chat"], v["cards"])
                for day, v in sorted(per_day.items(), reverse=True)
            ],
            media=[
                MediaRow(m.id, m.title, m.kind, hits[m.id]["download"], hits[m.id]["play"])
                for m in media
            ],
            cards=[views.card_view(card, booth.title, sender) for card, sender in cards],
            team=await views.team(session, booth_id),
            head=head,
        )


def dashboard_csv(board: Dashboard) -> str:
    """The dashboard as CSV: one row per day, then one row per file."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["day", "visits", "unique_visitors", "chat_messages", "cards"])
    for row in board.days:
        writer.writerow(
            [row.day.isoformat(), row.visits, row.unique_visitors, row.chat_messages, row.cards]
        )
    writer.writerow([])
    writer.writerow(["file", "kind", "downloads", "plays"])
    for item in board.media:
        writer.writerow([spreadsheet_safe(item.title), item.kind, item.downloads, item.plays])
    return out.getvalue()
