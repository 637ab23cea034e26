"""The rules of a discussion: round states and transitions, who may post, react and moderate,
what a post references and how a quote is cut; the moderators' tools (locked threads, moves,
mutes, slow mode) and offline groups. Pure."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from fair.core.accounts.roles import Capability
from fair.core.accounts.viewers import Actor, Viewer


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


def may_moderate(viewer: Viewer | Actor, is_moderator: bool) -> bool:
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


class ReactionKind(StrEnum):
    """The reactions one may give another's post, one of each kind per person."""

    USEFUL = "useful"
    THANKS = "thanks"
    QUESTION = "question"


def may_react(author_id: int, reactor_id: int | None) -> bool:
    """Stances and reactions are for other people's posts."""
    return author_id != reactor_id


class ReferenceKind(StrEnum):
    BOOTH = "booth"
    PANEL = "panel"


MAX_REFERENCES = 10
"""At most this many booths and panels are linked from one post (the first ones named)."""
EXCERPT_CHARS = 200
"""A quoted post is shown as an excerpt of at most this many characters."""

_SLUG = r"[a-z0-9]+(?:-[a-z0-9]+)*"
_ID = r"[1-9][0-9]{0,9}"
_MAX_ID = 2**31 - 1
"""Ids past this are no id of any row (the tables' ids are 32-bit integers)."""
# `#booth-<slug>`, `#panel-<id>`, or a pasted address of a booth or a panel page; a `#` inside
# a word or an address (`a#booth-x`, `/x#panel-2`) is not a reference.
_MENTION = re.compile(
    rf"(?<![\w/#&])#(?:booth-(?P<booth>{_SLUG})|panel-(?P<panel>{_ID}))(?![\w-])"
    rf"|(?P<origin>https?://[^\s/<>()\[\]]+)/(?P<section>booths|panels)/(?P<slug>{_SLUG})"
    rf"(?![\w-])",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Mention:
    """A booth or a panel a post names: by address (`slug`) or, for `#panel-12`, by id."""

    kind: ReferenceKind
    slug: str | None = None
    id: int | None = None


def mentions_in(body: str, origins: frozenset[str]) -> list[Mention]:
    """The booths and panels `body` names, first mention first, each once, at most
    MAX_REFERENCES; a pasted link counts only when it points at one of the fair's `origins`."""
    found: list[Mention] = []
    for match in _MENTION.finditer(body):
        if match["booth"]:
            mention = Mention(ReferenceKind.BOOTH, slug=match["booth"].lower())
        elif match["panel"]:
            if int(match["panel"]) > _MAX_ID:
                continue
            mention = Mention(ReferenceKind.PANEL, id=int(match["panel"]))
        elif match["origin"].lower() in origins:
            kind = (
                ReferenceKind.BOOTH if match["section"].lower() == "booths" else ReferenceKind.PANEL
            )
            mention = Mention(kind, slug=match["slug"].lower())
        else:
            continue
        if mention not in found:
            found.append(mention)
        if len(found) == MAX_REFERENCES:
            break
    return found


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """`text` on one line, cut at a word before `limit` characters (with an ellipsis)."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,.;:") + "…"


class MuteSpan(StrEnum):
    """How long a moderator mutes someone in a discussion: a small fixed set."""

    HOUR = "1h"
    DAY = "24h"
    WEEK = "7d"
    DISCUSSION = "discussion"
    """Until the discussion ends: no end time; a moderator unmutes."""


MUTE_SPANS: dict[MuteSpan, timedelta | None] = {
    MuteSpan.HOUR: timedelta(hours=1),
    MuteSpan.DAY: timedelta(hours=24),
    MuteSpan.WEEK: timedelta(days=7),
    MuteSpan.DISCUSSION: None,
}


def mute_ends(span: MuteSpan, now: datetime) -> datetime | None:
    """When a mute of `span` given at `now` ends (None: with the discussion, or when lifted)."""
    length = MUTE_SPANS[span]
    return None if length is None else now + length


def is_muted(muted: bool, until: datetime | None, now: datetime) -> bool:
    """A muted person stays muted until `until` (the end itself is free again); a mute with
    no end lasts until a moderator lifts it."""
    return muted and (until is None or now < until)


class SlowMode(StrEnum):
    """The least time between one person's posts in a discussion: a small fixed set."""

    OFF = "off"
    SECONDS_30 = "30s"
    MINUTE_1 = "1m"
    MINUTES_5 = "5m"
    MINUTES_15 = "15m"
    HOUR_1 = "1h"


SLOW_MODE_SECONDS: dict[SlowMode, int] = {
    SlowMode.OFF: 0,
    SlowMode.SECONDS_30: 30,
    SlowMode.MINUTE_1: 60,
    SlowMode.MINUTES_5: 300,
    SlowMode.MINUTES_15: 900,
    SlowMode.HOUR_1: 3600,
}


def post_wait(last_post_at: datetime | None, now: datetime, interval: int) -> int:
    """Whole seconds one must still wait before posting again (0: now), `interval` seconds
    after one's last post; rounded up, so "wait 0 s" is never said while still refused."""
    if interval <= 0 or last_post_at is None:
        return 0
    left = (last_post_at + timedelta(seconds=interval) - now).total_seconds()
    return max(0, math.ceil(left))


def may_post_after(last_post_at: datetime | None, now: datetime, interval: int) -> bool:
    """Slow mode: a person may post again `interval` seconds after their last post."""
    return post_wait(last_post_at, now, interval) == 0


def paced(moderator: bool) -> bool:
    """Slow mode paces participants; the discussion's moderators (and organisers) may answer
    at once."""
    return not moderator


def may_reply(state: RoundState, locked: bool, moderator: bool) -> bool:
    """Replies while the round is open; in a locked thread, only from its moderators."""
    return accepts_contributions(state) and (not locked or moderator)


MOVABLE_ROUNDS = frozenset({RoundState.OPEN, RoundState.CLOSED})
"""Posts move only between rounds that are under way or closed: not into a planned round
(no one sees it yet) and not into or out of a synthesised one (its synthesis cites them)."""


def may_move_post(source: RoundState, target: RoundState) -> bool:
    return source in MOVABLE_ROUNDS and target in MOVABLE_ROUNDS


GROUP_SIZE_MIN = 1
GROUP_SIZE_MAX = 10_000
"""How many people an offline-group post may speak for."""


def may_post_for_group(focal_point: bool) -> bool:
    """Only the discussion's focal points post on behalf of a group met offline."""
    return focal_point


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
    EXPIRED = "expired"
    """Done once, its files deleted since to keep only the newest few of its scope."""


EXPORT_TRANSITIONS: dict[ExportState, frozenset[ExportState]] = {
    ExportState.QUEUED: frozenset({ExportState.RUNNING}),
    # A running export whose worker died is started again by the next worker.
    ExportState.RUNNING: frozenset({ExportState.RUNNING, ExportState.DONE, ExportState.FAILED}),
    ExportState.DONE: frozenset({ExportState.EXPIRED}),
    ExportState.FAILED: frozenset(),
    ExportState.EXPIRED: frozenset(),
}


def may_move_export(current: ExportState, target: ExportState) -> bool:
    return target in EXPORT_TRANSITIONS[current]
