"""Invitation actions: invite people, send an invitation again, withdraw it, accept it.

Each runs in one transaction; the mail goes through the outbox in that transaction. Inviting,
sending again and withdrawing are audited (an organiser's power over who has which role);
accepting records `account.registered` like a registration.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fair.core.access import require
from fair.core.accounts.actions import person_view
from fair.core.accounts.events import AccountRegistered
from fair.core.accounts.invitations.access import access_invitation
from fair.core.accounts.invitations.inputs import Acceptance, Invitations
from fair.core.accounts.invitations.rules import (
    InvitationState,
    may_resend,
    may_withdraw,
    shown_state,
)
from fair.core.accounts.links import AccountMail, account_named_by, check_link
from fair.core.accounts.models import Invitation, User
from fair.core.accounts.passwords import hash_password
from fair.core.accounts.roles import Capability
from fair.core.accounts.viewers import Who
from fair.core.audit import audited
from fair.core.db import Database, Tx
from fair.core.errors import Conflict, FairError, Invalid
from fair.core.i18n import gettext as _
from fair.core.mail.outbox import queue_mail
from fair.core.mail.rendering import write_mail
from fair.core.signing import sign
from fair.core.tables import utcnow

PURPOSE = "accounts.invitation"
ACCEPT_PATH = "/invitations/accept"

INVITATION_SENT = audited(
    "account.invitation.sent",
    "invitation",
    "An organiser invited someone by e-mail to make an account with a role.",
)
INVITATION_RESENT = audited(
    "account.invitation.resent",
    "invitation",
    "An organiser sent an invitation again: a new link and expiry; the old link is dead.",
)
INVITATION_WITHDRAWN = audited(
    "account.invitation.withdrawn",
    "invitation",
    "An organiser withdrew an invitation; its link no longer works.",
)


@dataclass(frozen=True)
class Invited:
    id: int
    email: str


@dataclass(frozen=True)
class InvitationOutcome:
    """What inviting a list of people did: who was invited, who has an account already (no
    invitation: change their role instead), who has a pending invitation (send it again)."""

    invited: list[Invited] = field(default_factory=list)
    registered: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)


async def invite_people(
    db: Database, who: Who, form: Invitations, mail: AccountMail, *, days: int
) -> InvitationOutcome:
    """An organiser invites people by e-mail to make an account with `form.role`: each new
    address gets a mail with a link that works for `days` days. An address that has an
    account, or a pending invitation, is reported, not invited again."""
    actor = require(who, Capability.INVITE_PEOPLE)
    people = {invitee.email: invitee for invitee in form.invitees}
    now = utcnow()
    outcome = InvitationOutcome()
    async with db.transaction(actor_id=actor.user_id) as tx:
        registered = set(await tx.session.scalars(select(User.email).where(User.email.in_(people))))
        pending = set(
            await tx.session.scalars(
                select(Invitation.email).where(
                    Invitation.email.in_(people),
                    Invitation.state == InvitationState.PENDING.value,
                    Invitation.expires_at > now,
                )
            )
        )
        inviter = await _inviter_name(tx, actor.user_id)
        for email, invitee in people.items():
            if email in registered:
                outcome.registered.append(email)
                continue
            if email in pending:
                outcome.pending.append(email)
                continue
            invitation = Invitation(
                email=email,
                display_name=invitee.display_name,
                role=form.role.value,
                state=InvitationState.PENDING.value,
                nonce=secrets.token_urlsafe(24),
                language=mail.default_language,
                invited_by=actor.user_id,
                created_at=now,
                sent_at=now,
                expires_at=now + timedelta(days=days),
            )
            tx.session.add(invitation)
            await tx.session.flush()
            tx.audit(
                actor,
                INVITATION_SENT,
                invitation.id,
                after={"email": email, "role": invitation.role},
            )
            await _send(tx, mail, invitation, inviter)
            outcome.invited.append(Invited(invitation.id, email))
    return outcome


async def resend_invitation(
    db: Database, who: Who, invitation_id: int, mail: AccountMail, *, days: int
) -> Invitation:
    """An organiser sends an invitation again: a new link that works for `days` days; the
    link sent before no longer works. Refused once accepted or withdrawn, or if the address
    has an account by now."""
    async with db.transaction() as tx:
        actor, invitation = await access_invitation(tx.session, who, invitation_id, lock=True)
        tx.actor_id = actor.user_id
        if not may_resend(shown_state(invitation.state, invitation.expires_at, utcnow())):
            raise _ended()
        taken = await tx.session.scalar(select(User.id).where(User.email == invitation.email))
        if taken is not None:
            raise _has_account()
        before = invitation.expires_at
        now = utcnow()
        invitation.nonce = secrets.token_urlsafe(24)
        invitation.sent_at = now
        invitation.expires_at = now + timedelta(days=days)
        tx.audit(
            actor,
            INVITATION_RESENT,
            invitation.id,
            before={"expires_at": before.isoformat()},
            after={"expires_at": invitation.expires_at.isoformat()},
        )
        await _send(tx, mail, invitation, await _inviter_name(tx, actor.user_id))
    return invitation


async def withdraw_invitation(db: Database, who: Who, invitation_id: int) -> Invitation:
    """An organiser withdraws an invitation not yet accepted: its link no longer works."""
    async with db.transaction() as tx:
        actor, invitation = await access_invitation(tx.session, who, invitation_id, lock=True)
        tx.actor_id = actor.user_id
        if not may_withdraw(shown_state(invitation.state, invitation.expires_at, utcnow())):
            raise _ended()
        tx.audit(
            actor,
            INVITATION_WITHDRAWN,
            invitation.id,
            before={"state": invitation.state},
            after={"state": InvitationState.WITHDRAWN.value},
        )
        invitation.state = InvitationState.WITHDRAWN.value
        invitation.ended_at = utcnow()
    return invitation


async def check_invitation_link(db: Database, secret: str, token: str) -> Invitation:
    """The invitation a link opens, if it can still be accepted; else a refusal saying why."""
    async with db.reading() as session:
        return await _usable(session, secret, token, lock=False)


async def accept_invitation(db: Database, secret: str, form: Acceptance) -> User:
    """The invited person makes their account through the link: the invitation's address
    (confirmed, since the link reached it) and role, their own name, country and password.
    The link then no longer works. Refused, creating nothing, if the link is tampered with,
    expired, withdrawn, used, or replaced by one sent again, or the address has an account."""
    password_hash = await hash_password(form.password)
    async with db.transaction() as tx:
        invitation = await _usable(tx.session, secret, form.token, lock=True)
        taken = await tx.session.scalar(select(User.id).where(User.email == invitation.email))
        if taken is not None:
            raise _has_account()
        now = utcnow()
        user = User(
            email=invitation.email,
            display_name=form.display_name,
            password_hash=password_hash,
            country=form.country,
            organisation=form.organisation,
            role=invitation.role,
            created_at=now,
            email_confirmed_at=now,
        )
        tx.session.add(user)
        await tx.session.flush()
        tx.actor_id = user.id
        invitation.state = InvitationState.ACCEPTED.value
        invitation.ended_at = now
        invitation.user_id = user.id
        tx.record(AccountRegistered(person=person_view(user)))
    return user


async def _usable(session: AsyncSession, secret: str, token: str, *, lock: bool) -> Invitation:
    """The invitation behind a link's token, if the link can be accepted now."""
    invitation = await session.get(
        Invitation, account_named_by(token, _refused()), with_for_update=lock
    )
    if invitation is None:
        raise _refused()
    check_link(
        secret,
        PURPOSE,
        token,
        max_age=(invitation.expires_at - invitation.sent_at).total_seconds(),
        bind=invitation.nonce,
        refused=_refused(),
        expired=_expired(),
    )
    state = shown_state(invitation.state, invitation.expires_at, utcnow())
    if state is InvitationState.EXPIRED:
        raise _expired()
    if state is InvitationState.WITHDRAWN:
        raise Invalid(
            "account.invitation_withdrawn",
            _("This invitation was withdrawn. Ask the organisers if you think it should not be."),
        )
    if state is InvitationState.ACCEPTED:
        raise Invalid(
            "account.invitation_used",
            _("This invitation has been used already: log in with the account it made."),
        )
    return invitation


