"""The organisers' outbox page over real HTTP without JavaScript: counts and messages for an
organiser, refused to a participant; "retry now" queues a failed message again, audited once."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from fair.core.accounts.roles import Role
from fair.core.audit import AuditEntry
from fair.core.db import Database
from fair.core.mail.models import MailMessage, MailState
from fair.core.mail.outbox import queue_mail
from tests.conftest import make_settings
from tests.support.factories import login_cookies, person
from tests.support.forms import browser, page_and_token
from tests.support.servers import RunningServer, serve


@pytest.fixture
async def server(database_url: str) -> AsyncIterator[RunningServer]:
    async with serve(make_settings(database_url)) as running:
        yield running


async def failed_message(db: Database) -> int:
    """A message that has used up its attempts, as the sending job leaves it (made failed in
    the transaction that queues it, so the server's sending job never sees it queued)."""
    async with db.transaction() as tx:
        message_id = await queue_mail(
            tx, to="ama@example.org", subject="Your link", text="...", kind="test.link"
        )
        await queue_mail(tx, to="bola@example.org", subject="Other", text="...", kind="test.x")
        row = await tx.session.get(MailMessage, message_id)
        assert row is not None
        row.state, row.attempts = MailState.FAILED.value, 8
        row.last_error = "SMTPRecipientsRefused: mailbox unavailable"
    assert message_id is not None
    return message_id


async def test_organisers_see_the_outbox_and_retry_a_failed_message(
    server: RunningServer,
) -> None:
    """The page shows counts, each message's state, attempts and error; retrying queues it
    again with fresh attempts and writes one audit row; a second retry is refused."""
    db = server.services.db
    message_id = await failed_message(db)
    organiser = await person(db, Role.ORGANISER, "Olga")
    async with browser(server, await login_cookies(db, organiser)) as http:
        html, token = await page_and_token(http, "/organise/mail")
        assert 'href="/organise/mail" aria-current="page"' in html
        # The server's own mail.send job may send the other message meanwhile: only failed
        # messages stay put.
        assert "Failed: <strong>1</strong>" in html and "Sending: <strong>" in html
        assert "SMTPRecipientsRefused: mailbox unavailable" in html
        assert f'name="message_id" value="{message_id}"' in html
        assert html.count("Retry now") == 1
        response = await http.post(
            "/organise/mail/retry", data={"csrf": token, "message_id": str(message_id)}
        )
        assert response.status_code == 303, response.text
        after = await http.get(response.headers["location"])
        assert "The message is queued again." in after.text
        assert "Failed: <strong>0</strong>" in after.text and "Retry now" not in after.text
        again = await http.post(
            "/organise/mail/retry", data={"csrf": token, "message_id": str(message_id)}
        )
        assert again.status_code == 409
    async with db.reading() as session:
        row = await session.get(MailMessage, message_id)
        audits = (
            await session.scalars(select(AuditEntry).where(AuditEntry.action.startswith("mail.")))
        ).all()
    # Queued again, and perhaps already taken by the server's sending job (a null sender).
    assert row is not None and row.state != MailState.FAILED.value and row.attempts <= 1
    assert [(a.action, a.target_id, a.actor_id) for a in audits] == [
        ("mail.message.retried", str(message_id), organiser.id)
    ]


async def test_participants_may_not_see_or_retry_mail(server: RunningServer) -> None:
    """A participant is refused the page and the retry, which changes nothing."""
    db = server.services.db
    message_id = await failed_message(db)
    participant = await person(db, Role.PARTICIPANT, "Pat")
    async with browser(server, await login_cookies(db, participant)) as http:
        page = await http.get("/organise/mail")
        assert page.status_code == 403 and "ama@example.org" not in page.text
        _html, token = await page_and_token(http, "/")
        response = await http.post(
            "/organise/mail/retry", data={"csrf": token, "message_id": str(message_id)}
        )
        assert response.status_code == 403
    async with db.reading() as session:
        row = await session.get(MailMessage, message_id)
    assert row is not None and row.state == MailState.FAILED.value
