"""Password reset by mail: a signed link, bound to the current password hash so it works once,
valid for an hour. Asking answers the same whether or not the address has an account."""

from __future__ import annotations

from sqlalchemy import func, select

from fair.core.accounts.actions import end_logins
from fair.core.accounts.links import AccountMail, account_named_by, check_link
from fair.core.accounts.models import User
from fair.core.accounts.passwords import hash_password
from fair.core.db import Database
from fair.core.errors import Invalid
from fair.core.i18n import gettext as _
from fair.core.mail.outbox import queue_mail
from fair.core.mail.rendering import write_mail
from fair.core.signing import sign

PURPOSE = "accounts.password_reset"
MAX_AGE_SECONDS = 3600
RESET_PATH = "/password/reset"


async def request_password_reset(db: Database, mail: AccountMail, email: str) -> None:
    """Queue a reset link to `email` if it is an account's (not a suspended one); otherwise do
    nothing. The caller answers the same either way."""
    async with db.transaction() as tx:
        user = await tx.session.scalar(
            select(User).where(func.lower(User.email) == email.strip().lower())
        )
        if user is None or user.banned:
            return
        token = sign(mail.secret, PURPOSE, str(user.id), bind=user.password_hash)
        link = mail.link(RESET_PATH, token)
        written = write_mail(
            mail.env,
            "password_reset",
            user.language or mail.default_language,
            {"name": user.display_name, "link": link},
        )
        await queue_mail(
            tx,
            to=user.email,
            subject=written.subject,
            text=written.text,
            html=written.html,
            kind=PURPOSE,
        )


def _refused() -> Invalid:
    return Invalid(
        "account.reset_link_invalid",
        _("This link is not valid any more. Ask for a new one."),
    )


def _user_id(token: str) -> int:
    return account_named_by(token, _refused())


def _check(secret: str, token: str, user: User | None) -> User:
    """The account the link is for, if the link is good for it now."""
    if user is None or user.banned:
        raise _refused()
    check_link(
        secret,
        PURPOSE,
        token,
        max_age=MAX_AGE_SECONDS,
        bind=user.password_hash,
        refused=_refused(),
        expired=Invalid(
            "account.reset_link_expired", _("This link has expired. Ask for a new one.")
        ),
    )
    return user


async def check_reset_link(db: Database, secret: str, token: str) -> None:
    """Refuse a reset link that cannot be used, before showing its form."""
    user_id = _user_id(token)
    async with db.reading() as session:
        _check(secret, token, await session.get(User, user_id))


async def reset_password(db: Database, secret: str, token: str, password: str) -> None:
    """Set a new password through a reset link: refused if the link is tampered with, older
    than an hour, or already used (the password changed since). Ends every login."""
    user_id = _user_id(token)
    new_hash = await hash_password(password)
    async with db.transaction(actor_id=user_id) as tx:
        user = _check(secret, token, await tx.session.get(User, user_id, with_for_update=True))
        user.password_hash = new_hash
        await end_logins(tx, user.id)
