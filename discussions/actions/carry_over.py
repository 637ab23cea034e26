"""Carrying a closed panel's unanswered questions into a round as seed posts, crediting their
askers (who are told). The Q&A is read only through `fair.qa.public`."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from discussions import events, views
from discussions.access import access_round
from discussions.inputs import CarryOver
from discussions.models import CarriedQuestion, Contribution
from discussions.rules import may_carry_into
from fair.core.access import Purpose
from fair.core.accounts.access import account_of
from fair.core.accounts.viewers import Who
from fair.core.audit import audited
from fair.core.db import Database
from fair.core.errors import Conflict, NotFound
from fair.core.i18n import gettext as _
from fair.core.tables import utcnow
from fair.qa import public as qa

QUESTIONS_CARRIED = audited(
    "discussions.questions.carried_over",
    "round",
    "A moderator carried a closed panel's unanswered questions into a round as seed posts.",
)
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!<>|~])")


def _plain(text: str) -> str:
    """`text` as Markdown that shows exactly that text."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", text)


def seed_body(question: qa.OpenQuestion, panel: qa.PanelLink) -> str:
    """A seed post's Markdown: the question as asked, then who asked it at which panel (a link
    back to the panel)."""
    link = f"[{_plain(panel.title)}]({panel.url})"
    if question.asker_name:
        credit = _("Asked by %(name)s at the panel %(panel)s") % {
            "name": _plain(question.asker_name),
            "panel": link,
        }
    else:
        credit = _("Asked anonymously at the panel %(panel)s") % {"panel": link}
    return f"{_plain(question.text)}\n\n*{credit}*"


async def carry_over(db: Database, who: Who, form: CarryOver) -> list[int]:
    """A moderator carries published, unanswered questions of a closed panel into a planned or
    open round, each as a new thread crediting its asker (who is told); each question once
    per round, though it may seed other rounds too. The new posts' ids, in the panel's order
    (most votes first)."""
    async with db.transaction(actor_id=who.user_id) as tx:
        access = await access_round(tx.session, who, form.round_id, Purpose.MODERATE, lock=True)
        if not may_carry_into(access.state):
            raise Conflict("discussions.round_closed", _("This round is not open for posts."))
        panel = (await qa.panels_by_id(tx.session, [form.panel_id])).get(form.panel_id)
        if panel is None:
            raise NotFound("discussions.panel_not_found", _("There is no such panel."))
        wanted = list(dict.fromkeys(form.question_ids))
        carried = set(
            await tx.session.scalars(
                select(CarriedQuestion.question_id).where(
                    CarriedQuestion.round_id == access.round.id,
                    CarriedQuestion.question_id.in_(wanted),
                )
            )
        )
        if carried:
            raise Conflict(
                "discussions.already_carried",
                _("These questions were carried into this round already: %(ids)s")
                % {"ids": ", ".join(str(q) for q in sorted(carried))},
            )
        questions = await qa.unanswered_questions(
            tx.session, panel.id, limit=len(wanted), ids=wanted
        )
        if len(questions) != len(wanted):
            raise Conflict(
                "discussions.not_carriable",
                _("Only published, unanswered questions of a closed panel can be carried over."),
            )
        author = await account_of(tx.session, access.person)
        discussion = access.discussion.discussion
        now = utcnow()
        posted: list[int] = []
        carried_rows: list[CarriedQuestion] = []
        for question in questions:
            contribution = Contribution(
                round_id=access.round.id,
                thread_id=None,
                author_id=author.id,
                body=seed_body(question, panel),
                created_at=now,
                hidden=False,
            )
            tx.session.add(contribution)
            await tx.session.flush()
            posted.append(contribution.id)
            carried_rows.append(
                CarriedQuestion(
                    question_id=question.id,
                    panel_id=panel.id,
                    round_id=access.round.id,
                    contribution_id=contribution.id,
                    asker_id=question.asker_id,
                    carried_at=now,
                )
            )
            view = views.contribution_view(
                contribution, discussion.id, author.display_name, replies=0
            )
            tx.record(events.ContributionPosted(contribution=view))
            tx.record(
                events.QuestionCarriedOver(
                    asker_id=question.asker_id,
                    notice=events.CarriedNotice(
                        question_id=question.id,
                        panel_title=panel.title,
                        contribution_id=contribution.id,
                        discussion_slug=discussion.slug,
                        discussion_title=discussion.title,
                        round_position=access.round.position,
                    ),
                )
            )
        try:
            # The round is locked, so a repeat is caught above; the primary key (question,
            # round) is the last word should two carryings into one round still meet.
            async with tx.session.begin_nested():
                tx.session.add_all(carried_rows)
        except IntegrityError:
            raise Conflict(
                "discussions.already_carried",
                _("These questions were carried into this round already: %(ids)s")
                % {"ids": ", ".join(str(q) for q in wanted)},
            ) from None
        tx.audit(
            who,
            QUESTIONS_CARRIED,
            access.round.id,
            after={
                "panel_id": panel.id,
                "questions": [q.id for q in questions],
                "posts": posted,
            },
        )
    return posted
