"""The Q&A's table on the organisers' attendance dashboard: each panel's audience and questions.

Watchers are the distinct people who had the panel's page open (counted once a day by the
core's attendance); the peak is the most at once, from the presence samples.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from fair.core.attendance.figures import counted, within
from fair.core.attendance.models import Attendance, PresenceSample
from fair.core.contract import FigureScope, FigureTable, SimulatedDay
from fair.core.db import Tx
from fair.core.i18n import N_
from fair.qa.channels import panel_channel
from fair.qa.models import Panel, Question, Vote


@dataclass(frozen=True, slots=True)
class PanelFigures:
    """One panel's audience and questions: the most watching at once, the distinct watchers,
    questions asked, votes given and answers written or given live."""

    peak_watchers: int = 0
    watchers: int = 0
    questions: int = 0
    votes: int = 0
    answers: int = 0


async def panel_numbers(
    session: AsyncSession, scope: FigureScope, panel_ids: Sequence[int]
) -> dict[int, PanelFigures]:
    """The figures of these panels within `scope` (a day of the fair, or all of it)."""
    places = {panel_channel(panel_id): panel_id for panel_id in panel_ids}
    attended = select(Attendance.place, func.count(func.distinct(Attendance.person))).where(
        Attendance.place.in_(places)
    )
    if scope.day is not None:
        attended = attended.where(Attendance.day == scope.day)
    watchers = Counter(
        {places[p]: n for p, n in await session.execute(attended.group_by(Attendance.place))}
    )
    peaks = Counter(
        {
            places[scope_name]: peak
            for scope_name, peak in await session.execute(
                select(PresenceSample.scope, func.max(PresenceSample.count))
                .where(PresenceSample.scope.in_(places), *within(PresenceSample.at, scope))
                .group_by(PresenceSample.scope)
            )
        }
    )
    mine = Question.panel_id.in_(panel_ids)
    questions = await counted(
        session,
        select(Question.panel_id, func.count())
        .where(mine, *within(Question.created_at, scope))
        .group_by(Question.panel_id),
    )
    answers = await counted(
        session,
        select(Question.panel_id, func.count())
        .where(mine, Question.answered_at.is_not(None), *within(Question.answered_at, scope))
        .group_by(Question.panel_id),
    )
    votes = await counted(
        session,
        select(Question.panel_id, func.count())
        .join(Vote, Vote.question_id == Question.id)
        .where(mine, *within(Vote.created_at, scope))
        .group_by(Question.panel_id),
    )
    return {
        p: PanelFigures(peaks[p], watchers[p], questions[p], votes[p], answers[p])
        for p in panel_ids
    }


async def panel_figures(session: AsyncSession, scope: FigureScope) -> Sequence[FigureTable]:
    panels = list(
        (await session.execute(select(Panel.id, Panel.title).order_by(Panel.starts_at))).all()
    )
    numbers = await panel_numbers(session, scope, [panel_id for panel_id, _title in panels])
    rows: list[Sequence[str | int | None]] = [
        [title, n.peak_watchers, n.watchers, n.questions, n.votes, n.answers]
        for p, title in panels
        if (n := numbers[p]).watchers or n.peak_watchers or n.questions or n.votes
    ]
    return [
        FigureTable(
            key="panels",
            title=N_("Panels"),
            columns=[
                N_("Panel"),
                N_("Peak watchers"),
                N_("Watchers"),
                N_("Questions"),
                N_("Votes"),
                N_("Answers"),
            ],
            rows=rows,
            chart=2,
        )
    ]


async def simulate_day(tx: Tx, day: SimulatedDay) -> None:
    """`fair demo simulate`: about a third of the day's people watch each panel starting that
    day; its watchers peak while it is on."""
    panels = list(
        await tx.session.scalars(
            select(Panel.id).where(Panel.starts_at >= day.start, Panel.starts_at < day.end)
        )
    )
    for panel_id in panels:
        place = panel_channel(panel_id)
        watchers = [p for p in day.people if day.random.random() < 0.35]
        tx.session.add_all(
            Attendance(
                person=key,
                place=place,
                day=day.day,
                user_id=user_id,
                country=country,
                first_at=day.start,
            )
            for key, user_id, country in watchers
        )
        tx.session.add(PresenceSample(scope=place, at=day.start, count=round(len(watchers) * 0.8)))
