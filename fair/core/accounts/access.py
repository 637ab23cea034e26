"""One way to check permission over people: load the account and authorise whoever asks."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fair.core.access import Purpose, require
from fair.core.accounts.models import User
from fair.core.accounts.roles import Capability
from fair.core.accounts.viewers import Person, Who
from fair.core.errors import Forbidden, Invalid, NotAuthenticated, NotFound
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


async def accounts_by_email(
    session: AsyncSession, emails: Sequence[str], field: str
) -> dict[str, User]:
    """The accounts of `emails` (people named on a form, such as a panel's or a discussion's
    moderators), or `Invalid` on `field` listing those with no account."""
    wanted = list(dict.fromkeys(emails))
    found = {u.email: u for u in await session.scalars(select(User).where(User.email.in_(wanted)))}
    missing = [email for email in wanted if email not in found]
    if missing:
        raise Invalid(
            "input.invalid",
            _("Some fields are missing or not valid."),
            fields={
                field: _("No account with these e-mails: %(list)s") % {"list": ", ".join(missing)}
            },
        )
    return found
