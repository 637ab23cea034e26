"""One way to check permission at a panel: load it, know the viewer's roles there, authorise."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fair.core.access import Purpose, acting, person_of
from fair.core.accounts.viewers import Actor, Person, System, Who
from fair.core.errors import Conflict, Forbidden, NotFound
from fair.core.i18n import gettext as _
from fair.qa import rules
from fair.qa.models import Panel, PanelMember
from fair.qa.rules import PanelRole, PanelState


@dataclass(frozen=True)
class PanelAccess:
    panel: Panel
    roles: frozenset[PanelRole]
    actor: Actor | None
    """Who acts, for any purpose but SEE (None: someone only looking)."""

    @property
    def state(self) -> PanelState:
        return PanelState(self.panel.state)

    @property
    def person(self) -> Person:
        """The person acting: for what only a person does (ask, vote, answer, take notes)."""
        return person_of(self.actor)


async def panel_roles(session: AsyncSession, panel_id: int, who: Who) -> frozenset[PanelRole]:
    if who.user_id is None:
        return frozenset()
    roles = await session.scalars(
        select(PanelMember.role).where(
            PanelMember.panel_id == panel_id, PanelMember.user_id == who.user_id
        )
    )
    return frozenset(PanelRole(role) for role in roles)


async def access_panel(
    session: AsyncSession, who: Who, panel_id: int, purpose: Purpose, *, lock: bool = False
) -> PanelAccess:
    """The panel `panel_id`, if `who` may use it for `purpose` now; `lock` serialises writers.

    SEE: everyone. CONTRIBUTE (ask): participants, while it takes questions. REACT (vote):
    while it takes votes. MODERATE: its moderators and organisers. ANSWER: its panelists,
    moderators and organisers; BACKSTAGE the same. The platform itself may do anything.
    """
    query = select(Panel).where(Panel.id == panel_id)
    if lock:
        query = query.with_for_update()
    panel = await session.scalar(query)
    if panel is None:
        raise NotFound("qa.panel_not_found", _("There is no such panel."))
    if isinstance(who, System):
        return PanelAccess(panel, frozenset(), who)
    roles = await panel_roles(session, panel_id, who)
    if purpose is Purpose.SEE:
        return PanelAccess(panel, roles, None)
    actor = acting(who)
    state = PanelState(panel.state)
    if purpose is Purpose.CONTRIBUTE:
        if not rules.may_ask(who):
            raise Forbidden("qa.forbidden", _("Your role does not allow this."))
        if not rules.accepts_questions(state):
            raise Conflict("qa.closed", _("This panel is not taking questions now."))
    elif purpose is Purpose.REACT:
        if not rules.accepts_votes(state):
            raise Conflict("qa.closed", _("Voting is closed for this panel."))
    elif purpose is Purpose.MODERATE:
        if not rules.may_moderate(who, roles):
            raise Forbidden("qa.not_moderator", _("Only this panel's moderators can do this."))
    elif purpose is Purpose.ANSWER:
        if not rules.may_answer(who, roles):
            raise Forbidden("qa.not_panelist", _("Only this panel's panelists can do this."))
    elif purpose is Purpose.BACKSTAGE:
        if not rules.may_go_backstage(who, roles):
            raise Forbidden(
                "qa.not_backstage", _("Only this panel's panelists and moderators can.")
            )
    else:
        raise Forbidden("qa.forbidden", _("Your role does not allow this."))
    return PanelAccess(panel, roles, actor)
