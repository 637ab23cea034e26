"""Account actions: each changes state and records its events in one transaction.

An organiser's role change and suspension each write one audit row (`fair.core.audit`).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select, update

from fair.core.access import Purpose, require
from fair.core.accounts import confirmations, events
from fair.core.accounts.access import access_person
from fair.core.accounts.inputs import Credentials, Registration, RoleChange
from fair.core.accounts.links import AccountMail
from fair.core.accounts.models import Login, User
from fair.core.accounts.passwords import hash_password, verify_password
from fair.core.accounts.roles import Capability, Role
from fair.core.accounts.viewers import Viewer
from fair.core.audit import audited
from fair.core.db import Database, Tx
from fair.core.errors import Conflict, FairError, Forbidden
from fair.core.i18n import gettext as _
from fair.core.tables import utcnow

ROLE_CHANGED = audited("account.role.changed", "account", "An organiser changed a person's role.")
ACCOUNT_BANNED = audited("account.banned", "account", "An organiser suspended a person.")


def login_id_for(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def person_view(user: User) -> events.PersonView:
    return events.PersonView(
        id=user.id,
        display_name=user.display_name,
        country=user.country,
        organisation=user.organisation,
        role=user.role,
    )


async def register(
    db: Database,
    form: Registration,
    *,
    role: Role = Role.PARTICIPANT,
    confirm: AccountMail | None = None,
    language: str | None = None,
) -> User:
    """Create an account; the e-mail must be new. With `confirm`, the mail with the link that
    confirms the address is queued in the same transaction. `language` is the one the person
    registered in, saved as their choice (mail and the digest follow it)."""
    password_hash = await hash_password(form.password)
    async with db.transaction() as tx:
        taken = await tx.session.scalar(select(User.id).where(User.email == form.email))
        if taken is not None:
            raise Conflict(
                "account.email_taken",
                _("An account with this e-mail already exists."),
                fields={"email": _("Already registered; log in instead.")},
            )
        user = User(
            email=form.email,
            display_name=form.display_name,
            password_hash=password_hash,
            country=form.country,
            organisation=form.organisation,
            role=role.value,
            created_at=utcnow(),
            language=language,
        )
        tx.session.add(user)
        await tx.session.flush()
        tx.actor_id = user.id
        tx.record(events.AccountRegistered(person=person_view(user)))
        if confirm is not None:
            await confirmations.queue_confirmation(tx, confirm, user)
    return user


async def log_in(
    db: Database, form: Credentials, *, user_agent: str = "", days: int = 14
) -> tuple[str, User]:
    """Check the password and open a login; return the cookie token and the person."""
    async with db.reading() as session:
        user = await session.scalar(select(User).where(User.email == form.email))
    if (
        not await verify_password(user.password_hash if user else None, form.password)
        or user is None
    ):
        raise FairError(
            "account.bad_credentials", _("That e-mail and password do not match."), status=401
        )
    if user.banned:
        raise Forbidden("account.banned", _("This account has been suspended."))
    token = secrets.token_urlsafe(32)
    now = utcnow()
    async with db.transaction(actor_id=user.id) as tx:
        login = Login(
            id=login_id_for(token),
            user_id=user.id,
            created_at=now,
            expires_at=now + timedelta(days=days),
            user_agent=user_agent[:200],
        )
        tx.session.add(login)
        tx.record(events.LoginStarted(login_id=login.id, user_id=user.id))
    return token, user


async def log_out(db: Database, token: str) -> None:
    """End the login behind `token`; its sockets on every worker close."""
    login_id = login_id_for(token)
    async with db.transaction() as tx:
        login = await tx.session.get(Login, login_id)
        if login is None or login.ended_at is not None:
            return
        login.ended_at = utcnow()
        tx.actor_id = login.user_id
        tx.record(events.LoginEnded(login_id=login_id, user_id=login.user_id))


async def choose_language(db: Database, user_id: int, language: str) -> None:
    """The person chose the language the fair speaks to them in (pages and mail)."""
    async with db.transaction() as tx:
        await tx.session.execute(update(User).where(User.id == user_id).values(language=language))


async def change_role(db: Database, viewer: Viewer, user_id: int, form: RoleChange) -> User:
    """An organiser gives a person another role; the person's sockets reconnect with it."""
    actor = require(viewer, Capability.CHANGE_ROLES)
    async with db.transaction(actor_id=actor.user_id) as tx:
        user = await access_person(tx.session, viewer, user_id, Purpose.RUN)
        if user.id == viewer.user_id and form.role != Role.ORGANISER:
            raise Forbidden("account.own_role", _("Organisers cannot take away their own role."))
        if user.role == form.role.value:
            return user
        tx.audit(
            actor,
            ROLE_CHANGED,
            user.id,
            before={"role": user.role},
            after={"role": form.role.value},
        )
        user.role = form.role.value
        view = person_view(user)
        tx.record(events.RoleChanged(person=view))
    return user


async def ban(db: Database, viewer: Viewer, user_id: int) -> User:
    """An organiser suspends a person: every login ends and every socket closes."""
    actor = require(viewer, Capability.BAN)
    async with db.transaction(actor_id=actor.user_id) as tx:
        user = await access_person(tx.session, viewer, user_id, Purpose.MODERATE)
        if user.id == viewer.user_id:
            raise Forbidden("account.ban_self", _("You cannot suspend your own account."))
        if user.banned:
            return user
        tx.audit(actor, ACCOUNT_BANNED, user.id, before={"banned": False}, after={"banned": True})
        user.banned = True
        await end_logins(tx, user.id)
        view = person_view(user)
        tx.record(events.AccountBanned(person=view))
    return user


async def end_logins(tx: Tx, user_id: int) -> None:
    await tx.session.execute(
        update(Login)
        .where(Login.user_id == user_id, Login.ended_at.is_(None))
        .values(ended_at=utcnow())
    )
