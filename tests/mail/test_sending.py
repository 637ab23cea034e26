"""The sending job against a real local SMTP server: sent once; a stopped or refusing server
delays mail until it recovers; failed after the last attempt; a crashed claim is recovered."""

from __future__ import annotations

import ssl
from datetime import datetime, timedelta
from pathlib import Path

import trustme
from sqlalchemy import select

from fair.core.db import Database, create_engine
from fair.core.mail.models import MailMessage, MailState
from fair.core.mail.outbox import queue_mail
from fair.core.mail.senders import sender_for
from fair.core.mail.sending import SendReport, backoff, claim, send_due
from fair.core.mail.settings import MailSettings
from fair.core.tables import utcnow
from tests.mail.conftest import mail_settings
from tests.support.smtp import Account, LocalSmtp


async def queue_one(db: Database, to: str = "ama@example.org") -> int:
    async with db.transaction() as tx:
        message_id = await queue_mail(
            tx,
            to=to,
            subject="Your link",
            text="Here it is.",
            headers={"X-Fair-Kind": "test"},
            kind="test.link",
        )
    assert message_id is not None
    return message_id


async def stored(db: Database, message_id: int) -> MailMessage:
    async with db.reading() as session:
        found = await session.scalar(select(MailMessage).where(MailMessage.id == message_id))
    assert found is not None
    return found


def later(row: MailMessage) -> datetime:
    """A moment just after the row is next due."""
    return row.next_attempt_at + timedelta(seconds=1)


def test_the_wait_doubles_up_to_the_cap() -> None:
    """After 1, 2, 3 failed attempts the wait is 30, 60, 120 s, and never beyond the cap."""
    settings = MailSettings(retry_seconds=30, max_retry_seconds=100)
    waits = [backoff(settings, n).total_seconds() for n in (1, 2, 3, 40)]
    assert waits == [30, 60, 100, 100]


async def test_a_queued_message_reaches_the_smtp_server(db: Database, smtp: LocalSmtp) -> None:
    """One run hands the message to the server, with its headers, and marks it sent."""
    smtp.start()
    message_id = await queue_one(db)
    settings = mail_settings(url=smtp.url)
    report = await send_due(db, settings, sender_for(settings.url, timeout=5))
    assert report == SendReport(sent=1)
    (received,) = smtp.mailbox.messages
    assert received["To"] == "ama@example.org" and received["X-Fair-Kind"] == "test"
    assert received["From"] == "Test fair <fair@example.org>"
    row = await stored(db, message_id)
    assert (row.state, row.attempts, row.last_error) == (MailState.SENT.value, 1, "")
    assert row.sent_at is not None


async def test_a_stopped_then_refusing_server_delays_mail_until_it_recovers(
    db: Database, smtp: LocalSmtp
) -> None:
    """Refused connection, then 451, then accepted: queued with a growing wait in between,
    and the message arrives exactly once."""
    message_id = await queue_one(db)
    settings = mail_settings(url=smtp.url)
    sender = sender_for(settings.url, timeout=5)
    assert await send_due(db, settings, sender) == SendReport(retrying=1)  # nothing listens
    first = await stored(db, message_id)
    assert first.state == MailState.QUEUED.value and first.attempts == 1
    assert "Refused" in first.last_error
    # Not due yet: a run now sends nothing.
    assert await send_due(db, settings, sender) == SendReport()
    smtp.start()
    smtp.mailbox.refusing = True
    assert await send_due(db, settings, sender, now=later(first)) == SendReport(retrying=1)
    second = await stored(db, message_id)
    assert second.attempts == 2 and "451" in second.last_error
    assert second.next_attempt_at - first.next_attempt_at >= timedelta(seconds=30)
    smtp.mailbox.refusing = False
    assert await send_due(db, settings, sender, now=later(second)) == SendReport(sent=1)
    assert await send_due(db, settings, sender, now=later(second) + timedelta(hours=2)) == (
        SendReport()
    )
    assert len(smtp.mailbox.messages) == 1
    assert (await stored(db, message_id)).state == MailState.SENT.value


