"""The `mail.send` job: claim what is due, send it, and record how it went.

A run first claims a batch in one committed transaction (state `sending`, one attempt more,
a claim that runs out after three timeouts), so a message is never sent by two runs at once
and one claimed by a worker that died goes back to the queue. Then it sends each and
records the outcome: sent; or queued again after a doubling wait; or failed after the last
attempt. Sending never runs in a request: a slow or failing server delays mail, no page.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from fair.core.contract import JobWindow, Services
from fair.core.db import Database, Tx
from fair.core.mail.models import MailMessage, MailState
from fair.core.mail.senders import Outgoing, Sender, compose, sender_for
from fair.core.mail.settings import MailSettings
from fair.core.tables import utcnow

logger = logging.getLogger(__name__)
INTERRUPTED = "interrupted: the worker sending it stopped"
ERROR_CHARS = 500


@dataclass(frozen=True)
class SendReport:
    """What one run did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0


def backoff(settings: MailSettings, attempts: int) -> timedelta:
    """The wait after `attempts` failed attempts: retry_seconds, doubling, capped."""
    seconds = settings.retry_seconds * 2 ** min(max(attempts - 1, 0), 30)
    return timedelta(seconds=min(seconds, settings.max_retry_seconds))


async def _recover_stuck(tx: Tx, settings: MailSettings, now: datetime) -> None:
    """Messages whose claim ran out (their worker died mid-send) are due again, or failed if
    that was their last attempt."""
    stuck = (MailMessage.state == MailState.SENDING.value, MailMessage.next_attempt_at <= now)
    await tx.session.execute(
        update(MailMessage)
        .where(*stuck, MailMessage.attempts >= settings.max_attempts)
        .values(state=MailState.FAILED.value, last_error=INTERRUPTED)
    )
    await tx.session.execute(
        update(MailMessage)
        .where(*stuck)
        .values(state=MailState.QUEUED.value, next_attempt_at=now, last_error=INTERRUPTED)
    )


async def claim(db: Database, settings: MailSettings, now: datetime) -> list[Outgoing]:
    """Up to `batch` due messages, marked `sending` (one attempt more) and committed, after
    stuck ones are queued again: one short write transaction per run."""
    query = (
        select(MailMessage)
        .where(
            MailMessage.state == MailState.QUEUED.value,
            MailMessage.next_attempt_at <= now,
        )
        .order_by(MailMessage.next_attempt_at, MailMessage.id)
        .limit(settings.batch)
    )
    if not db.is_sqlite:
        # Two workers claiming at once take different rows instead of waiting on each other.
        query = query.with_for_update(skip_locked=True)
    claim_ends = now + timedelta(seconds=settings.timeout_seconds * 3)
    async with db.transaction() as tx:
        await _recover_stuck(tx, settings, now)
        rows = (await tx.session.scalars(query)).all()
        for row in rows:
            row.state = MailState.SENDING.value
            row.attempts += 1
            row.next_attempt_at = claim_ends
        return [
            Outgoing(
                row.id, row.to_address, row.subject, row.text, row.html, row.headers, row.created_at
            )
            for row in rows
        ]


async def _sent(db: Database, message_id: int) -> None:
    async with db.transaction() as tx:
        await tx.session.execute(
            update(MailMessage)
            .where(MailMessage.id == message_id)
            .values(state=MailState.SENT.value, sent_at=utcnow(), last_error="")
        )


async def _not_sent(db: Database, settings: MailSettings, message_id: int, error: str) -> bool:
    """Record a failed attempt; True if the message will be tried again."""
    async with db.transaction() as tx:
        row = await tx.session.get(MailMessage, message_id)
        if row is None:
            return False
        row.last_error = error[:ERROR_CHARS]
        if row.attempts >= settings.max_attempts:
            row.state = MailState.FAILED.value
            return False
        row.state = MailState.QUEUED.value
        row.next_attempt_at = utcnow() + backoff(settings, row.attempts)
        return True


async def send_due(
    db: Database, settings: MailSettings, sender: Sender, now: datetime | None = None
) -> SendReport:
    """One run: recover stuck messages, claim a batch of due ones and send each."""
    now = now or utcnow()
    claimed = await claim(db, settings, now)
    return await deliver(db, settings, sender, claimed)


async def deliver(
    db: Database, settings: MailSettings, sender: Sender, claimed: Sequence[Outgoing]
) -> SendReport:
    """Send messages already claimed, recording each outcome."""
    sent = retrying = failed = 0
    for outgoing in claimed:
        message = compose(outgoing, settings.from_address, settings.from_name)
        try:
            async with asyncio.timeout(settings.timeout_seconds):
                await sender.send(message)
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}".strip()
            logger.warning("mail %s not sent: %s", outgoing.id, error)
            if await _not_sent(db, settings, outgoing.id, error):
                retrying += 1
            else:
                failed += 1
            continue
        await _sent(db, outgoing.id)
        sent += 1
    return SendReport(sent, retrying, failed)


async def send_job(services: Services, _window: JobWindow) -> None:
    """The `mail.send` job: one run of `send_due` with the configured sender."""
    settings = services.settings.section(MailSettings)
    sender = sender_for(settings.url, timeout=settings.timeout_seconds)
    await send_due(services.db, settings, sender)
