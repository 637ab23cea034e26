"""What organisers read of the outbox: counts by state and the latest messages, paged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from fair.core.access import require
from fair.core.accounts.viewers import Who
from fair.core.db import Database
from fair.core.mail.actions import MAIL_CAPABILITY
from fair.core.mail.models import MailMessage, MailState

PAGE_SIZE = 50


@dataclass(frozen=True)
class MessageRow:
    id: int
    to_address: str
    subject: str
    kind: str
    state: str
    attempts: int
    last_error: str
    created_at: datetime
    next_attempt_at: datetime
    sent_at: datetime | None


@dataclass(frozen=True)
class Outbox:
    counts: dict[str, int]
    """Messages per state, every state listed."""
    rows: list[MessageRow]
    more: int | None
    """The id to continue before, if there are older messages."""


async def outbox(
    db: Database, who: Who, before_id: int | None = None, *, size: int = PAGE_SIZE
) -> Outbox:
    """The outbox as organisers see it: newest first, keyset-paged."""
    require(who, MAIL_CAPABILITY)
    query = select(MailMessage).order_by(MailMessage.id.desc()).limit(size + 1)
    if before_id is not None:
        query = query.where(MailMessage.id < before_id)
    async with db.reading() as session:
        counted = await session.execute(
            select(MailMessage.state, func.count()).group_by(MailMessage.state)
        )
        found = (await session.scalars(query)).all()
    counts = {state.value: 0 for state in MailState}
    counts.update({state: n for state, n in counted.all()})
    rows = [
        MessageRow(
            m.id,
            m.to_address,
            m.subject,
            m.kind,
            m.state,
            m.attempts,
            m.last_error,
            m.created_at,
            m.next_attempt_at,
            m.sent_at,
        )
        for m in found[:size]
    ]
    return Outbox(counts, rows, rows[-1].id if len(found) > size else None)
