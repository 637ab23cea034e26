"""Password reset over real HTTP without JavaScript: the same answer for any address, one mail
with a link for an account's; the link sets a new password once, and a tampered, expired or
used link is refused."""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator
from urllib.parse import unquote

import pytest
from sqlalchemy import select

from fair.core.accounts import actions
from fair.core.accounts.inputs import Credentials
from fair.core.accounts.resets import PURPOSE
from fair.core.db import Database
from fair.core.errors import FairError
from fair.core.mail.models import MailMessage
from fair.core.signing import sign
from tests.conftest import make_settings
from tests.support.factories import PASSWORD, person
from tests.support.forms import browser, page_and_token
from tests.support.servers import RunningServer, serve

LINK = re.compile(r"(http://\S+/password/reset\?token=(\S+))")
NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture
async def server(database_url: str) -> AsyncIterator[RunningServer]:
    async with serve(make_settings(database_url)) as running:
        yield running


async def reset_mails(db: Database) -> list[MailMessage]:
    async with db.reading() as session:
        query = select(MailMessage).where(MailMessage.kind == PURPOSE).order_by(MailMessage.id)
        return list((await session.scalars(query)).all())


async def can_log_in(db: Database, email: str, password: str) -> bool:
    try:
        await actions.log_in(db, Credentials(email=email, password=password))
    except FairError:
        return False
    return True


async def test_a_reset_link_sets_a_new_password_once(server: RunningServer) -> None:
    """Asking for a known and an unknown address gets the same page; only the known one gets
    mail, whose link sets the password once and is refused after."""
    db = server.services.db
    ama = await person(db, name="Ama")
    async with browser(server) as http:
        _html, token = await page_and_token(http, "/password/forgot")
        known = await http.post("/password/forgot", data={"csrf": token, "email": ama.email})
        unknown = await http.post(
            "/password/forgot", data={"csrf": token, "email": "nobody@example.org"}
        )
        assert known.status_code == unknown.status_code == 200
        assert "Check your mail" in known.text and "Check your mail" in unknown.text
        (mail,) = await reset_mails(db)
        assert mail.to_address == ama.email and mail.subject == "Choose a new password"
        assert mail.html is not None and "Hello Ama," in mail.text
        found = LINK.search(mail.text)
        assert found is not None
        link, link_token = found.group(1), unquote(found.group(2))
        assert f'href="{link}"' in mail.html
        form, csrf = await page_and_token(http, f"/password/reset?token={found.group(2)}")
        assert 'name="token"' in form
        done = await http.post(
            "/password/reset", data={"csrf": csrf, "token": link_token, "password": NEW_PASSWORD}
        )
        assert done.status_code == 303 and done.headers["location"] == "/login?reset=1"
        assert await can_log_in(db, ama.email, NEW_PASSWORD)
        assert not await can_log_in(db, ama.email, PASSWORD)
        again = await http.post(
            "/password/reset",
            data={"csrf": csrf, "token": link_token, "password": "yet another one"},
        )
        assert again.status_code == 422 and "not valid any more" in again.text
        reopened = await http.get(f"/password/reset?token={found.group(2)}")
        assert reopened.status_code == 422 and 'name="token"' not in reopened.text
    assert await can_log_in(db, ama.email, NEW_PASSWORD)


async def test_a_tampered_or_expired_link_is_refused(server: RunningServer) -> None:
    """A link for another account, or an hour old, shows no form and changes nothing."""
    db = server.services.db
    bola = await person(db, name="Bola")
    secret = server.services.settings.secret_key
    good = sign(secret, PURPOSE, str(bola.id), bind=bola.password_hash)
    _payload, stamp, signature = good.split(".")
    other = sign(secret, PURPOSE, str(bola.id + 1), bind=bola.password_hash).split(".")[0]
    tampered = f"{other}.{stamp}.{signature}"
    expired = sign(secret, PURPOSE, str(bola.id), bind=bola.password_hash, now=time.time() - 3601)
    async with browser(server) as http:
        page = await http.get(f"/password/reset?token={tampered}")
        assert page.status_code == 422 and "not valid any more" in page.text
        page = await http.get(f"/password/reset?token={expired}")
        assert page.status_code == 422 and "has expired" in page.text
        _html, csrf = await page_and_token(http, "/password/forgot")
        for token in (tampered, expired):
            response = await http.post(
                "/password/reset", data={"csrf": csrf, "token": token, "password": NEW_PASSWORD}
            )
            assert response.status_code == 422
    assert await can_log_in(db, bola.email, PASSWORD)
