"""One way to check permission at a panel: load it, know the viewer's roles there, authorise."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fair.core.accounts.viewers import System, Viewer
from fair.core.errors import Conflict, Forbidden, NotAuthenticated, NotFound
from fair.core.i18n import gettext as _
from fair.qa import rules
from fair.qa.models import Panel, PanelMember
from fair.qa.rules import PanelRole, PanelState


class Purpose(Enum):
    SEE = "see"
    ASK = "ask"
    VOTE = "vote"
    MODERATE = "moderate"
    ANSWER = "answer"
    BACKSTAGE = "backstage"


@dataclass(frozen=True)
class PanelAccess:
    panel: Panel
    roles: frozenset[PanelRole]

    @property
    def state(self) -> PanelState:
        return PanelState(self.panel.state)


async def panel_roles(session: AsyncSession, panel_id: int, viewer: Viewer) -> frozenset[PanelRole]:
    if viewer.user_id is None:
        return frozenset()
    roles = await session.scalars(
        select(PanelMember.role).where(
            PanelMember.panel_id == panel_id, PanelMember.user_id == viewer.user_id
        )
    )
    return frozenset(PanelRole(role) for role in roles)


async def access_panel(
    session: AsyncSession,
    viewer: Viewer | System,
    panel_id: int,
    purpose: Purpose,
    *,
    lock: bool = False,
) -> PanelAccess:
    """The panel `panel_id`, if `viewer` may use it for `purpose` now; `lock` serialises writers.

    The system (a scheduled job) passes every check."""
    query = select(Panel).where(Panel.id == panel_id)
    if lock:
        query = query.with_for_update()
    panel = await session.scalar(query)
    if panel is None:
        raise NotFound("qa.panel_not_found", _("There is no such panel."))
    if isinstance(viewer, System):
        return PanelAccess(panel, frozenset())
    roles = await panel_roles(session, panel_id, viewer)
    access = PanelAccess(panel, roles)
    if purpose is Purpose.SEE:
        return access
    if not viewer.authenticated:
        raise NotAuthenticated("account.login_required", _("Log in to do this."))
    if purpose is Purpose.ASK:
        if not rules.may_ask(viewer):
            raise Forbidden("qa.forbidden", _("Your role does not allow this."))
        if not rules.accepts_questions(access.state):
            raise Conflict("qa.closed", _("This panel is not taking questions now."))
    elif purpose is Purpose.VOTE:
        if not rules.accepts_votes(access.state):
            raise Conflict("qa.closed", _("Voting is closed for this panel."))
    elif purpose is Purpose.MODERATE:
        if not rules.may_moderate(viewer, roles):
            raise Forbidden("qa.not_moderator", _("Only this panel's moderators can do this."))
    elif purpose is Purpose.ANSWER:
        if not rules.may_answer(viewer, roles):
            raise Forbidden("qa.not_panelist", _("Only this panel's panelists can do this."))
    elif purpose is Purpose.BACKSTAGE and not rules.may_go_backstage(viewer, roles):
        raise Forbidden("qa.not_backstage", _("Only this panel's panelists and moderators can."))
    return access
