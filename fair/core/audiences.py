"""Who may see what: the reach of a view, and the reach a channel's name says it carries.

The channel name is the audience: `qa:7:moderation` is for moderators, `user:<id>` for one
person. `channel_reach` reads that convention in one place; each feature's `channels.py`
builds names that follow it. A view class declares its `reach` (the audiences allowed to
see it), and `may_carry` says whether a channel may carry it, which a unit test checks for
every event class.
"""

from __future__ import annotations

import enum


class Reach(enum.Flag):
    """An audience. A view's reach may name several (`TEAM | PERSON`: the team and the
    person themself); `PUBLIC` alone means anyone who may follow the channel."""

    PUBLIC = enum.auto()
    MODERATION = enum.auto()
    """The moderators (and organisers) of one place: `*:moderation`."""
    TEAM = enum.auto()
    """The team running one place (and organisers): `*:team`, `*:staff`."""
    BACKSTAGE = enum.auto()
    """Moderators and panelists of one panel: `*:backstage`."""
    PERSON = enum.auto()
    """Only the person themself: `user:<id>`."""
    ORGANISERS = enum.auto()
    """Those who may see people: `people`."""


SUFFIXES = {
    "moderation": Reach.MODERATION,
    "team": Reach.TEAM,
    "staff": Reach.TEAM,
    "backstage": Reach.BACKSTAGE,
}
PREFIXES = {"user": Reach.PERSON}
NAMES = {"people": Reach.ORGANISERS}
PRESENCE = "presence"
"""`presence:<channel>` is the count of people at the place `<channel>` names."""


def channel_reach(channel: str) -> Reach:
    """The audience a channel's name says follows it; anything unmarked is public.

    A `presence:` channel carries counts only (never a logged event), which are public.
    """
    parts = channel.split(":")
    if parts[0] == PRESENCE:
        return Reach.PUBLIC
    if channel in NAMES:
        return NAMES[channel]
    if len(parts) > 1 and parts[0] in PREFIXES:
        return PREFIXES[parts[0]]
    if len(parts) > 2 and parts[-1] in SUFFIXES:
        return SUFFIXES[parts[-1]]
    return Reach.PUBLIC


def may_carry(channel: str, reach: Reach) -> bool:
    """Whether `channel`'s audience is among those `reach` allows (any channel, if public)."""
    return reach == Reach.PUBLIC or bool(channel_reach(channel) & reach)
