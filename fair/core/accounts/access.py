"""One way to check permission over people: load the account and authorise whoever asks."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from fair.core.access import Purpose, require
from fair.core.accounts.models import User
from fair.core.accounts.roles import Capability
from fair.core.accounts.viewers import Person, Who
from fair.core.errors import Forbidden, NotAuthenticated, NotFound
from fair.core.i18n import gettext as _

CAPABILITY = {
    Purpose.SEE: Capability.SEE_PEOPLE,
    Purpose.RUN: Capability.CHANGE_ROLES,
    Purpose.MODERATE: Capability.BAN,
}
"""What each purpose over someone's account needs: see people, change roles, suspend."""


async def access_person(
    session: AsyncSession, who: Who, user_id: int, purpose: Purpose, *, lock: bool = False
) -> User:
    """The account `user_id`, if `who` may use it for `purpose` (SEE, RUN, MODERATE)."""
    capability = CAPABILITY.get(purpose)
    if capability is None:
        raise Forbidden("account.forbidden", _("Your role does not allow this."))
    require(who, capability)
    user = await session.get(User, user_id, with_for_update=lock)
    if user is None:
        raise NotFound("account.not_found", _("There is no such person."))
    return user


async def account_of(session: AsyncSession, person: Person) -> User:
    """The account of the person acting (gone only if it was deleted while they were logged in)."""
    user = await session.get(User, person.user_id)
    if user is None:
        raise NotAuthenticated("account.login_required", _("Log in to do this."))
    return user
