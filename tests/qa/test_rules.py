"""The Q&A's pure rules: panel and question states, and who may moderate, answer and ask."""

from __future__ import annotations

import itertools

import pytest

from fair.core.accounts.roles import Role
from fair.core.accounts.viewers import Viewer, anonymous
from fair.qa import rules
from fair.qa.rules import Moderation, PanelRole, PanelState, QuestionState

P = PanelState
Q = QuestionState

PANEL_MOVES = {
    (P.SCHEDULED, P.OPEN),
    (P.SCHEDULED, P.LIVE),
    (P.OPEN, P.LIVE),
    (P.OPEN, P.SCHEDULED),
    (P.LIVE, P.CLOSED),
    (P.CLOSED, P.ARCHIVED),
    (P.CLOSED, P.LIVE),
}
QUESTION_MOVES = {
    (Q.PENDING, Q.APPROVED),
    (Q.PENDING, Q.REJECTED),
    (Q.PENDING, Q.MERGED),
    (Q.APPROVED, Q.ANSWERED),
    (Q.APPROVED, Q.HIDDEN),
    (Q.APPROVED, Q.MERGED),
    (Q.ANSWERED, Q.HIDDEN),
    (Q.REJECTED, Q.APPROVED),
    (Q.HIDDEN, Q.APPROVED),
    (Q.HIDDEN, Q.ANSWERED),
}
NO_ROLES: frozenset[PanelRole] = frozenset()
MODERATOR = frozenset({PanelRole.MODERATOR})
PANELIST = frozenset({PanelRole.PANELIST})


def as_role(role: Role | None) -> Viewer:
    """A viewer with the fair-wide `role`; None is someone who has not logged in."""
    if role is None:
        return anonymous("a-browser")
    return Viewer(user_id=7, role=role, display_name="Someone", login_id="l7", visitor="v7")


def ids(value: object) -> str:
    """A readable test id: a state or role's value, a panel role set, `anonymous` for None."""
    if value is None:
        return "anonymous"
    if isinstance(value, frozenset):
        return "+".join(sorted(role.value for role in value)) or "no-panel-role"
    return str(getattr(value, "value", value))


# Panel states


@pytest.mark.parametrize(("current", "target"), sorted(PANEL_MOVES), ids=ids)
def test_allowed_panel_moves(current: PanelState, target: PanelState) -> None:
    """Open or go live from the schedule, go live from open, close, archive, reopen a closed one."""
    assert rules.may_move_panel(current, target)


@pytest.mark.parametrize(
    ("current", "target"),
    sorted(set(itertools.product(P, P)) - PANEL_MOVES),
    ids=ids,
)
def test_refused_panel_moves(current: PanelState, target: PanelState) -> None:
    """An archive is final, a live panel only closes, and no state moves to itself."""
    assert not rules.may_move_panel(current, target)


@pytest.mark.parametrize(
    ("state", "questions", "votes", "answers"),
    [
        (P.SCHEDULED, False, False, False),
        (P.OPEN, True, True, False),
        (P.LIVE, True, True, True),
        (P.CLOSED, False, False, True),
        (P.ARCHIVED, False, False, False),
    ],
    ids=ids,
)
def test_what_each_panel_state_accepts(
    state: PanelState, questions: bool, votes: bool, answers: bool
) -> None:
    """Questions and votes while open or live; answers live and, in writing, once closed."""
    assert rules.accepts_questions(state) is questions
    assert rules.accepts_votes(state) is votes
    assert rules.accepts_answers(state) is answers


# Question states


@pytest.mark.parametrize(("current", "target"), sorted(QUESTION_MOVES), ids=ids)
def test_allowed_question_moves(current: QuestionState, target: QuestionState) -> None:
    """Decide a pending question, answer, hide or merge a published one, restore a refused one."""
    assert rules.may_move_question(current, target)


@pytest.mark.parametrize(
    ("current", "target"),
    sorted(set(itertools.product(Q, Q)) - QUESTION_MOVES),
    ids=ids,
)
def test_refused_question_moves(current: QuestionState, target: QuestionState) -> None:
    """A merge is final, nothing goes back to pending, and no state moves to itself."""
    assert not rules.may_move_question(current, target)


def test_only_approved_and_answered_questions_are_public() -> None:
    """Pending, rejected, merged and hidden questions are never shown to the audience."""
    assert {state for state in Q if rules.is_public(state)} == {Q.APPROVED, Q.ANSWERED}


def test_pre_moderation_holds_new_questions_and_post_moderation_publishes_them() -> None:
    """A new question starts pending under pre-moderation and approved under post-moderation."""
    assert rules.initial_state(Moderation.PRE) is Q.PENDING
    assert rules.initial_state(Moderation.POST) is Q.APPROVED


# Who may do what


@pytest.mark.parametrize(
    ("role", "roles", "expected"),
    [
        (Role.PARTICIPANT, MODERATOR, True),
        (Role.MODERATOR, MODERATOR, True),
        (Role.ORGANISER, NO_ROLES, True),
        (Role.PARTICIPANT, NO_ROLES, False),
        (Role.PARTICIPANT, PANELIST, False),
        (Role.PANELIST, PANELIST, False),
        (Role.MODERATOR, NO_ROLES, False),
        (Role.EXHIBITOR, NO_ROLES, False),
        (None, NO_ROLES, False),
    ],
    ids=ids,
)
def test_who_may_moderate(role: Role | None, roles: frozenset[PanelRole], expected: bool) -> None:
    """The panel's own moderators and the organisers; not a moderator of other panels."""
    assert rules.may_moderate(as_role(role), roles) is expected


@pytest.mark.parametrize(
    ("role", "roles", "expected"),
    [
        (Role.PARTICIPANT, PANELIST, True),
        (Role.PANELIST, PANELIST, True),
        (Role.MODERATOR, MODERATOR, True),
        (Role.ORGANISER, NO_ROLES, True),
        (Role.PARTICIPANT, NO_ROLES, False),
        (Role.PANELIST, NO_ROLES, False),
        (Role.MODERATOR, NO_ROLES, False),
        (None, NO_ROLES, False),
    ],
    ids=ids,
)
def test_who_may_answer_and_go_backstage(
    role: Role | None, roles: frozenset[PanelRole], expected: bool
) -> None:
    """The panel's panelists and moderators and the organisers; not panelists of other panels."""
    viewer = as_role(role)
    assert rules.may_answer(viewer, roles) is expected
    assert rules.may_go_backstage(viewer, roles) is expected


@pytest.mark.parametrize(
    ("role", "expected"), [(None, False), *((role, True) for role in Role)], ids=ids
)
def test_everyone_logged_in_may_ask(role: Role | None, expected: bool) -> None:
    """Every fair-wide role may ask; someone who has not logged in may not."""
    assert rules.may_ask(as_role(role)) is expected


@pytest.mark.parametrize(
    ("hidden_from", "restored"),
    [("approved", Q.APPROVED), ("answered", Q.ANSWERED), ("", Q.APPROVED)],
)
def test_a_restored_question_returns_where_it_was_hidden_from(
    hidden_from: str, restored: QuestionState
) -> None:
    """Back to published or answered as it was; published when the earlier state is unknown."""
    assert rules.restored_state(hidden_from) is restored
