"""Queueing mail: a row of the outbox, written in the caller's transaction."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.exc import IntegrityError

from fair.core.db import Tx
from fair.core.mail.models import MailMessage, MailState
from fair.core.tables import utcnow


async def queue_mail(
    tx: Tx,
    *,
    to: str,
    subject: str,
    text: str,
    html: str | None = None,
    headers: Mapping[str, str] | None = None,
    kind: str,
    dedupe_key: str | None = None,
) -> int | None:
    """Queue a message in `tx`: it is sent only if `tx` commits, and soon after. Returns its
    id, or None (and changes nothing) if a message with `dedupe_key` was queued before."""
    now = utcnow()
    message = MailMessage(
        to_address=to,
        subject=subject,
        text=text,
        html=html,
        headers=dict(headers or {}),
        kind=kind,
        state=MailState.QUEUED.value,
        attempts=0,
        next_attempt_at=now,
        last_error="",
        dedupe_key=dedupe_key,
        created_at=now,
    )
    try:
        # A savepoint: a duplicate key undoes this row only, not the caller's transaction.
        async with tx.session.begin_nested():
            tx.session.add(message)
            await tx.session.flush()
    except IntegrityError:
        if dedupe_key is None:
            raise
        return None
    return message.id
