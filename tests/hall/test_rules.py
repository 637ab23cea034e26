"""The hall's pure rules: booth states, and who may see, run, chat at and leave cards at booths."""

from __future__ import annotations

import itertools

import pytest

from fair.core.accounts.roles import Role
from fair.core.accounts.viewers import Viewer, anonymous
from fair.hall import rules
from fair.hall.rules import BoothState

ROLES: list[Role | None] = [None, *Role]
STATES = list(BoothState)
ALLOWED = {
    (BoothState.DRAFT, BoothState.PUBLISHED),
    (BoothState.PUBLISHED, BoothState.DRAFT),
    (BoothState.PUBLISHED, BoothState.ARCHIVED),
    (BoothState.ARCHIVED, BoothState.PUBLISHED),
}


def as_role(role: Role | None) -> Viewer:
    """A viewer of `role`; None is someone who has not logged in."""
    if role is None:
        return anonymous("a-browser")
    return Viewer(user_id=7, role=role, display_name="Someone", login_id="l7", visitor="v7")


def role_id(role: Role | None) -> str:
    return "anonymous" if role is None else role.value


ROLES_AND_TEAM = list(itertools.product(ROLES, [False, True]))
every_role_and_team = pytest.mark.parametrize(
    ("role", "on_team"),
    ROLES_AND_TEAM,
    ids=[f"{role_id(r)}-{'team' if t else 'not-team'}" for r, t in ROLES_AND_TEAM],
)


# Booth states


@pytest.mark.parametrize(("current", "target"), sorted(ALLOWED), ids=lambda s: s.value)
def test_allowed_state_transitions(current: BoothState, target: BoothState) -> None:
    """Publish a draft, take a published booth back to draft or archive it, republish it."""
    assert rules.may_transition(current, target)


REFUSED = sorted(set(itertools.product(STATES, STATES)) - ALLOWED)


@pytest.mark.parametrize(("current", "target"), REFUSED, ids=lambda s: s.value)
def test_refused_state_transitions(current: BoothState, target: BoothState) -> None:
    """A draft cannot be archived, an archived booth cannot go back to draft, nor stay put."""
    assert not rules.may_transition(current, target)


def test_every_state_has_its_transitions() -> None:
    """The transition table names every state, so no state is a dead end by omission."""
    assert set(rules.TRANSITIONS) == set(BoothState)
    assert all(rules.TRANSITIONS[state] for state in BoothState)


# Seeing a booth


@every_role_and_team
@pytest.mark.parametrize("state", [BoothState.PUBLISHED, BoothState.ARCHIVED], ids=str)
def test_published_and_archived_booths_are_public(
    role: Role | None, on_team: bool, state: BoothState
) -> None:
    """Everyone, logged in or not, may see a published or an archived booth."""
    assert rules.may_see(as_role(role), state, on_team)


@every_role_and_team
def test_drafts_are_seen_only_by_their_team_and_the_staff(role: Role | None, on_team: bool) -> None:
    """A draft is seen by its team, organisers and moderators, and by nobody else."""
    expected = on_team or role in {Role.ORGANISER, Role.MODERATOR}
    assert rules.may_see(as_role(role), BoothState.DRAFT, on_team) is expected


# Running a booth


@every_role_and_team
def test_a_booth_is_run_by_its_exhibitor_team_and_by_organisers(
    role: Role | None, on_team: bool
) -> None:
    """Exhibitors on the team and every organiser may run a booth; nobody else, team or not."""
    expected = role == Role.ORGANISER or (on_team and role == Role.EXHIBITOR)
    assert rules.may_run(as_role(role), on_team) is expected


def test_an_exhibitor_does_not_run_other_teams_booths() -> None:
    """The exhibitor role alone does not let someone run a booth whose team they are not on."""
    assert not rules.may_run(as_role(Role.EXHIBITOR), False)


# Chat


@every_role_and_team
def test_chat_messages_are_removed_by_the_team_organisers_and_moderators(
    role: Role | None, on_team: bool
) -> None:
    """Whoever runs the booth, and any moderator, may remove a chat message; others may not."""
    expected = role in {Role.ORGANISER, Role.MODERATOR} or (on_team and role == Role.EXHIBITOR)
    assert rules.may_remove_chat(as_role(role), on_team) is expected


@pytest.mark.parametrize("state", STATES, ids=str)
def test_chat_is_open_only_while_the_booth_is_published(state: BoothState) -> None:
    """Drafts and archived booths have a closed chat."""
    assert rules.chat_is_open(state) is (state == BoothState.PUBLISHED)


# Cards


@every_role_and_team
@pytest.mark.parametrize("state", STATES, ids=str)
def test_cards_are_left_by_logged_in_visitors_at_published_booths_not_their_own(
    role: Role | None, on_team: bool, state: BoothState
) -> None:
    """Anyone logged in may leave a card at a published booth, except its own team."""
    expected = role is not None and state == BoothState.PUBLISHED and not on_team
    assert rules.may_leave_card(as_role(role), state, on_team) is expected


# Staff


@pytest.mark.parametrize("role", ROLES, ids=role_id)
def test_staff_are_organisers_and_moderators(role: Role | None) -> None:
    """Only organisers and moderators count as the fair's staff."""
    assert rules.is_staff(as_role(role)) is (role in {Role.ORGANISER, Role.MODERATOR})
