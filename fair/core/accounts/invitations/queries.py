"""Reading invitations: the list on the organisers' people page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from fair.core.access import require
from fair.core.accounts.invitations.rules import (
    InvitationState,
    may_resend,
    may_withdraw,
    shown_state,
)
from fair.core.accounts.models import Invitation, User
from fair.core.accounts.roles import Capability
from fair.core.accounts.viewers import Viewer
from fair.core.db import Database
from fair.core.tables import utcnow

LISTED = 100
"""Invitations the people page lists: the newest."""


@dataclass(frozen=True)
class InvitationRow:
    id: int
    email: str
    display_name: str
    role: str
    state: InvitationState
    sent_at: datetime
    expires_at: datetime
    invited_by: str
    """The inviting organiser's name ("" if their account is gone)."""

    @property
    def may_resend(self) -> bool:
        return may_resend(self.state)

    @property
    def may_withdraw(self) -> bool:
        return may_withdraw(self.state)


@dataclass(frozen=True)
class InvitationList:
    rows: list[InvitationRow]
    total: int
    """Every invitation ever sent (the list holds the newest LISTED)."""


async def invitations(db: Database, viewer: Viewer) -> InvitationList:
    """The newest invitations with their state now (pending, accepted, withdrawn, expired), for
    organisers."""
    require(viewer, Capability.INVITE_PEOPLE)
    inviter = aliased(User)
    now = utcnow()
    async with db.reading() as session:
        total = await session.scalar(select(func.count(Invitation.id))) or 0
        rows = await session.execute(
            select(Invitation, inviter.display_name)
            .outerjoin(inviter, inviter.id == Invitation.invited_by)
            .order_by(Invitation.id.desc())
            .limit(LISTED)
        )
        return InvitationList(
            [
                InvitationRow(
                    id=invitation.id,
                    email=invitation.email,
                    display_name=invitation.display_name,
                    role=invitation.role,
                    state=shown_state(invitation.state, invitation.expires_at, now),
                    sent_at=invitation.sent_at,
                    expires_at=invitation.expires_at,
                    invited_by=name or "",
                )
                for invitation, name in rows
            ],
            total,
        )
