"""Confirming an e-mail address: a signed link sent to it, bound to the address (a changed
address voids it), good for a week; sent on registering and again on request."""

from __future__ import annotations

from sqlalchemy import select

from fair.core.access import acting_person
from fair.core.accounts.links import AccountMail, account_named_by, check_link
from fair.core.accounts.models import User
from fair.core.accounts.viewers import Who
from fair.core.db import Database, Tx
from fair.core.errors import Conflict, Invalid
from fair.core.i18n import gettext as _
from fair.core.mail.outbox import queue_mail
from fair.core.mail.rendering import write_mail
from fair.core.signing import sign
from fair.core.tables import utcnow

PURPOSE = "accounts.email_confirmation"
MAX_AGE_SECONDS = 7 * 86400
CONFIRM_PATH = "/email/confirm"


async def queue_confirmation(tx: Tx, mail: AccountMail, user: User) -> None:
    """Queue, in `tx`, the mail with the link that confirms `user`'s address."""
    token = sign(mail.secret, PURPOSE, str(user.id), bind=user.email)
    written = write_mail(
        mail.env,
        "email_confirmation",
        user.language or mail.default_language,
        {"name": user.display_name, "link": mail.link(CONFIRM_PATH, token)},
    )
    await queue_mail(
        tx,
        to=user.email,
        subject=written.subject,
        text=written.text,
        html=written.html,
        kind=PURPOSE,
    )


async def resend_confirmation(db: Database, mail: AccountMail, who: Who) -> None:
    """A logged-in person asks for the confirmation link again (their address is unconfirmed)."""
    person = acting_person(who)
    async with db.transaction(actor_id=person.user_id) as tx:
        user = await tx.session.get(User, person.user_id)
        if user is None:
            raise Conflict("account.not_found", _("There is no such account."))
        if user.email_confirmed_at is not None:
            raise Conflict("account.email_confirmed", _("Your address is confirmed already."))
        await queue_confirmation(tx, mail, user)


def _refused() -> Invalid:
    return Invalid("account.confirm_link_invalid", _("This link is not valid. Ask for a new one."))


async def confirm_email(db: Database, secret: str, token: str) -> User:
    """Mark the address a confirmation link was sent to as confirmed (once is enough; the link
    may be opened again). Refused if tampered with, older than a week, or the address changed."""
    user_id = account_named_by(token, _refused())
    async with db.transaction(actor_id=user_id) as tx:
        user = await tx.session.scalar(select(User).where(User.id == user_id).with_for_update())
        if user is None:
            raise _refused()
        check_link(
            secret,
            PURPOSE,
            token,
            max_age=MAX_AGE_SECONDS,
            bind=user.email,
            refused=_refused(),
            expired=Invalid(
                "account.confirm_link_expired", _("This link has expired. Ask for a new one.")
            ),
        )
        if user.email_confirmed_at is None:
            user.email_confirmed_at = utcnow()
    return user
