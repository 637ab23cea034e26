"""The language switcher and negotiation over real HTTP: the cookie, the saved preference,
`<html lang>`, and a `next` that never leaves the site."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import select

from fair.core.accounts.actions import choose_language
from fair.core.accounts.models import User
from fair.core.i18n import LANGUAGE_COOKIE
from tests.conftest import make_settings
from tests.core.test_accounts_http import (
    browser,
    form_token,
    logged_in,
    registration,
    stored_user,
)
from tests.support.factories import login_cookies, person
from tests.support.live_client import live_client
from tests.support.servers import RunningServer, serve

HTML_LANG = re.compile(r'<html lang="([^"]+)">')


@pytest.fixture
async def server(sqlite_url: str) -> AsyncIterator[RunningServer]:
    async with serve(make_settings(sqlite_url)) as running:
        yield running


def lang_of(response: httpx.Response) -> str:
    match = HTML_LANG.search(response.text)
    assert match is not None, "the page has no <html lang>"
    return match.group(1)


async def test_a_page_speaks_the_browser_language(server: RunningServer) -> None:
    """With no choice made, Accept-Language decides (a regional tag finds its language)."""
    async with browser(server) as http:
        page = await http.get("/", headers={"accept-language": "es-MX,es;q=0.9,en;q=0.5"})
    assert lang_of(page) == "es"
    assert "Sala de exposición" in page.text


async def test_the_switcher_sets_a_cookie_for_a_visitor(server: RunningServer) -> None:
    """An anonymous visitor's choice is a cookie, and it beats the browser's language."""
    async with browser(server) as http:
        token = await form_token(http, "/hall")
        response = await http.post(
            "/language", data={"csrf": token, "language": "fr", "next": "/hall?kind=NGO"}
        )
        assert response.status_code == 303
        assert response.headers["location"] == "/hall?kind=NGO"
        assert http.cookies.get(LANGUAGE_COOKIE) == "fr"
        page = await http.get("/hall", headers={"accept-language": "es"})
    assert lang_of(page) == "fr"
    assert "Hall d\u2019exposition" in page.text
    assert '<option value="fr" lang="fr" selected>Français</option>' in page.text


async def test_the_switcher_saves_a_logged_in_person_language(server: RunningServer) -> None:
    """A logged-in person's choice is saved (mail follows it), and it beats the cookie."""
    user = await person(server.services.db)
    async with logged_in(server, user) as http:
        token = await form_token(http, "/")
        response = await http.post("/language", data={"csrf": token, "language": "es"})
        assert response.status_code == 303
        assert response.headers["location"] == "/"
        http.cookies.set(LANGUAGE_COOKIE, "fr")
        page = await http.get("/", headers={"accept-language": "en"})
    assert (await stored_user(server.services.db, user.id)).language == "es"
    assert lang_of(page) == "es"
    assert "(participante)" in page.text


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example", "/\\evil.example"])
async def test_the_switcher_never_redirects_off_site(server: RunningServer, target: str) -> None:
    async with browser(server) as http:
        token = await form_token(http, "/")
        response = await http.post(
            "/language", data={"csrf": token, "language": "es", "next": target}
        )
    assert response.status_code == 303
    assert response.headers["location"] == "/"


async def test_the_switcher_refuses_a_language_we_do_not_have(server: RunningServer) -> None:
    """An unknown language is refused and no cookie is set."""
    async with browser(server) as http:
        token = await form_token(http, "/")
        response = await http.post("/language", data={"csrf": token, "language": "xx"})
    assert response.status_code == 422
    assert LANGUAGE_COOKIE not in response.headers.get("set-cookie", "")


async def test_the_switcher_needs_the_csrf_token(server: RunningServer) -> None:
    async with browser(server) as http:
        await http.get("/")
        response = await http.post("/language", data={"language": "fr"})
    assert response.status_code == 403
    assert LANGUAGE_COOKIE not in response.headers.get("set-cookie", "")


async def test_country_names_follow_the_language(server: RunningServer) -> None:
    """The registration form lists countries named and sorted the French way."""
    async with browser(server) as http:
        page = await http.get("/register", headers={"accept-language": "fr"})
    assert '<option value="Allemagne">' in page.text
    assert "Allemagne" in page.text and "Germany" not in page.text
    assert page.text.index("Égypte") < page.text.index("Espagne")


async def test_a_live_refusal_comes_in_the_saved_language(server: RunningServer) -> None:
    """The socket's handshake takes the person's saved language: before the cookie and the
    browser's, a refused command's message is in it."""
    user = await person(server.services.db)
    await choose_language(server.services.db, user.id, "es")
    cookies = {**await login_cookies(server.services.db, user), LANGUAGE_COOKIE: "fr"}
    async with live_client(server.ws_url, cookies=cookies) as client:
        reply = await client.request("no.such.command")
    assert reply["error"]["code"] == "live.unknown_command"
    assert reply["error"]["message"] == "No existe ese comando."


async def test_registering_saves_the_language_the_form_was_read_in(server: RunningServer) -> None:
    """Someone who registers on a Spanish page has Spanish saved: their mail and digest come
    in it, whatever browser they log in from later."""
    async with browser(server) as http:
        http.headers["accept-language"] = "es-MX,es;q=0.9"
        token = await form_token(http, "/register")
        response = await http.post(
            "/register", data={"csrf": token, **registration(email="lucia@example.org")}
        )
    assert response.status_code == 303
    async with server.services.db.reading() as session:
        saved = await session.scalar(select(User.language).where(User.email == "lucia@example.org"))
    assert saved == "es"
