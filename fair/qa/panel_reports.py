"""A panel's report once it has closed, for its moderators and organisers: its audience, what
became of its questions, the answers given, the questions most wanted and left unanswered,
and why questions were not taken; each table also a CSV file."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from fair.core.access import Purpose
from fair.core.accounts.models import User
from fair.core.accounts.viewers import Viewer
from fair.core.contract import FigureScope
from fair.core.db import Database
from fair.core.errors import Conflict
from fair.core.exports import Cell
from fair.core.i18n import N_
from fair.core.i18n import gettext as _
from fair.qa import views
from fair.qa.access import access_panel
from fair.qa.events import PanelView
from fair.qa.figures import PanelFigures, panel_numbers
from fair.qa.models import Question
from fair.qa.rules import LABELS, PanelState, QuestionState, RejectReason

REPORTED_STATES = frozenset({PanelState.CLOSED, PanelState.ARCHIVED})
"""A panel has a report once its live slot is over."""

TOP_UNANSWERED = 10
"""How many of the published questions left unanswered the report lists, most voted first."""

OUTCOMES: tuple[tuple[QuestionState, str], ...] = (
    (QuestionState.ANSWERED, N_("Answered")),
    (QuestionState.APPROVED, N_("Published, not answered")),
    (QuestionState.PENDING, N_("Waiting for a moderator")),
    (QuestionState.REJECTED, N_("Not published")),
    (QuestionState.MERGED, N_("Merged with a similar question")),
    (QuestionState.HIDDEN, N_("Hidden by a moderator")),
)
"""What became of the questions, in the order the report shows it."""

TABLES = ("figures", "outcomes", "reasons", "answered", "unanswered")
"""The report's tables, each also a CSV file `/panels/<slug>/report/<table>.csv`."""


@dataclass(frozen=True, slots=True)
class ReportQuestion:
    id: int
    text: str
    asker: str
    """The asker's name; empty for a question asked anonymously."""
    votes: int
    answer: str
    answered_live: bool


@dataclass(frozen=True)
class PanelReport:
    panel: PanelView
    figures: PanelFigures
    outcomes: list[tuple[str, int]]
    """(label message id, questions) for each outcome, in `OUTCOMES` order."""
    reasons: list[tuple[str, int]]
    """(label message id, questions) for each reason questions were not published."""
    answered: list[ReportQuestion]
    unanswered: list[ReportQuestion]


def _by_votes(questions: Sequence[ReportQuestion]) -> list[ReportQuestion]:
    return sorted(questions, key=lambda q: (-q.votes, q.id))


async def panel_report(db: Database, viewer: Viewer, panel_id: int) -> PanelReport:
    """The report of a closed (or archived) panel; before it closes, `qa.report_not_ready`."""
    async with db.reading() as session:
        access = await access_panel(session, viewer, panel_id, Purpose.MODERATE)
        if access.state not in REPORTED_STATES:
            raise Conflict(
                "qa.report_not_ready", _("A panel's report is ready once the panel has closed.")
            )
        rows = (
            await session.execute(
                select(Question, User.display_name)
                .join(User, User.id == Question.asker_id)
                .where(Question.panel_id == panel_id)
                .order_by(Question.id)
            )
        ).all()
        numbers = await panel_numbers(session, FigureScope(zone="UTC"), [panel_id])
        panel = views.panel_view(access.panel)
    states = Counter(q.state for q, _name in rows)
    reasons = Counter(q.reject_reason for q, _name in rows if q.state == QuestionState.REJECTED)
    reason_labels = LABELS["question.reject_reason"]

    def shown(q: Question, name: str) -> ReportQuestion:
        return ReportQuestion(
            q.id, q.text, "" if q.anonymous else name, q.votes, q.answer, q.answered_live
        )

    return PanelReport(
        panel=panel,
        figures=numbers[panel_id],
        outcomes=[(label, states[state]) for state, label in OUTCOMES],
        reasons=[
            (reason_labels[reason], reasons[reason]) for reason in RejectReason if reasons[reason]
        ],
        answered=_by_votes(
            [shown(q, name) for q, name in rows if q.state == QuestionState.ANSWERED]
        ),
        unanswered=_by_votes(
            [shown(q, name) for q, name in rows if q.state == QuestionState.APPROVED]
        )[:TOP_UNANSWERED],
    )


def report_tables(report: PanelReport) -> dict[str, tuple[list[str], list[list[Cell]]]]:
    """Each table of the report, translated: its header and its rows (as the page and the CSV
    files show them)."""
    n = report.figures

    def asker(q: ReportQuestion) -> str:
        return q.asker or _("Anonymous")

    return {
        "figures": (
            [_("Measure"), _("Value")],
            [
                [_("Peak watchers"), n.peak_watchers],
                [_("Watchers"), n.watchers],
                [_("Questions"), n.questions],
                [_("Votes"), n.votes],
                [_("Answers"), n.answers],
            ],
        ),
        "outcomes": (
            [_("Outcome"), _("Questions")],
            [[_(label), count] for label, count in report.outcomes],
        ),
        "reasons": (
            [_("Why not published"), _("Questions")],
            [[_(label), count] for label, count in report.reasons],
        ),
        "answered": (
            [_("Question"), _("Asked by"), _("Votes"), _("Answered live"), _("Answer")],
            [
                [q.text, asker(q), q.votes, _("yes") if q.answered_live else "", q.answer]
                for q in report.answered
            ],
        ),
        "unanswered": (
            [_("Question"), _("Asked by"), _("Votes")],
            [[q.text, asker(q), q.votes] for q in report.unanswered],
        ),
    }
