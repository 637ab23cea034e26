"""Building the views of panels and questions that events and pages show."""

from __future__ import annotations

from fair.core.accounts.models import User
from fair.qa.events import ModeratedQuestion, OwnQuestion, PanelView, PublicQuestion
from fair.qa.models import Panel, Question


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
        merged_into_id=question.merged_into_id,
        answer=question.answer,
    )
