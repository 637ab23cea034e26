"""Reading syntheses and carry-overs for a discussion's page: each round's synthesis (a draft
for its moderators only), which posts a published synthesis cites, and for moderators the
closed panels whose questions could seed a round."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from discussions import views
from discussions.models import CarriedQuestion, Citation, Contribution, Round, Synthesis
from discussions.rules import RoundState, may_carry_into
from fair.core.accounts.models import User
from fair.qa import public as qa

CARRY_PANELS = 5
CARRY_QUESTIONS = 10


@dataclass(frozen=True)
class CitationItem:
    number: int
    contribution_id: int
    author_name: str
    """Empty when withdrawn."""
    withdrawn: bool


@dataclass(frozen=True)
class SynthesisSection:
    published: bool
    body: str
    """The Markdown, for its moderators' form."""
    html: Markup
    citations: list[CitationItem]
    published_at: datetime | None


@dataclass(frozen=True)
class CarryPanel:
    """A closed panel and its top unanswered questions not carried over yet."""

    panel: qa.PanelLink
    questions: list[qa.OpenQuestion]


@dataclass(frozen=True)
class RoundExtras:
    syntheses: dict[int, SynthesisSection] = field(default_factory=dict)
    """By round id: published ones for everyone, drafts for moderators only."""
    cited: dict[int, int] = field(default_factory=dict)
    """Post id -> the position of the round whose published synthesis cites it."""
    carry_panels: dict[int, list[CarryPanel]] = field(default_factory=dict)
    """By round id, for moderators, for the rounds that may still be seeded: the questions
    not carried into that round yet."""


async def round_extras(
    session: AsyncSession, rounds: Sequence[Round], moderator: bool
) -> RoundExtras:
    """What a discussion page adds to its rounds for a viewer who moderates it or not."""
    by_id = {r.id: r for r in rounds}
    query = select(Synthesis).where(Synthesis.round_id.in_(list(by_id)))
    if not moderator:
        query = query.where(Synthesis.published.is_(True))
    found = list(await session.scalars(query))
    rows = (
        await session.execute(
            select(Citation, Contribution.hidden, User.display_name)
            .join(Contribution, Contribution.id == Citation.contribution_id)
            .join(User, User.id == Contribution.author_id)
            .where(Citation.round_id.in_([s.round_id for s in found]))
            .order_by(Citation.round_id, Citation.number)
        )
    ).all()
    citations: dict[int, list[CitationItem]] = {s.round_id: [] for s in found}
    for citation, hidden, name in rows:
        citations[citation.round_id].append(
            CitationItem(citation.number, citation.contribution_id, "" if hidden else name, hidden)
        )
    syntheses: dict[int, SynthesisSection] = {}
    cited: dict[int, int] = {}
    for s in found:
        items = citations[s.round_id]
        numbers = {c.contribution_id: c.number for c in items}
        visible = {c.contribution_id for c in items if not c.withdrawn}
        syntheses[s.round_id] = SynthesisSection(
            s.published,
            s.body if moderator else "",
            views.synthesis_html(s.body, numbers, visible),
            items,
            s.published_at,
        )
        if s.published:
            cited.update({post_id: by_id[s.round_id].position for post_id in visible})
    carry: dict[int, list[CarryPanel]] = {}
    seedable = [r.id for r in rounds if may_carry_into(RoundState(r.state))]
    if moderator and seedable:
        carry = await carry_panels(session, seedable)
    return RoundExtras(syntheses, cited, carry)


async def carry_panels(
    session: AsyncSession, round_ids: Sequence[int]
) -> dict[int, list[CarryPanel]]:
    """For each of these rounds, the latest closed panels with questions not carried into
    that round yet, and those questions."""
    found: dict[int, list[CarryPanel]] = {round_id: [] for round_id in round_ids}
    for panel in await qa.closed_panels(session):
        questions = await qa.unanswered_questions(session, panel.id, limit=CARRY_QUESTIONS * 2)
        rows = await session.execute(
            select(CarriedQuestion.round_id, CarriedQuestion.question_id).where(
                CarriedQuestion.round_id.in_(list(round_ids)),
                CarriedQuestion.question_id.in_([q.id for q in questions]),
            )
        )
        carried = {(round_id, question_id) for round_id, question_id in rows}
        for round_id, panels in found.items():
            if len(panels) == CARRY_PANELS:
                continue
            left = [q for q in questions if (round_id, q.id) not in carried][:CARRY_QUESTIONS]
            if left:
                panels.append(CarryPanel(panel, left))
        if all(len(panels) == CARRY_PANELS for panels in found.values()):
            break
    return found
