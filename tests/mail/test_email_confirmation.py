"""E-mail confirmation over real HTTP without JavaScript: registering queues one link in the
same commit; the link confirms the address; a tampered link is refused; the link is sent again
on request until the address is confirmed."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from urllib.parse import unquote

import pytest
from sqlalchemy import select

from fair.core.accounts.confirmations import PURPOSE
from fair.core.accounts.models import User
from fair.core.db import Database
from fair.core.mail.models import MailMessage
from tests.conftest import make_settings
from tests.support.forms import browser, page_and_token
from tests.support.servers import RunningServer, serve

LINK = re.compile(r"http://\S+/email/confirm\?token=(\S+)")


@pytest.fixture
async def server(database_url: str) -> AsyncIterator[RunningServer]:
    async with serve(make_settings(database_url)) as running:
        yield running


async def confirmation_links(db: Database, email: str) -> list[str]:
    async with db.reading() as session:
        query = (
            select(MailMessage.text)
            .where(MailMessage.kind == PURPOSE, MailMessage.to_address == email)
            .order_by(MailMessage.id)
        )
        texts = list((await session.scalars(query)).all())
    found = [LINK.search(text) for text in texts]
    return [unquote(match.group(1)) for match in found if match is not None]


async def confirmed_at(db: Database, email: str) -> object:
    async with db.reading() as session:
        return await session.scalar(select(User.email_confirmed_at).where(User.email == email))


async def test_registering_sends_a_link_that_confirms_the_address(server: RunningServer) -> None:
    """One mail on registering; a tampered link is refused; resending adds a second link;
    the link confirms; once confirmed, resending is refused."""
    db = server.services.db
    email = "kofi@example.org"
    async with browser(server) as http:
        _html, csrf = await page_and_token(http, "/register")
        registered = await http.post(
            "/register",
            data={
                "csrf": csrf,
                "display_name": "Kofi",
                "email": email,
                "password": "a long enough password",
                "country": "GH",
                "organisation": "",
            },
        )
        assert registered.status_code == 303, registered.text
        (token,) = await confirmation_links(db, email)
        assert await confirmed_at(db, email) is None
        tampered = await http.get("/email/confirm", params={"token": "x" + token})
        assert tampered.status_code == 422 and "not valid" in tampered.text
        _html, csrf = await page_and_token(http, "/email/confirm")
        resent = await http.post("/email/confirm/resend", data={"csrf": csrf})
        assert resent.status_code == 303
        assert len(await confirmation_links(db, email)) == 2
        confirmed = await http.get("/email/confirm", params={"token": token})
        assert confirmed.status_code == 200 and "Your address is confirmed" in confirmed.text
        assert await confirmed_at(db, email) is not None
        refused = await http.post("/email/confirm/resend", data={"csrf": csrf})
        assert refused.status_code == 409 and "confirmed already" in refused.text
    assert len(await confirmation_links(db, email)) == 2
