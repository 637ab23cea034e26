"""Who may follow which channel: the one function that decides, fed by each feature's rules."""

from __future__ import annotations

import re
from collections.abc import Mapping

from fair.core.accounts.viewers import Viewer
from fair.core.db import Database
from fair.core.errors import Forbidden, Invalid, NotAuthenticated
from fair.core.features import ChannelRule
from fair.core.i18n import gettext as _

CHANNEL_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,30}(:[A-Za-z0-9_-]{1,60}){0,4}$")
PRESENCE = "presence"


class ChannelAccess:
    def __init__(self, rules: Mapping[str, ChannelRule]) -> None:
        self._rules = dict(rules)

    async def authorise(self, db: Database, viewer: Viewer, channel: str) -> None:
        """Allow `viewer` to follow `channel`, or refuse with a stable code.

        `presence:<channel>` (the count of people at a place) is decided by the rule
        of `<channel>`'s prefix, which is given the whole name.
        """
        if not CHANNEL_NAME.match(channel):
            raise Invalid("live.bad_channel", _("That is not a channel name."))
        target = channel.removeprefix(f"{PRESENCE}:")
        rule = self._rules.get(target.split(":", 1)[0])
        if rule is not None and await rule(db, viewer, channel):
            return
        if not viewer.authenticated:
            raise NotAuthenticated("live.login_required", _("Log in to follow this."))
        raise Forbidden("live.forbidden", _("You may not follow this."))
