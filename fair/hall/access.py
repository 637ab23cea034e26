"""One way to check permission in the hall: load the booth and authorise the viewer, or refuse."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fair.core.accounts.viewers import Viewer
from fair.core.errors import Conflict, Forbidden, NotAuthenticated, NotFound
from fair.core.i18n import gettext as _
from fair.hall import rules
from fair.hall.models import Booth, TeamMember
from fair.hall.rules import BoothState


class Purpose(Enum):
    SEE = "see"
    RUN = "run"
    CHAT = "chat"
    REMOVE_CHAT = "remove_chat"
    LEAVE_CARD = "leave_card"


@dataclass(frozen=True)
class BoothAccess:
    booth: Booth
    on_team: bool

    @property
    def state(self) -> BoothState:
        return BoothState(self.booth.state)


async def on_team(session: AsyncSession, booth_id: int, viewer: Viewer) -> bool:
    if viewer.user_id is None:
        return False
    found = await session.scalar(
        select(TeamMember.user_id).where(
            TeamMember.booth_id == booth_id, TeamMember.user_id == viewer.user_id
        )
    )
    return found is not None


async def access_booth(
    session: AsyncSession, viewer: Viewer, booth_id: int, purpose: Purpose
) -> BoothAccess:
    """The booth `booth_id`, if `viewer` may use it for `purpose`; drafts look absent to others."""
    booth = await session.get(Booth, booth_id)
    if booth is None:
        raise NotFound("hall.booth_not_found", _("There is no such booth."))
    team = await on_team(session, booth_id, viewer)
    access = BoothAccess(booth, team)
    if not rules.may_see(viewer, access.state, team):
        raise NotFound("hall.booth_not_found", _("There is no such booth."))
    if purpose is Purpose.SEE:
        return access
    if not viewer.authenticated:
        raise NotAuthenticated("account.login_required", _("Log in to do this."))
    if purpose is Purpose.RUN and not rules.may_run(viewer, team):
        raise Forbidden("hall.not_your_booth", _("Only this booth's team can do this."))
    if purpose is Purpose.REMOVE_CHAT and not rules.may_remove_chat(viewer, team):
        raise Forbidden(
            "hall.not_your_booth", _("Only this booth's team or a moderator can do this.")
        )
    if purpose is Purpose.CHAT and not rules.chat_is_open(access.state):
        raise Conflict("hall.chat_closed", _("The chat of this booth is closed."))
    if purpose is Purpose.LEAVE_CARD and not rules.may_leave_card(viewer, access.state, team):
        raise Conflict("hall.card_not_possible", _("You cannot leave a card at this booth."))
    return access
