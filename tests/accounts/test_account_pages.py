"""One's own account pages over HTTP: the profile with good and bad input, the password
change and the logged-in devices; and nobody acts on another's account through them."""

from __future__ import annotations

import re

from fair.core.accounts.models import User
from fair.core.accounts.queries import viewer_for
from fair.core.accounts.throttle import ACCOUNT_AT_ADDRESS
from fair.core.security import LOGIN_COOKIE
from tests.support.factories import PASSWORD, login_cookies, person
from tests.support.forms import browser, page_and_token
from tests.support.servers import RunningServer

NEW_PASSWORD = "a much newer password"
PROFILE = {
    "display_name": "Ngozi Okafor",
    "organisation": "Diaspora Link",
    "country": "Nigeria",
    "language": "fr",
    "time_zone": "Africa/Lagos",
}
POSTS = [
    ("/me/account", PROFILE),
    (
        "/me/account/password",
        {"current": PASSWORD, "password": NEW_PASSWORD, "again": NEW_PASSWORD},
    ),
    ("/me/account/logins/end", {}),
    ("/me/account/delete", {"password": PASSWORD}),
]


async def stored(server: RunningServer, user_id: int) -> User:
    async with server.services.db.reading() as session:
        user = await session.get(User, user_id)
    assert user is not None
    return user


def snapshot(user: User) -> tuple[object, ...]:
    return (
        user.display_name,
        user.organisation,
        user.country,
        user.language,
        user.time_zone,
        user.password_hash,
        user.email,
    )


async def is_live(server: RunningServer, cookies: dict[str, str]) -> bool:
    viewer = await viewer_for(server.services.db, cookies[LOGIN_COOKIE], "v")
    return viewer.authenticated


async def test_the_profile_saves_and_the_new_name_shows_on_the_next_page(
    each_server: RunningServer,
) -> None:
    """Name, organisation, country (typed as a name), language and zone are saved; the next
    page greets the new name, in the chosen language."""
    user = await person(each_server.services.db)
    async with browser(each_server, await login_cookies(each_server.services.db, user)) as http:
        page, token = await page_and_token(http, "/me/account")
        assert user.display_name in page and 'list="countries"' in page
        response = await http.post("/me/account", data={"csrf": token, **PROFILE})
        assert response.status_code == 303
        saved = await stored(each_server, user.id)
        assert (saved.display_name, saved.organisation, saved.country) == (
            "Ngozi Okafor",
            "Diaspora Link",
            "NG",
        )
        assert (saved.language, saved.time_zone) == ("fr", "Africa/Lagos")
        page = (await http.get("/me/account?saved=1", headers={"accept": "text/html"})).text
        assert 'class="who">Ngozi Okafor' in page
        assert '<html lang="fr">' in page


BAD_PROFILES = [
    ({"display_name": "N"}, "display_name"),
    ({"display_name": "N" * 81}, "display_name"),
    ({"organisation": "o" * 121}, "organisation"),
    ({"country": "Atlantis"}, "country"),
    ({"language": "xx"}, "language"),
    ({"time_zone": "Mars/Olympus"}, "time_zone"),
    ({"role": "organiser"}, "role"),
]


async def test_bad_profile_input_is_refused_and_changes_nothing(server: RunningServer) -> None:
    """A name too short or too long, an unknown country, language or zone, or a field the
    form does not have: each 422 naming the field, and the account is as it was."""
    user = await person(server.services.db)
    before = snapshot(await stored(server, user.id))
    async with browser(server, await login_cookies(server.services.db, user)) as http:
        _page, token = await page_and_token(http, "/me/account")
        for changes, field in BAD_PROFILES:
            response = await http.post("/me/account", data={"csrf": token, **PROFILE, **changes})
            assert response.status_code == 422, changes
            if field == "role":
                # Not a field of the form: the error list names it as sent.
                assert "<strong>role</strong>" in response.text
            else:
                # A field of the form: marked, its message beside it.
                described = re.findall(r'aria-describedby="([^"]*)"', response.text)
                assert any(f"error-{field}" in ids.split() for ids in described), changes
                assert f'id="error-{field}"' in response.text, changes
    assert snapshot(await stored(server, user.id)) == before


async def test_a_new_password_ends_every_other_login_and_keeps_this_one(
    each_server: RunningServer,
) -> None:
    """After the change this browser stays logged in, the other one is logged out, and only
    the new password opens the account."""
    db = each_server.services.db
    user = await person(db)
    here, there = await login_cookies(db, user), await login_cookies(db, user)
    async with browser(each_server, here) as http:
        _page, token = await page_and_token(http, "/me/account/password")
        response = await http.post(
            "/me/account/password",
            data={
                "csrf": token,
                "current": PASSWORD,
                "password": NEW_PASSWORD,
                "again": NEW_PASSWORD,
            },
        )
        assert response.status_code == 303
    assert await is_live(each_server, here)
    assert not await is_live(each_server, there)
    async with browser(each_server) as http:
        _page, token = await page_and_token(http, "/login")
        old = await http.post(
            "/login", data={"csrf": token, "email": user.email, "password": PASSWORD}
        )
        new = await http.post(
            "/login", data={"csrf": token, "email": user.email, "password": NEW_PASSWORD}
        )
    assert (old.status_code, new.status_code) == (401, 303)


