"""What other features may ask of the Q&A: small read-only queries, no models handed out.

Another feature imports the Q&A only through this module (tests/test_layering.py), so the
Q&A's tables can change without touching them. Only what every visitor of a panel's page
may see is answered here: published questions, with their askers unnamed if they chose so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from fair.core.accounts.models import User
from fair.qa.models import Panel, Question
from fair.qa.rules import PanelState, QuestionState

FINISHED = (PanelState.CLOSED.value, PanelState.ARCHIVED.value)


@dataclass(frozen=True, slots=True)
class PanelLink:
    """A panel as another page links to it."""

    id: int
    slug: str
    title: str
    state: str

    @property
    def url(self) -> str:
        return f"/panels/{self.slug}"


@dataclass(frozen=True, slots=True)
class OpenQuestion:
    """A published question nobody answered yet, as everyone may see it."""

    id: int
    panel_id: int
    text: str
    votes: int
    asker_id: int
    """For telling the asker only: never show it (the asker may be anonymous)."""
    asker_name: str
    """The asker's name, or "" when they asked anonymously."""
    asked_at: datetime


def _link(panel: Panel) -> PanelLink:
    return PanelLink(panel.id, panel.slug, panel.title, panel.state)


async def closed_panels(session: AsyncSession) -> list[PanelLink]:
    """Panels whose live slot is over (closed or archived), the latest first."""
    rows = await session.scalars(
        select(Panel).where(Panel.state.in_(FINISHED)).order_by(Panel.starts_at.desc(), Panel.id)
    )
    return [_link(panel) for panel in rows]


async def panels_by_id(session: AsyncSession, panel_ids: Iterable[int]) -> dict[int, PanelLink]:
    """These panels (whatever their state), by id."""
    wanted = list(panel_ids)
    if not wanted:
        return {}
    rows = await session.scalars(select(Panel).where(Panel.id.in_(wanted)))
    return {panel.id: _link(panel) for panel in rows}


async def unanswered_questions(
    session: AsyncSession, panel_id: int, *, limit: int = 20, ids: Iterable[int] | None = None
) -> list[OpenQuestion]:
    """The top questions of a closed panel that were published and never answered (nor
    rejected, merged or hidden): most votes first, then the earliest. None for a panel that
    is not closed. `ids` keeps only those questions."""
    query = (
        select(Question, User.display_name)
        .join(Panel, Panel.id == Question.panel_id)
        .join(User, User.id == Question.asker_id)
        .where(
            Question.panel_id == panel_id,
            Panel.state.in_(FINISHED),
            Question.state == QuestionState.APPROVED.value,
        )
        .order_by(Question.votes.desc(), Question.id)
        .limit(limit)
    )
    if ids is not None:
        query = query.where(Question.id.in_(list(ids)))
    rows = (await session.execute(query)).all()
    return [
        OpenQuestion(
            q.id, q.panel_id, q.text, q.votes, q.asker_id, "" if q.anonymous else name, q.created_at
        )
        for q, name in rows
    ]


async def panels_by_slug(session: AsyncSession, slugs: Iterable[str]) -> dict[str, PanelLink]:
    """The panels at these addresses (whatever their state), by address."""
    wanted = list(slugs)
    if not wanted:
        return {}
    rows = await session.scalars(select(Panel).where(Panel.slug.in_(wanted)))
    return {panel.slug: _link(panel) for panel in rows}


async def panel_links(
    session: AsyncSession, *, ids: Iterable[int] = (), slugs: Iterable[str] = ()
) -> list[PanelLink]:
    """The panels with these ids or at these addresses (those that exist), by id."""
    wanted_ids, wanted_slugs = list(ids), list(slugs)
    if not wanted_ids and not wanted_slugs:
        return []
    rows = await session.scalars(
        select(Panel)
        .where(or_(Panel.id.in_(wanted_ids), Panel.slug.in_(wanted_slugs)))
        .order_by(Panel.id)
    )
    return [_link(panel) for panel in rows]