async def test_a_message_fails_after_the_last_attempt(db: Database, smtp: LocalSmtp) -> None:
    """With nothing listening, the message is failed (with the error) after max_attempts."""
    message_id = await queue_one(db)
    settings = mail_settings(url=smtp.url, max_attempts=2)
    sender = sender_for(settings.url, timeout=5)
    assert await send_due(db, settings, sender) == SendReport(retrying=1)
    row = await stored(db, message_id)
    assert await send_due(db, settings, sender, now=later(row)) == SendReport(failed=1)
    row = await stored(db, message_id)
    assert (row.state, row.attempts) == (MailState.FAILED.value, 2) and row.last_error
    assert await send_due(db, settings, sender, now=later(row) + timedelta(days=1)) == (
        SendReport()
    )


async def test_a_message_claimed_by_a_crashed_worker_is_sent_later(
    db: Database, smtp: LocalSmtp
) -> None:
    """A claim never completed (its worker died) runs out after three timeouts; then the
    message is queued again and sent, once."""
    smtp.start()
    message_id = await queue_one(db)
    settings = mail_settings(url=smtp.url, timeout_seconds=5)
    sender = sender_for(settings.url, timeout=5)
    now = utcnow()
    (claimed,) = await claim(db, settings, now)  # the worker dies before sending it
    assert claimed.id == message_id
    assert await send_due(db, settings, sender, now=now + timedelta(seconds=14)) == SendReport()
    assert (await stored(db, message_id)).state == MailState.SENDING.value
    report = await send_due(db, settings, sender, now=now + timedelta(seconds=16))
    assert report == SendReport(sent=1) and len(smtp.mailbox.messages) == 1
    row = await stored(db, message_id)
    assert (row.state, row.attempts) == (MailState.SENT.value, 2)


async def test_two_workers_claim_different_messages_on_postgresql(
    clean_postgres_url: str,
) -> None:
    """While one worker holds a message's row, another's claim skips it instead of waiting."""
    first_db = Database(create_engine(clean_postgres_url))
    second_db = Database(create_engine(clean_postgres_url))
    try:
        held_id = await queue_one(first_db, "a@example.org")
        free_id = await queue_one(first_db, "b@example.org")
        settings = mail_settings()
        async with first_db.transaction() as tx:
            await tx.session.scalar(
                select(MailMessage).where(MailMessage.id == held_id).with_for_update()
            )
            claimed = await claim(second_db, settings, utcnow())
        assert [outgoing.id for outgoing in claimed] == [free_id]
        assert (await stored(first_db, held_id)).state == MailState.QUEUED.value
    finally:
        await first_db.dispose()
        await second_db.dispose()


async def test_mail_goes_over_starttls_with_a_login(db: Database, tmp_path: Path) -> None:
    """Against a server that requires STARTTLS and AUTH, the sender upgrades (trusting the
    private CA of `cafile`), logs in and delivers; a wrong password is an error kept."""
    authority = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(context)
    cafile = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(cafile))
    server = LocalSmtp(tls=context, account=Account("fair", "s3cret/pass"))
    server.start()
    try:
        base = f"127.0.0.1:{server.port}?cafile={cafile}"
        wrong = mail_settings(url=f"smtp://fair:nope@{base}")
        refused_id = await queue_one(db)
        assert await send_due(db, wrong, sender_for(wrong.url, timeout=5)) == SendReport(retrying=1)
        assert "Authentication" in (await stored(db, refused_id)).last_error
        good = mail_settings(url=f"smtp://fair:s3cret%2Fpass@{base}")
        row = await stored(db, refused_id)
        report = await send_due(db, good, sender_for(good.url, timeout=5), now=later(row))
        assert report == SendReport(sent=1) and len(server.mailbox.messages) == 1
    finally:
        server.stop()
