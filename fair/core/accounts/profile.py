"""One's own account: the profile, the password, and the browsers one is logged in on.

What people do with their own account is not audited (fair/core/audit.py audits power over
other people and the fair's set-up). A changed name shows wherever a page is rendered after
it; events already sent keep the name they were sent with (the log is what happened).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from fair.core.accounts import events
from fair.core.accounts.access import account_of
from fair.core.accounts.account_inputs import PasswordChange, ProfileChange
from fair.core.accounts.models import Login, User
from fair.core.accounts.passwords import hash_password, verify_password
from fair.core.accounts.viewers import Person
from fair.core.db import Database, Tx
from fair.core.errors import Forbidden, Invalid
from fair.core.i18n import gettext as _
from fair.core.tables import utcnow


@dataclass(frozen=True, slots=True)
class LoginView:
    """A browser the person is logged in on, as their account page lists it."""

    id: str
    created_at: datetime
    expires_at: datetime
    user_agent: str
    current: bool


async def profile_of(db: Database, person: Person) -> User:
    """The person's own account, to show on their profile page."""
    async with db.reading() as session:
        return await account_of(session, person)


async def update_profile(db: Database, person: Person, form: ProfileChange) -> User:
    """The person changes their name, organisation, country, language or time zone."""
    async with db.transaction(actor_id=person.user_id) as tx:
        user = await account_of(tx.session, person)
        user.display_name = form.display_name
        user.organisation = form.organisation
        user.country = form.country
        user.language = form.language or None
        user.time_zone = form.time_zone or None
    return user


def wrong_password() -> Forbidden:
    return Forbidden(
        "account.wrong_password",
        _("That is not your current password."),
        fields={"current": _("Not your current password.")},
    )


async def confirm_password(db: Database, person: Person, password: str) -> None:
    """Refuse unless `password` is the person's own (`account.wrong_password`)."""
    async with db.reading() as session:
        user = await account_of(session, person)
    if not await verify_password(user.password_hash, password):
        raise wrong_password()


async def change_password(db: Database, person: Person, form: PasswordChange) -> int:
    """The person sets a new password, confirming the current one: every other login ends
    (its sockets close), this one stays; how many ended. A reset link sent before stops
    working, since it is bound to the old password."""
    if form.password != form.again:
        raise Invalid(
            "input.invalid",
            _("Some fields are missing or not valid."),
            fields={"again": _("The two new passwords are not the same.")},
        )
    await confirm_password(db, person, form.current)
    new_hash = await hash_password(form.password)
    async with db.transaction(actor_id=person.user_id) as tx:
        user = await account_of(tx.session, person)
        user.password_hash = new_hash
        return await _end_others(tx, person)


async def end_other_logins(db: Database, person: Person) -> int:
    """The person logs out of every other browser (its sockets close); this one stays."""
    async with db.transaction(actor_id=person.user_id) as tx:
        return await _end_others(tx, person)


async def _end_others(tx: Tx, person: Person) -> int:
    now = utcnow()
    logins = await tx.session.scalars(
        select(Login).where(
            Login.user_id == person.user_id,
            Login.ended_at.is_(None),
            Login.id != (person.login_id or ""),
        )
    )
    ended = 0
    for login in logins.all():
        login.ended_at = now
        tx.record(events.LoginEnded(login_id=login.id, user_id=person.user_id))
        ended += 1
    return ended


async def logins_of(db: Database, person: Person) -> list[LoginView]:
    """The browsers the person is logged in on now, newest first, this one marked."""
    async with db.reading() as session:
        logins = await session.scalars(
            select(Login)
            .where(
                Login.user_id == person.user_id,
                Login.ended_at.is_(None),
                Login.expires_at > utcnow(),
            )
            .order_by(Login.created_at.desc(), Login.id)
        )
        return [
            LoginView(
                id=login.id[:12],
                created_at=login.created_at,
                expires_at=login.expires_at,
                user_agent=login.user_agent,
                current=login.id == person.login_id,
            )
            for login in logins
        ]
