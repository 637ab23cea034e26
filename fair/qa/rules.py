"""The rules of a panel and its questions: states, transitions, who may do what. Pure."""

from __future__ import annotations

from enum import StrEnum

from fair.core.accounts.roles import Capability
from fair.core.accounts.viewers import Viewer
from fair.core.i18n import N_, NP_


class PanelState(StrEnum):
    SCHEDULED = "scheduled"
    OPEN = "open"  # open for questions, before the live slot too
    LIVE = "live"
    CLOSED = "closed"  # the live slot is over; written answers may still come
    ARCHIVED = "archived"


PANEL_TRANSITIONS: dict[PanelState, frozenset[PanelState]] = {
    PanelState.SCHEDULED: frozenset({PanelState.OPEN, PanelState.LIVE}),
    PanelState.OPEN: frozenset({PanelState.LIVE, PanelState.SCHEDULED}),
    PanelState.LIVE: frozenset({PanelState.CLOSED}),
    PanelState.CLOSED: frozenset({PanelState.ARCHIVED, PanelState.LIVE}),
    PanelState.ARCHIVED: frozenset(),
}


class Moderation(StrEnum):
    PRE = "pre"  # questions wait for a moderator's approval
    POST = "post"  # questions appear at once; moderators may hide them


class QuestionState(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    ANSWERED = "answered"
    REJECTED = "rejected"
    MERGED = "merged"
    HIDDEN = "hidden"


QUESTION_TRANSITIONS: dict[QuestionState, frozenset[QuestionState]] = {
    QuestionState.PENDING: frozenset(
        {QuestionState.APPROVED, QuestionState.REJECTED, QuestionState.MERGED}
    ),
    QuestionState.APPROVED: frozenset(
        {QuestionState.ANSWERED, QuestionState.HIDDEN, QuestionState.MERGED}
    ),
    QuestionState.ANSWERED: frozenset({QuestionState.HIDDEN}),
    QuestionState.REJECTED: frozenset({QuestionState.APPROVED}),
    QuestionState.MERGED: frozenset(),
    QuestionState.HIDDEN: frozenset({QuestionState.APPROVED, QuestionState.ANSWERED}),
}

PUBLIC_STATES = frozenset({QuestionState.APPROVED, QuestionState.ANSWERED})


class RejectReason(StrEnum):
    OFF_TOPIC = "off-topic"
    DUPLICATE = "duplicate"
    ALREADY_ANSWERED = "already answered"
    INAPPROPRIATE = "inappropriate"
    UNCLEAR = "unclear"


class PanelRole(StrEnum):
    PANELIST = "panelist"
    MODERATOR = "moderator"


def may_move_panel(current: PanelState, target: PanelState) -> bool:
    return target in PANEL_TRANSITIONS[current]


def may_move_question(current: QuestionState, target: QuestionState) -> bool:
    return target in QUESTION_TRANSITIONS[current]


def restored_state(hidden_from: str) -> QuestionState:
    """Where a restored question goes: back to the state it was hidden from (published or
    answered), or published if that is not known (hidden before the state was kept)."""
    if hidden_from == QuestionState.ANSWERED.value:
        return QuestionState.ANSWERED
    return QuestionState.APPROVED


def accepts_questions(state: PanelState) -> bool:
    return state in {PanelState.OPEN, PanelState.LIVE}


def accepts_votes(state: PanelState) -> bool:
    return state in {PanelState.OPEN, PanelState.LIVE}


def accepts_answers(state: PanelState) -> bool:
    """Answers are given live and, for questions not taken live, in writing afterwards."""
    return state in {PanelState.LIVE, PanelState.CLOSED}


def is_public(state: QuestionState) -> bool:
    return state in PUBLIC_STATES


def initial_state(moderation: Moderation) -> QuestionState:
    return QuestionState.PENDING if moderation == Moderation.PRE else QuestionState.APPROVED


def may_moderate(viewer: Viewer, roles: frozenset[PanelRole]) -> bool:
    """The panel's moderators, and organisers (who run the programme)."""
    return PanelRole.MODERATOR in roles or viewer.can(Capability.EDIT_FAIR)


def may_answer(viewer: Viewer, roles: frozenset[PanelRole]) -> bool:
    """The panel's panelists and moderators (who may take the stage), and organisers."""
    return PanelRole.PANELIST in roles or may_moderate(viewer, roles)


def may_go_backstage(viewer: Viewer, roles: frozenset[PanelRole]) -> bool:
    return may_answer(viewer, roles)


def may_ask(viewer: Viewer) -> bool:
    return viewer.authenticated and viewer.can(Capability.TAKE_PART)


LABELS: dict[str, dict[str, str]] = {
    "panel.state": {
        PanelState.SCHEDULED: N_("Scheduled"),
        PanelState.OPEN: N_("Open for questions"),
        PanelState.LIVE: N_("Live now"),
        PanelState.CLOSED: N_("Closed"),
        PanelState.ARCHIVED: N_("Archive"),
    },
    "question.state": {
        QuestionState.PENDING: N_("Waiting for a moderator"),
        QuestionState.APPROVED: NP_("question", "Published"),
        QuestionState.ANSWERED: N_("Answered"),
        QuestionState.REJECTED: N_("Not published"),
        QuestionState.MERGED: N_("Merged with a similar question"),
        QuestionState.HIDDEN: N_("Hidden by a moderator"),
    },
    "question.reject_reason": {
        RejectReason.OFF_TOPIC: N_("Off-topic"),
        RejectReason.DUPLICATE: N_("Duplicate"),
        RejectReason.ALREADY_ANSWERED: N_("Already answered"),
        RejectReason.INAPPROPRIATE: N_("Inappropriate"),
        RejectReason.UNCLEAR: N_("Unclear"),
    },
    "panel.role": {PanelRole.PANELIST: N_("Panelist"), PanelRole.MODERATOR: N_("Moderator")},
}
"""How the Q&A's enums read (the `label` filter translates them)."""