REFUSED_CHANGES = [
    (
        {"current": "not it", "password": NEW_PASSWORD, "again": NEW_PASSWORD},
        403,
        "account.wrong_password",
    ),
    (
        {"current": PASSWORD, "password": NEW_PASSWORD, "again": "something else"},
        422,
        "input.invalid",
    ),
    ({"current": PASSWORD, "password": "short", "again": "short"}, 422, "input.invalid"),
    ({"current": PASSWORD, "password": "p" * 201, "again": "p" * 201}, 422, "input.invalid"),
]


async def test_a_refused_password_change_changes_nothing(server: RunningServer) -> None:
    """A wrong current password, two different new ones, one too short or too long: each
    refused, the password and the other logins as they were."""
    db = server.services.db
    user = await person(db)
    here, there = await login_cookies(db, user), await login_cookies(db, user)
    before = (await stored(server, user.id)).password_hash
    async with browser(server, here) as http:
        _page, token = await page_and_token(http, "/me/account/password")
        for form, status, code in REFUSED_CHANGES:
            response = await http.post("/me/account/password", data={"csrf": token, **form})
            assert response.status_code == status, form
            assert code in response.text
    assert (await stored(server, user.id)).password_hash == before
    assert await is_live(server, there)


async def test_wrong_current_passwords_are_throttled_like_logins(server: RunningServer) -> None:
    """After the free wrong guesses the account page makes the guesser wait (429), even with
    the right password, as the login form would."""
    db = server.services.db
    user = await person(db)
    async with browser(server, await login_cookies(db, user)) as http:
        _page, token = await page_and_token(http, "/me/account/password")
        form = {"csrf": token, "password": NEW_PASSWORD, "again": NEW_PASSWORD}
        statuses = [
            (await http.post("/me/account/password", data={**form, "current": "guess"})).status_code
            for _ in range(ACCOUNT_AT_ADDRESS.free)
        ]
        right = await http.post("/me/account/password", data={**form, "current": PASSWORD})
    assert statuses == [403] * ACCOUNT_AT_ADDRESS.free
    assert right.status_code == 429
    assert right.headers["retry-after"]


async def test_the_devices_page_lists_logins_and_ends_the_others(server: RunningServer) -> None:
    """Both browsers are listed by their user agent, this one marked; ending the others logs
    out the second and keeps this one."""
    db = server.services.db
    user = await person(db)
    here, there = await login_cookies(db, user), await login_cookies(db, user)
    async with browser(server, here) as http:
        page, token = await page_and_token(http, "/me/account/logins")
        assert page.count("<li>\n    <strong>") == 2
        assert page.count("this device") == 1
        response = await http.post("/me/account/logins/end", data={"csrf": token})
        assert response.status_code == 303
        page, _token = await page_and_token(http, response.headers["location"])
        assert "1 other device was logged out." in page
    assert await is_live(server, here)
    assert not await is_live(server, there)


async def test_without_a_login_the_pages_ask_for_one_and_posts_change_nothing(
    server: RunningServer,
) -> None:
    """Each page sends a stranger to the login form; each post is refused."""
    async with browser(server) as http:
        for page in (
            "/me/account",
            "/me/account/password",
            "/me/account/logins",
            "/me/account/data",
            "/me/account/delete",
        ):
            response = await http.get(page)
            assert response.status_code == 303
            assert response.headers["location"] == f"/login?next={page}"
        _page, token = await page_and_token(http, "/login")
        for path, data in POSTS:
            response = await http.post(path, data={"csrf": token, **data})
            assert response.status_code == 401, path


async def test_no_one_acts_on_another_persons_account(server: RunningServer) -> None:
    """Without the form's token, or with a token from another person's browser, every post
    is refused (403); with their own, a person only ever changes their own account."""
    db = server.services.db
    owner, other = await person(db), await person(db)
    owner_cookies = await login_cookies(db, owner)
    other_cookies = await login_cookies(db, other)
    before = snapshot(await stored(server, owner.id))
    async with browser(server, owner_cookies) as http:
        _page, owners_token = await page_and_token(http, "/me/account")
    async with browser(server, other_cookies) as http:
        for path, data in POSTS:
            for token in ("", owners_token):
                response = await http.post(path, data={"csrf": token, **data})
                assert response.status_code == 403, path
                assert "security.csrf" in response.text
        _page, token = await page_and_token(http, "/me/account")
        assert (await http.post("/me/account", data={"csrf": token, **PROFILE})).status_code == 303
    async with browser(server, owner_cookies) as http:
        cross = await http.post(
            "/me/account",
            data={"csrf": owners_token, **PROFILE},
            headers={"origin": "https://elsewhere.example"},
        )
        assert cross.status_code == 403
    assert snapshot(await stored(server, owner.id)) == before
    assert await is_live(server, owner_cookies)
    assert (await stored(server, other.id)).display_name == "Ngozi Okafor"
