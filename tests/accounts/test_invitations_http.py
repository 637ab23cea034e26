"""Invitations over real HTTP: an organiser invites people by e-mail, the mail's link makes
exactly one account with the role; a tampered, expired, used, withdrawn or replaced link is
refused with a clear page and creates nothing; only organisers invite, with a CSRF token."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from urllib.parse import unquote

import httpx
import pytest
from sqlalchemy import func, select, update

from fair.core.accounts.invitations.actions import PURPOSE
from fair.core.accounts.models import Invitation, User
from fair.core.accounts.roles import Role
from fair.core.accounts.settings import AccountSettings
from fair.core.db import Database
from fair.core.mail.models import MailMessage
from fair.core.security import LOGIN_COOKIE
from fair.core.tables import utcnow
from tests.conftest import make_settings
from tests.support.factories import login_cookies, person
from tests.support.forms import browser, page_and_token
from tests.support.servers import RunningServer, serve

LINK = re.compile(r"(http://\S+/invitations/accept\?token=(\S+))")
NEW_PASSWORD = "a passphrase of my own"


@pytest.fixture
async def server(sqlite_url: str) -> AsyncIterator[RunningServer]:
    async with serve(make_settings(sqlite_url)) as running:
        yield running


async def invitation_mails(db: Database) -> list[MailMessage]:
    async with db.reading() as session:
        query = select(MailMessage).where(MailMessage.kind == PURPOSE).order_by(MailMessage.id)
        return list((await session.scalars(query)).all())


async def stored_invitations(db: Database) -> list[Invitation]:
    async with db.reading() as session:
        return list((await session.scalars(select(Invitation).order_by(Invitation.id))).all())


async def user_count(db: Database) -> int:
    async with db.reading() as session:
        return await session.scalar(select(func.count(User.id))) or 0


def token_of(mail: MailMessage) -> str:
    found = LINK.search(mail.text)
    assert found is not None, mail.text
    return unquote(found.group(2))


async def invite(http: httpx.AsyncClient, people: str, role: str = "panelist") -> httpx.Response:
    _html, csrf = await page_and_token(http, "/people")
    return await http.post(
        "/people/invitations", data={"csrf": csrf, "people": people, "role": role}
    )


def acceptance(token: str, csrf: str, **changes: str) -> dict[str, str]:
    return {
        "csrf": csrf,
        "token": token,
        "display_name": "Ama Mensah",
        "country": "Ghana",
        "organisation": "Accra Makers",
        "password": NEW_PASSWORD,
        **changes,
    }


async def test_an_invitation_link_makes_one_account_with_its_role(database_url: str) -> None:
    """The organiser invites Ama as a panelist; her mail names her, the inviter, the role and
    the days (set to 3); the link's form makes one confirmed panelist account and logs her in;
    the list then says accepted, and the link is dead."""
    settings = make_settings(database_url).with_section(AccountSettings, invitation_days=3)
    async with serve(settings) as server:
        db = server.services.db
        organiser = await person(db, Role.ORGANISER, name="Olive Organiser")
        async with browser(server, await login_cookies(db, organiser)) as http:
            sent = await invite(http, "ama@example.org Ama Mensah", "panelist")
            assert sent.status_code == 200 and "1 invitation sent." in sent.text
            assert "ama@example.org" in sent.text and "pending" in sent.text
        (mail,) = await invitation_mails(db)
        assert mail.to_address == "ama@example.org"
        assert mail.subject == "You are invited to the fair"
        assert "Hello Ama Mensah," in mail.text
        assert "Olive Organiser invites you to take part in the fair as panelist." in mail.text
        assert "for 3 days" in mail.text
        token = token_of(mail)
        assert mail.html is not None and "/invitations/accept?token=" in mail.html
        (invitation,) = await stored_invitations(db)
        assert invitation.expires_at - invitation.sent_at == timedelta(days=3)
        before = await user_count(db)
        async with browser(server) as http:
            form, csrf = await page_and_token(http, f"/invitations/accept?token={token}")
            assert 'value="Ama Mensah"' in form and "as panelist" in form
            done = await http.post("/invitations/accept", data=acceptance(token, csrf))
            assert done.status_code == 303 and done.headers["location"] == "/"
            assert LOGIN_COOKIE in done.cookies
            _html, csrf = await page_and_token(http, "/")  # logging in gave a new visitor id
            again = await http.post("/invitations/accept", data=acceptance(token, csrf))
            assert again.status_code == 422 and "used already" in again.text
        assert await user_count(db) == before + 1
        async with db.reading() as session:
            ama = await session.scalar(select(User).where(User.email == "ama@example.org"))
        assert ama is not None
        assert (ama.role, ama.display_name, ama.country) == ("panelist", "Ama Mensah", "GH")
        assert ama.email_confirmed_at is not None
        (accepted,) = await stored_invitations(db)
        assert (accepted.state, accepted.user_id) == ("accepted", ama.id)
        async with browser(server, await login_cookies(db, organiser)) as http:
            listed = await http.get("/people")
        row = listed.text.split(f'data-invitation="{accepted.id}"', 1)[1].split("</tr>", 1)[0]
        assert "accepted" in row and "Send again" not in row and "Withdraw" not in row


async def test_links_that_cannot_be_used_are_refused_and_create_nothing(
    server: RunningServer,
) -> None:
    """Tampered, expired, withdrawn and replaced (sent again) links each show a page that says
    why, with no form, and posting them makes no account."""
    db = server.services.db
    organiser = await person(db, Role.ORGANISER, name="Olive")
    async with browser(server, await login_cookies(db, organiser)) as http:
        sent = await invite(
            http, "late@example.org\nwithdrawn@example.org\nresent@example.org", "exhibitor"
        )
        assert "3 invitations sent." in sent.text
        late, withdrawn, resent = await stored_invitations(db)
        _html, csrf = await page_and_token(http, "/people")
        gone = await http.post(f"/people/invitations/{withdrawn.id}/withdraw", data={"csrf": csrf})
        assert gone.status_code == 303
        again = await http.post(f"/people/invitations/{resent.id}/resend", data={"csrf": csrf})
        assert again.status_code == 303
    mails = {mail.to_address: [] for mail in await invitation_mails(db)}
    for mail in await invitation_mails(db):
        mails[mail.to_address].append(token_of(mail))
    old_link, new_link = mails["resent@example.org"]
    assert old_link != new_link
    async with db.transaction() as tx:
        await tx.session.execute(
            update(Invitation)
            .where(Invitation.id == late.id)
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    _payload, stamp, signature = mails["late@example.org"][0].split(".")
    other = mails["withdrawn@example.org"][0].split(".")[0]
    refused = {
        "tampered": (f"{other}.{stamp}.{signature}", "not valid"),
        "garbage": ("not-a-token", "not valid"),
        "expired": (mails["late@example.org"][0], "has expired"),
        "withdrawn": (mails["withdrawn@example.org"][0], "was withdrawn"),
        "replaced": (old_link, "a newer one was sent"),
    }
    before = await user_count(db)
    async with browser(server) as http:
        _html, csrf = await page_and_token(http, "/login")
        for name, (token, says) in refused.items():
            page = await http.get("/invitations/accept", params={"token": token})
            assert page.status_code == 422, name
            assert says in page.text, name
            assert 'name="token"' not in page.text, name
            posted = await http.post("/invitations/accept", data=acceptance(token, csrf))
            assert posted.status_code == 422, name
            assert says in posted.text and LOGIN_COOKIE not in posted.cookies, name
        works = await http.get("/invitations/accept", params={"token": new_link})
        assert works.status_code == 200 and 'name="token"' in works.text
    assert await user_count(db) == before
    states = [invitation.state for invitation in await stored_invitations(db)]
    assert states == ["pending", "withdrawn", "pending"]


async def test_an_address_with_an_account_or_an_invitation_is_not_invited_again(
    server: RunningServer,
) -> None:
    """Inviting an address that has an account says so (with the way to change its role);
    one invited already says to send it again; neither gets a second invitation or mail."""
    db = server.services.db
    organiser = await person(db, Role.ORGANISER, name="Olive")
    known = await person(db, name="Known Person")
    async with browser(server, await login_cookies(db, organiser)) as http:
        await invite(http, "first@example.org")
        answer = await invite(http, f"{known.email}, first@example.org, new@example.org")
    assert "1 invitation sent." in answer.text
    assert "have an account already" in answer.text
    assert f'href="/people?q={known.email.replace("@", "%40")}"' in answer.text
    assert "have a pending invitation already" in answer.text
    invited = [invitation.email for invitation in await stored_invitations(db)]
    assert invited == ["first@example.org", "new@example.org"]
    assert [mail.to_address for mail in await invitation_mails(db)] == invited


async def test_only_organisers_invite_and_only_with_the_csrf_token(
    server: RunningServer,
) -> None:
    """A moderator is refused (403) inviting, sending again and withdrawing; an organiser's
    post without the page's token is refused; nothing is stored or sent."""
    db = server.services.db
    organiser = await person(db, Role.ORGANISER, name="Olive")
    async with browser(server, await login_cookies(db, organiser)) as http:
        await invite(http, "kept@example.org")
        (kept,) = await stored_invitations(db)
        no_token = await http.post(
            "/people/invitations", data={"people": "x@example.org", "role": "organiser"}
        )
        assert no_token.status_code == 403 and "security.csrf" in no_token.text
    moderator = await person(db, Role.MODERATOR)
    async with browser(server, await login_cookies(db, moderator)) as http:
        _html, csrf = await page_and_token(http, "/")
        for path, data in (
            ("/people/invitations", {"people": "y@example.org", "role": "organiser"}),
            (f"/people/invitations/{kept.id}/resend", {}),
            (f"/people/invitations/{kept.id}/withdraw", {}),
        ):
            response = await http.post(path, data={"csrf": csrf, **data})
            assert response.status_code == 403, path
            assert "account.forbidden" in response.text
    (still,) = await stored_invitations(db)
    assert (still.state, still.nonce) == (kept.state, kept.nonce)
    assert len(await invitation_mails(db)) == 1