async def _send(tx: Tx, mail: AccountMail, invitation: Invitation, inviter: str) -> None:
    token = sign(
        mail.secret,
        PURPOSE,
        str(invitation.id),
        bind=invitation.nonce,
        now=invitation.sent_at.timestamp(),
    )
    written = write_mail(
        mail.env,
        "invitation",
        invitation.language,
        {
            "name": invitation.display_name,
            "inviter": inviter,
            "role": invitation.role,
            "link": mail.link(ACCEPT_PATH, token),
            "days": round((invitation.expires_at - invitation.sent_at).total_seconds() / 86400),
        },
    )
    await queue_mail(
        tx,
        to=invitation.email,
        subject=written.subject,
        text=written.text,
        html=written.html,
        kind=PURPOSE,
    )


async def _inviter_name(tx: Tx, user_id: int | None) -> str:
    if user_id is None:
        return ""
    return await tx.session.scalar(select(User.display_name).where(User.id == user_id)) or ""


def _refused() -> Invalid:
    return Invalid(
        "account.invitation_invalid",
        _("This invitation link is not valid (perhaps a newer one was sent to you)."),
    )


def _expired() -> Invalid:
    return Invalid(
        "account.invitation_expired",
        _("This invitation has expired. Ask the organisers to send it again."),
    )


def _ended() -> FairError:
    return Conflict(
        "account.invitation_ended", _("This invitation was accepted or withdrawn already.")
    )


def _has_account() -> FairError:
    return Conflict(
        "account.email_taken",
        _("An account with this e-mail already exists: log in instead."),
    )
