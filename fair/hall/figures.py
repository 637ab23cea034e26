"""The hall's tables on the organisers' attendance dashboard: which booths people visited.

A visit is one person at one booth in one half-hour, however often they reload the page;
visitors are distinct people. Booths are ranked by visits, the top ones listed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from fair.core.attendance.figures import counted, within
from fair.core.contract import FigureScope, FigureTable, SimulatedDay
from fair.core.db import Tx
from fair.core.i18n import N_
from fair.hall.models import Booth, BoothVisit, ChatMessage, ContactRequest
from fair.hall.rules import BoothState

VISIT_SECONDS = 1800
"""One person's looks at one booth within this many seconds are one visit."""
TOP_BOOTHS = 20


def visit_slot(at: datetime) -> int:
    return int(at.timestamp()) // VISIT_SECONDS


async def booth_figures(session: AsyncSession, scope: FigureScope) -> Sequence[FigureTable]:
    booths_query = select(Booth.id, Booth.title)
    if scope.theme_id is not None:
        booths_query = booths_query.where(Booth.theme_id == scope.theme_id)
    titles = dict((await session.execute(booths_query)).all())
    visits: defaultdict[int, set[tuple[str, int]]] = defaultdict(set)
    visitors: defaultdict[int, set[str]] = defaultdict(set)
    rows = await session.execute(
        select(BoothVisit.booth_id, BoothVisit.person, BoothVisit.at).where(
            *within(BoothVisit.at, scope)
        )
    )
    for booth_id, person, at in rows:
        if booth_id in titles:
            visits[booth_id].add((person, visit_slot(at)))
            visitors[booth_id].add(person)
    chats = await counted(
        session,
        select(ChatMessage.booth_id, func.count())
        .where(*within(ChatMessage.created_at, scope))
        .group_by(ChatMessage.booth_id),
    )
    cards = await counted(
        session,
        select(ContactRequest.booth_id, func.count())
        .where(*within(ContactRequest.created_at, scope))
        .group_by(ContactRequest.booth_id),
    )
    ranked = sorted(titles, key=lambda booth_id: (-len(visits[booth_id]), titles[booth_id]))
    table_rows: list[Sequence[str | int | None]] = [
        [titles[b], len(visits[b]), len(visitors[b]), chats[b], cards[b]]
        for b in ranked[:TOP_BOOTHS]
        if visits[b] or chats[b] or cards[b]
    ]
    return [
        FigureTable(
            key="booths",
            title=N_("Top booths"),
            columns=[N_("Booth"), N_("Visits"), N_("Visitors"), N_("Chat messages"), N_("Cards")],
            rows=table_rows,
            chart=1,
            themed=True,
        )
    ]


async def simulate_day(tx: Tx, day: SimulatedDay) -> None:
    """`fair demo simulate`: the day's people look at a few published booths each, now and
    then coming back in a later half-hour."""
    booths = list(
        await tx.session.scalars(select(Booth.id).where(Booth.state == BoothState.PUBLISHED))
    )
    if not booths:
        return
    for person, _user_id, _country in day.people:
        for booth_id in day.random.sample(booths, min(len(booths), day.random.randrange(1, 5))):
            at = day.start + timedelta(minutes=day.random.randrange(8 * 60, 20 * 60))
            for _look in range(day.random.choice((1, 1, 2))):
                tx.session.add(BoothVisit(booth_id=booth_id, person=person, day=at.date(), at=at))
                at += timedelta(minutes=45)
