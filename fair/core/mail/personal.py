"""Mail the fair sent or will send a person: their part of the data download, and what goes
when they delete their account."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from fair.core.accounts.models import User
from fair.core.contract import Departure, PersonalRows
from fair.core.db import Tx
from fair.core.mail.models import MailMessage


async def personal_data(session: AsyncSession, user_id: int) -> PersonalRows:
    """Each message to their address: what it was, its subject, where it stands. Not its
    body: a digest quotes what other people did."""
    email = await session.scalar(select(User.email).where(User.id == user_id))
    if email is None:
        return {}
    messages = await session.scalars(
        select(MailMessage).where(MailMessage.to_address == email).order_by(MailMessage.id)
    )
    return {
        "mail": [
            {
                "kind": m.kind,
                "subject": m.subject,
                "state": m.state,
                "created_at": m.created_at,
                "sent_at": m.sent_at,
            }
            for m in messages
        ]
    }


async def forget(tx: Tx, person: Departure) -> None:
    """Every message to their address goes, sent or still queued (nothing more reaches it)."""
    await tx.session.execute(delete(MailMessage).where(MailMessage.to_address == person.email))
