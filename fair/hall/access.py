"""One way to check permission in the hall: load the booth and authorise whoever asks, or refuse."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fair.core.access import Purpose, acting, person_of
from fair.core.accounts.viewers import Actor, Person, System, Who
from fair.core.errors import Conflict, Forbidden, NotFound
from fair.core.i18n import gettext as _
from fair.hall import rules
from fair.hall.models import Booth, TeamMember
from fair.hall.rules import BoothState


@dataclass(frozen=True)
class BoothAccess:
    booth: Booth
    on_team: bool
    actor: Actor | None
    """Who acts, for any purpose but SEE (None: someone only looking)."""

    @property
    def state(self) -> BoothState:
        return BoothState(self.booth.state)

    @property
    def person(self) -> Person:
        """The person acting: for what only a person does (chat, leave a card)."""
        return person_of(self.actor)


async def on_team(session: AsyncSession, booth_id: int, who: Who) -> bool:
    if who.user_id is None:
        return False
    found = await session.scalar(
        select(TeamMember.user_id).where(
            TeamMember.booth_id == booth_id, TeamMember.user_id == who.user_id
        )
    )
    return found is not None


async def access_booth(
    session: AsyncSession, who: Who, booth_id: int, purpose: Purpose, *, lock: bool = False
) -> BoothAccess:
    """The booth `booth_id`, if `who` may use it for `purpose`; drafts look absent to others.

    SEE: anyone who may see it. CONTRIBUTE (chat): logged in, while the booth is published.
    CONTACT (leave a card): logged in, not on its team, while published. RUN: its exhibitor
    team and organisers. MODERATE (remove chat): those, and moderators. BACKSTAGE (be counted
    as staff at the booth): its team. The platform itself may do anything with a booth.
    """
    query = select(Booth).where(Booth.id == booth_id)
    booth = await session.scalar(query.with_for_update() if lock else query)
    if booth is None:
        raise NotFound("hall.booth_not_found", _("There is no such booth."))
    if isinstance(who, System):
        return BoothAccess(booth, False, who)
    team = await on_team(session, booth_id, who)
    state = BoothState(booth.state)
    if not rules.may_see(who, state, team):
        raise NotFound("hall.booth_not_found", _("There is no such booth."))
    if purpose is Purpose.SEE:
        return BoothAccess(booth, team, None)
    actor = acting(who)
    if purpose is Purpose.RUN and not rules.may_run(who, team):
        raise Forbidden("hall.not_your_booth", _("Only this booth's team can do this."))
    if purpose is Purpose.BACKSTAGE and not team:
        raise Forbidden("hall.not_your_booth", _("Only this booth's team can do this."))
    if purpose is Purpose.MODERATE and not rules.may_remove_chat(who, team):
        raise Forbidden(
            "hall.not_your_booth", _("Only this booth's team or a moderator can do this.")
        )
    if purpose is Purpose.CONTRIBUTE and not rules.chat_is_open(state):
        raise Conflict("hall.chat_closed", _("The chat of this booth is closed."))
    if purpose is Purpose.CONTACT and not rules.may_leave_card(who, state, team):
        raise Conflict("hall.card_not_possible", _("You cannot leave a card at this booth."))
    if purpose in {Purpose.REACT, Purpose.ANSWER}:
        raise Forbidden("hall.not_your_booth", _("Only this booth's team can do this."))
    return BoothAccess(booth, team, actor)
