"""The rules of a discussion's rounds: states, transitions, who may post and moderate. Pure."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from fair.core.accounts.roles import Capability
from fair.core.accounts.viewers import Viewer


class RoundState(StrEnum):
    PLANNED = "planned"
    OPEN = "open"
    CLOSED = "closed"
    SYNTHESISED = "synthesised"


ROUND_TRANSITIONS: dict[RoundState, frozenset[RoundState]] = {
    RoundState.PLANNED: frozenset({RoundState.OPEN}),
    # A closed round may be re-opened by its moderators, until its synthesis is published.
    RoundState.OPEN: frozenset({RoundState.CLOSED}),
    RoundState.CLOSED: frozenset({RoundState.OPEN, RoundState.SYNTHESISED}),
    RoundState.SYNTHESISED: frozenset(),
}


class StanceKind(StrEnum):
    AGREE = "agree"
    NUANCE = "nuance"
    DISAGREE = "disagree"


def may_move_round(current: RoundState, target: RoundState) -> bool:
    return target in ROUND_TRANSITIONS[current]


def accepts_contributions(state: RoundState) -> bool:
    """Posts, replies and stances are taken while a round is open only."""
    return state is RoundState.OPEN


def may_extend(state: RoundState, closes_at: datetime, new_closes_at: datetime) -> bool:
    """A deadline still ahead of the round (planned or open) may only be moved later."""
    return state in {RoundState.PLANNED, RoundState.OPEN} and new_closes_at > closes_at


def may_post(viewer: Viewer) -> bool:
    """Logged-in participants (every role that takes part)."""
    return viewer.authenticated and viewer.can(Capability.TAKE_PART)


def may_moderate(viewer: Viewer, is_moderator: bool) -> bool:
    """The discussion's moderators, and organisers (who run the fair)."""
    return is_moderator or viewer.can(Capability.EDIT_FAIR)


def current_round(states: list[RoundState]) -> int | None:
    """The index of the round a discussion page shows first: the first open one, else the
    first planned one, else the last one (None: no rounds yet)."""
    for wanted in (RoundState.OPEN, RoundState.PLANNED):
        for index, state in enumerate(states):
            if state is wanted:
                return index
    return len(states) - 1 if states else None