async def test_a_wrong_invitation_form_names_the_line_and_stores_nothing(
    server: RunningServer,
) -> None:
    """A line that is no e-mail, an unknown role, or more than 50 people: 422, the faulty
    line named, what was typed kept, nothing stored."""
    db = server.services.db
    organiser = await person(db, Role.ORGANISER, name="Olive")
    async with browser(server, await login_cookies(db, organiser)) as http:
        bad_line = await invite(http, "good@example.org\nAma Mensah at home")
        assert bad_line.status_code == 422
        assert "<strong>Ama Mensah at home</strong>" in bad_line.text
        assert "good@example.org\nAma Mensah at home</textarea>" in bad_line.text
        bad_role = await invite(http, "good@example.org", role="emperor")
        assert bad_role.status_code == 422
        many = "\n".join(f"p{n}@example.org" for n in range(51))
        too_many = await invite(http, many)
        assert too_many.status_code == 422 and "People to invite" in too_many.text
        nothing = await invite(http, "  \n ")
        assert nothing.status_code == 422
    assert await stored_invitations(db) == []
    assert await invitation_mails(db) == []


async def test_accepting_is_rate_limited(server: RunningServer) -> None:
    """More than 20 tries an hour from one address are refused with 429, before the link is
    even read."""
    limits = server.services.limits
    limits.clock = lambda: 7_200_000.0  # one hour's window throughout
    async with browser(server) as http:
        _html, csrf = await page_and_token(http, "/login")
        for _ in range(20):
            await limits.check("account.invitation_accept", "127.0.0.1", 20, 3600)
        refused = await http.post("/invitations/accept", data=acceptance("x.y.z", csrf))
    assert refused.status_code == 429 and "too often" in refused.text
