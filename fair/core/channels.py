"""Who may follow which channel: the one function that decides, fed by each feature's rules."""

from __future__ import annotations

import re
from collections.abc import Mapping

from fair.core.accounts.viewers import Viewer
from fair.core.db import Database
from fair.core.errors import Forbidden, Invalid, NotAuthenticated
from fair.core.features import ChannelRule
from fair.core.fields import id_from_text
from fair.core.i18n import gettext as _

CHANNEL_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,30}(:[A-Za-z0-9_-]{1,60}){0,4}$")
PRESENCE = "presence"


def channel_id(part: str) -> int | None:
    """The id a channel name's part holds (`7` in `booth:7`), or None: one spelling per id."""
    return id_from_text(part)


def _canonical(channel: str) -> bool:
    """Parts made of digits are ids, spelled one way: `booth:01` and `booth:0` are no channels."""
    return all(channel_id(part) is not None for part in channel.split(":") if part.isdigit())


class ChannelAccess:
    def __init__(self, rules: Mapping[str, ChannelRule]) -> None:
        self._rules = dict(rules)

    async def authorise(self, db: Database, viewer: Viewer, channel: str) -> None:
        """Allow `viewer` to follow `channel`, or refuse with a stable code.

        `presence:<channel>` (the count of people at a place) is decided by the rule
        of `<channel>`'s prefix, which is given the whole name.
        """
        if not CHANNEL_NAME.match(channel) or not _canonical(channel):
            raise Invalid("live.bad_channel", _("That is not a channel name."))
        target = channel.removeprefix(f"{PRESENCE}:")
        rule = self._rules.get(target.split(":", 1)[0])
        if rule is not None and await rule(db, viewer, channel):
            return
        if not viewer.authenticated:
            raise NotAuthenticated("live.login_required", _("Log in to follow this."))
        raise Forbidden("live.forbidden", _("You may not follow this."))
