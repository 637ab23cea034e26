"""Building the views of panels and questions that events and pages show."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from fair.core.accounts.models import User
from fair.hall import public as hall
from fair.qa.events import ModeratedQuestion, OwnQuestion, PanelView, PublicQuestion, RecordView
from fair.qa.models import Panel, PanelBooth, PanelMember, Question
from fair.qa.rules import PanelRole, QuestionState

ROLE_FIELDS = ((PanelRole.PANELIST, "panelists"), (PanelRole.MODERATOR, "moderators"))
"""The form fields that name a panel's people, by role (e-mails, comma-separated)."""

APPROVED_ONCE = {QuestionState.APPROVED, QuestionState.ANSWERED, QuestionState.HIDDEN}


async def curation_record(session: AsyncSession, panel_id: int) -> RecordView:
    """The panel's record, counted by the database (one grouped query)."""
    rows = await session.execute(
        select(
            Question.state,
            Question.reject_reason,
            Question.decided_at.is_not(None),
            func.count(),
        )
        .where(Question.panel_id == panel_id)
        .group_by(Question.state, Question.reject_reason, Question.decided_at.is_not(None))
    )
    states: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    approved = 0
    for state, reason, decided, count in rows:
        states[state] += count
        if state == QuestionState.REJECTED:
            reasons[reason] += count
        if decided and state in APPROVED_ONCE:
            approved += count
    return RecordView(
        received=sum(states.values()),
        approved=approved,
        merged=states[QuestionState.MERGED],
        rejected=dict(sorted(reasons.items())),
        answered=states[QuestionState.ANSWERED],
        pending=states[QuestionState.PENDING],
    )


def tags_of(question: Question) -> list[str]:
    return [tag for tag in question.tags.split(",") if tag]


def panel_view(panel: Panel) -> PanelView:
    return PanelView(
        id=panel.id,
        slug=panel.slug,
        title=panel.title,
        state=panel.state,
        moderation=panel.moderation,
        starts_at=panel.starts_at,
        ends_at=panel.ends_at,
        answering_id=panel.answering_id,
    )


def public_view(question: Question, asker: User) -> PublicQuestion:
    return PublicQuestion(
        id=question.id,
        panel_id=question.panel_id,
        text=question.text,
        asker_name="" if question.anonymous else asker.display_name,
        asker_country="" if question.anonymous else asker.country,
        state=question.state,
        votes=question.votes,
        tags=tags_of(question),
        answer=question.answer,
        answered_live=question.answered_live,
        at=question.created_at,
    )


def moderated_view(question: Question, asker: User, *, edited: bool = False) -> ModeratedQuestion:
    return ModeratedQuestion(
        id=question.id,
        panel_id=question.panel_id,
        text=question.text,
        asker_id=asker.id,
        asker_name=asker.display_name,
        anonymous=question.anonymous,
        state=question.state,
        reject_reason=question.reject_reason,
        hidden_reason=question.hidden_reason,
        merged_into_id=question.merged_into_id,
        votes=question.votes,
        tags=tags_of(question),
        edited=edited,
        at=question.created_at,
    )


def own_view(question: Question, panel_title: str) -> OwnQuestion:
    return OwnQuestion(
        id=question.id,
        panel_id=question.panel_id,
        panel_title=panel_title,
        text=question.text,
        state=question.state,
        reject_reason=question.reject_reason,
        hidden_reason=question.hidden_reason,
        merged_into_id=question.merged_into_id,
        answer=question.answer,
    )


async def panel_settings(session: AsyncSession, panel: Panel) -> dict[str, Any]:
    """What an organiser set on `panel`, as the edit form and the audit row show it: people by
    e-mail, booths and the interview by their booth's address."""
    members = (
        await session.execute(
            select(PanelMember.role, User.email)
            .join(User, User.id == PanelMember.user_id)
            .where(PanelMember.panel_id == panel.id)
            .order_by(User.email)
        )
    ).all()
    booth_ids = await session.scalars(
        select(PanelBooth.booth_id)
        .where(PanelBooth.panel_id == panel.id)
        .order_by(PanelBooth.booth_id)
    )
    booths = await hall.booths_by_id(session, booth_ids)
    return {
        "title": panel.title,
        "description": panel.description,
        "starts_at": panel.starts_at,
        "ends_at": panel.ends_at,
        "moderation": panel.moderation,
        "stream_url": panel.stream_url,
        **{
            field: [email for r, email in members if r == role.value] for role, field in ROLE_FIELDS
        },
        "booths": [booth.slug for booth in booths],
        "interview_from": await hall.interview_booth(session, panel.interview_media_id),
    }
