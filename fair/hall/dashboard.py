"""What a booth's team and the organisers see of it: visits (one person, one half-hour: a
reload is not a visit), visitors' countries, chat, cards, media use; each table as a CSV file."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from fair.core import log
from fair.core.access import Purpose
from fair.core.accounts.models import User
from fair.core.accounts.viewers import Viewer
from fair.core.attendance.figures import UNKNOWN
from fair.core.db import Database
from fair.core.exports import Cell
from fair.hall import views
from fair.hall.access import access_booth
from fair.hall.channels import team_channel
from fair.hall.events import BoothSummary, CardView, TeamMemberView
from fair.hall.figures import visit_slot
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
class CountryRow:
    code: str
    """An ISO code, or `UNKNOWN` for visitors without an account (nobody told their country)."""
    visitors: int


@dataclass(frozen=True)
class Dashboard:
    summary: BoothSummary
    days: list[DayRow]
    countries: list[CountryRow]
    """Distinct visitors per country, most first."""
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
        slots: defaultdict[date, set[tuple[str, int]]] = defaultdict(set)
        people: defaultdict[date, set[str]] = defaultdict(set)
        for day, person, at in await session.execute(
            select(BoothVisit.day, BoothVisit.person, BoothVisit.at).where(
                BoothVisit.booth_id == booth_id
            )
        ):
            slots[day].add((person, visit_slot(at)))
            people[day].add(person)
        for day in slots:
            per_day[day]["visits"], per_day[day]["unique"] = len(slots[day]), len(people[day])
        countries = await _visitor_countries(session, booth_id)
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
            countries=countries,
            media=[
                MediaRow(m.id, m.title, m.kind, hits[m.id]["download"], hits[m.id]["play"])
                for m in media
            ],
            cards=[views.card_view(card, booth.title, sender) for card, sender in cards],
            team=await views.team(session, booth_id),
            head=head,
        )


async def _visitor_countries(session: AsyncSession, booth_id: int) -> list[CountryRow]:
    """Distinct visitors by their account's country; browsers without an account apart."""
    visitors = {
        person
        for (person,) in await session.execute(
            select(BoothVisit.person).where(BoothVisit.booth_id == booth_id).distinct()
        )
    }
    accounts = {int(p[1:]) for p in visitors if p.startswith("u") and p[1:].isdigit()}
    countries: Counter[str] = Counter()
    if accounts:
        for (country,) in await session.execute(select(User.country).where(User.id.in_(accounts))):
            countries[country] += 1
    unknown = len(visitors) - sum(countries.values())
    rows = [CountryRow(code, n) for code, n in countries.most_common()]
    return rows + ([CountryRow(UNKNOWN, unknown)] if unknown else [])


async def chat_log(db: Database, viewer: Viewer, booth_id: int) -> tuple[str, list[list[Cell]]]:
    """The booth's chat, oldest first, for those who run it (removed messages marked, with
    why): the booth's slug and the rows of its CSV file."""
    async with db.reading() as session:
        booth = (await access_booth(session, viewer, booth_id, Purpose.RUN)).booth
        rows = await session.execute(
            select(ChatMessage, User.display_name)
            .join(User, User.id == ChatMessage.author_id)
            .where(ChatMessage.booth_id == booth_id)
            .order_by(ChatMessage.created_at, ChatMessage.id)
        )
        return booth.slug, [
            [
                message.created_at.isoformat(),
                name,
                message.body,
                message.removed_at.isoformat() if message.removed_at else "",
                message.removed_reason,
            ]
            for message, name in rows
        ]
