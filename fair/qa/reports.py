"""Q&A questions as reportable content (`Feature.reportables`): the review queue asks
`access_panel` who handles them (the panel's moderators and organisers, on
`qa:<id>:moderation`) and hides or restores them with the Q&A's own actions, which keep the
reason and tell the asker."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fair.core.access import Purpose
from fair.core.accounts.models import User
from fair.core.accounts.roles import Capability
from fair.core.accounts.viewers import System, Who
from fair.core.contract import Reportable, ReportedContent
from fair.core.db import Database
from fair.core.errors import FairError
from fair.core.i18n import N_
from fair.core.i18n import gettext as _
from fair.core.text import plain_excerpt
from fair.qa import actions
from fair.qa.access import access_panel
from fair.qa.inputs import QuestionHiding, QuestionRestoring
from fair.qa.models import Panel, PanelMember, Question
from fair.qa.rules import PanelRole, QuestionState, is_public

KIND, PLACE = actions.REPORTED_AS


async def _locate(session: AsyncSession, who: Who, question_id: int) -> ReportedContent | None:
    """A question others can see (published, answered) or one already hidden; a pending or
    rejected one is nobody's to report."""
    row = (
        await session.execute(
            select(Question, Panel.slug, User.display_name)
            .join(Panel, Panel.id == Question.panel_id)
            .join(User, User.id == Question.asker_id)
            .where(Question.id == question_id)
        )
    ).first()
    if row is None:
        return None
    question, slug, asker_name = row
    state = QuestionState(question.state)
    if not is_public(state) and state is not QuestionState.HIDDEN:
        return None
    return ReportedContent(
        place_id=question.panel_id,
        excerpt=plain_excerpt(question.text),
        author_id=question.asker_id,
        author_name=_("Anonymous") if question.anonymous else asker_name,
        link=f"/panels/{slug}#question-{question.id}",
        hidden=state is QuestionState.HIDDEN,
    )


async def _may_handle(session: AsyncSession, who: Who, panel_id: int) -> bool:
    try:
        await access_panel(session, who, panel_id, Purpose.MODERATE)
    except FairError:
        return False
    return True


async def _places(session: AsyncSession, who: Who) -> Sequence[int]:
    if isinstance(who, System) or who.can(Capability.EDIT_FAIR):
        return list(await session.scalars(select(Panel.id).order_by(Panel.id)))
    if who.user_id is None:
        return []
    return list(
        await session.scalars(
            select(PanelMember.panel_id)
            .where(
                PanelMember.user_id == who.user_id,
                PanelMember.role == PanelRole.MODERATOR.value,
            )
            .order_by(PanelMember.panel_id)
        )
    )


async def _hide(db: Database, who: Who, question_id: int, reason: str) -> None:
    form = QuestionHiding(question_id=question_id, reason=reason)
    await actions.hide(db, who, form)  # type: ignore[arg-type]


async def _restore(db: Database, who: Who, question_id: int, reason: str) -> None:
    form = QuestionRestoring(question_id=question_id, reason=reason)
    await actions.restore(db, who, form)  # type: ignore[arg-type]


QUESTIONS = Reportable(
    kind=KIND,
    label=N_("Q&A question"),
    place=PLACE,
    locate=_locate,
    may_handle=_may_handle,
    places=_places,
    hide=_hide,
    restore=_restore,
)
