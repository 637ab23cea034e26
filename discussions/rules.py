"""The rules of a discussion's rounds: states, transitions, who may post and moderate. Pure."""

from __future__ import annotations

import re
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


CITATION = re.compile(r"\[\[([1-9][0-9]{0,17})\]\]")
"""A citation in a synthesis's Markdown: `[[12]]` cites post 12 (shown as a numbered link)."""
MAX_CITATIONS = 50


def may_write_synthesis(state: RoundState) -> bool:
    """A synthesis is written (and rewritten as a draft) once its round has closed, until it
    is published."""
    return state is RoundState.CLOSED


def cited_in(body: str, picked: list[int]) -> list[int]:
    """The posts a synthesis cites, in citation order: those its Markdown cites inline, in
    the order they first appear, then those picked from the list and not cited inline."""
    inline = [int(found) for found in CITATION.findall(body)]
    return list(dict.fromkeys([*inline, *sorted(picked)]))


def may_carry_into(state: RoundState) -> bool:
    """Questions from the Q&A seed a round that has not closed yet."""
    return state in {RoundState.PLANNED, RoundState.OPEN}


class ExportState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


EXPORT_TRANSITIONS: dict[ExportState, frozenset[ExportState]] = {
    ExportState.QUEUED: frozenset({ExportState.RUNNING}),
    # A running export whose worker died is started again by the next worker.
    ExportState.RUNNING: frozenset({ExportState.RUNNING, ExportState.DONE, ExportState.FAILED}),
    ExportState.DONE: frozenset(),
    ExportState.FAILED: frozenset(),
}


def may_move_export(current: ExportState, target: ExportState) -> bool:
    return target in EXPORT_TRANSITIONS[current]
