"""One way to check permission over invitations: load one and authorise whoever asks."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from fair.core.access import require
from fair.core.accounts.models import Invitation
from fair.core.accounts.roles import Capability
from fair.core.accounts.viewers import Actor, Who
from fair.core.errors import NotFound
from fair.core.i18n import gettext as _


async def access_invitation(
    session: AsyncSession, who: Who, invitation_id: int, *, lock: bool = False
) -> tuple[Actor, Invitation]:
    """The invitation `invitation_id`, if `who` may invite people (organisers)."""
    actor = require(who, Capability.INVITE_PEOPLE)
    invitation = await session.get(Invitation, invitation_id, with_for_update=lock)
    if invitation is None:
        raise NotFound("account.invitation_not_found", _("There is no such invitation."))
    return actor, invitation
