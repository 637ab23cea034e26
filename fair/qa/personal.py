"""What the Q&A holds about a person: their part of the data download, and what goes when
they delete their account."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from fair.core.accounts.erasure import Mask, scrub_log
from fair.core.contract import Departure, PersonalRows
from fair.core.db import Tx
from fair.qa.models import BackstageNote, Panel, PanelMember, Question, Vote


async def personal_data(session: AsyncSession, user_id: int) -> PersonalRows:
    """Their questions (with the panel's title and where each stands), votes (by question),
    backstage notes and roles on panels. Not the answers' authors: other people."""
    questions = await session.execute(
        select(Question, Panel.title)
        .join(Panel, Panel.id == Question.panel_id)
        .where(Question.asker_id == user_id)
        .order_by(Question.id)
    )
    votes = await session.scalars(
        select(Vote).where(Vote.user_id == user_id).order_by(Vote.created_at)
    )
    notes = await session.scalars(
        select(BackstageNote).where(BackstageNote.author_id == user_id).order_by(BackstageNote.id)
    )
    roles = await session.execute(
        select(PanelMember, Panel.title)
        .join(Panel, Panel.id == PanelMember.panel_id)
        .where(PanelMember.user_id == user_id)
        .order_by(PanelMember.panel_id)
    )
    return {
        "questions": [
            {
                "id": q.id,
                "panel_id": q.panel_id,
                "panel": title,
                "text": q.text,
                "anonymous": q.anonymous,
                "state": q.state,
                "votes": q.votes,
                "created_at": q.created_at,
                "answered_at": q.answered_at,
            }
            for q, title in questions
        ],
        "votes": [{"question_id": v.question_id, "created_at": v.created_at} for v in votes],
        "backstage_notes": [{"panel_id": n.panel_id, "text": n.text, "at": n.at} for n in notes],
        "panel_roles": [
            {"panel_id": m.panel_id, "panel": title, "role": m.role} for m, title in roles
        ],
    }


async def forget(tx: Tx, person: Departure) -> None:
    """Their places on panels go; their questions, notes and votes stay (a vote still counts,
    cast by a former participant); the Q&A's events no longer name them."""
    asked = await tx.session.scalars(select(Question.id).where(Question.asker_id == person.user_id))
    noted = await tx.session.scalars(
        select(BackstageNote.id).where(BackstageNote.author_id == person.user_id)
    )
    ids = frozenset([*asked.all(), *noted.all()])
    await tx.session.execute(delete(PanelMember).where(PanelMember.user_id == person.user_id))
    await scrub_log(
        tx.session,
        person,
        ("qa.",),
        [
            Mask(("asker_name", "author_name"), "id", ids, also={"asker_country": ""}),
            Mask(("asker_name",), "asker_id", frozenset({person.user_id})),
        ],
    )
