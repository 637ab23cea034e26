"""One way to check permission: load the object and authorise the viewer, or refuse."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from fair.core.accounts.models import User
from fair.core.accounts.roles import Capability
from fair.core.accounts.viewers import Viewer
from fair.core.errors import Forbidden, NotAuthenticated, NotFound
from fair.core.i18n import gettext as _


def require(viewer: Viewer, capability: Capability) -> None:
    """Refuse unless the viewer is logged in and their role grants `capability`."""
    if not viewer.authenticated:
        raise NotAuthenticated("account.login_required", _("Log in to do this."))
    if not viewer.can(capability):
        raise Forbidden("account.forbidden", _("Your role does not allow this."))


async def access_person(
    session: AsyncSession, viewer: Viewer, user_id: int, capability: Capability
) -> User:
    """The account `user_id`, for a viewer allowed `capability` over people."""
    require(viewer, capability)
    user = await session.get(User, user_id)
    if user is None:
        raise NotFound("account.not_found", _("There is no such person."))
    return user
