"""Who may follow which channel: the one function that decides, fed by each feature's rules.

A channel name is read once (`parse_channel`) and every rule gets the parsed name. Rules for
a thing's channels are built from the thing's own `access_*` function (`access_rule`), so
following a channel and acting on its thing are decided in one place.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable, Mapping

from sqlalchemy.ext.asyncio import AsyncSession

from fair.core.access import Purpose
from fair.core.accounts.viewers import Viewer
from fair.core.audiences import PRESENCE
from fair.core.contract import ChannelName, ChannelRule
from fair.core.db import Database
from fair.core.errors import FairError, Forbidden, Invalid, NotAuthenticated, Unavailable
from fair.core.fields import id_from_text
from fair.core.i18n import gettext as _

CHANNEL_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,30}(:[A-Za-z0-9_-]{1,60}){0,4}$")

AccessCheck = Callable[[AsyncSession, Viewer, int, Purpose], Awaitable[object]]
"""A feature's `access_<thing>(session, who, thing_id, purpose)`: returns, or refuses."""


def parse_channel(text: str) -> ChannelName | None:
    """The channel `text` names, or None. Parts made of digits are ids, spelled one way:
    `booth:01` and `booth:0` are no channels."""
    if not CHANNEL_NAME.match(text):
        return None
    presence = text.startswith(f"{PRESENCE}:")
    prefix, *parts = text.removeprefix(f"{PRESENCE}:").split(":")
    ids = tuple(id_from_text(part) for part in parts)
    if any(part.isdigit() and id_ is None for part, id_ in zip(parts, ids, strict=True)):
        return None
    return ChannelName(text, prefix, tuple(parts), presence, ids)


class ChannelAccess:
    def __init__(self, rules: Mapping[str, ChannelRule]) -> None:
        self._rules = dict(rules)

    async def authorise(self, db: Database, viewer: Viewer, channel: str) -> ChannelName:
        """The parsed name if `viewer` may follow `channel`; else refuse with a stable code.

        `presence:<channel>` (the count of people at a place) is decided by the rule of
        `<channel>`'s prefix, which sees the name's `presence` flag.
        """
        name = parse_channel(channel)
        if name is None:
            raise Invalid("live.bad_channel", _("That is not a channel name."))
        rule = self._rules.get(name.prefix)
        if rule is not None and await rule(db, viewer, name):
            return name
        if not viewer.authenticated:
            raise NotAuthenticated("live.login_required", _("Log in to follow this."))
        raise Forbidden("live.forbidden", _("You may not follow this."))


def named_rule(names: Iterable[str], *, doc: str, counted: bool = False) -> ChannelRule:
    """Anyone may follow exactly these channels (and, if `counted`, their presence counts);
    `doc` says so in the words of the feature (docs/protocol.md shows it)."""
    allowed = frozenset(names)

    async def rule(db: Database, viewer: Viewer, channel: ChannelName) -> bool:
        return channel.place in allowed and (counted or not channel.presence)

    rule.__doc__ = doc
    return rule


def access_rule(
    check: AccessCheck,
    purposes: Mapping[str, Purpose],
    counts: Mapping[str, Purpose] | None = None,
    *,
    doc: str,
) -> ChannelRule:
    """The rule for `<prefix>:<id>[:<suffix>]`: followed by whoever `check` lets use thing `<id>`
    for `purposes[suffix]` ("" is the thing's own channel); its presence count by whoever it
    lets use it for `counts[suffix]`. A suffix in neither is no channel anyone may follow."""
    counted = counts or {}

    async def rule(db: Database, viewer: Viewer, channel: ChannelName) -> bool:
        purpose = (counted if channel.presence else purposes).get(channel.suffix)
        if purpose is None or channel.id is None or len(channel.parts) > 2:
            return False
        try:
            async with db.reading() as session:
                await check(session, viewer, channel.id, purpose)
        except Unavailable:
            raise  # the database is away: say so (the client retries), not "log in"
        except FairError:
            return False
        return True

    rule.__doc__ = f"{doc} {_purposes(check, purposes, counted)}"
    return rule


def _purposes(
    check: AccessCheck, purposes: Mapping[str, Purpose], counts: Mapping[str, Purpose]
) -> str:
    def spelled(suffixes: Mapping[str, Purpose]) -> str:
        return ", ".join(f"`{suffix or '<id>'}` {purpose}" for suffix, purpose in suffixes.items())

    counted = f"; counts: {spelled(counts)}" if counts else ""
    return f"(`{check.__name__}` for: {spelled(purposes)}{counted}.)"
