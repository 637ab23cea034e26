"""Accounts over real HTTP: security headers, registration, logins, CSRF and the people pages."""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import func, select

from fair.core.accounts.models import Login, User
from fair.core.accounts.roles import Role
from fair.core.db import Database
from fair.core.security import LOGIN_COOKIE, VISITOR_COOKIE
from tests.conftest import make_settings
from tests.support.factories import PASSWORD, login_cookies, person
from tests.support.servers import RunningServer, serve

CSRF_INPUT = re.compile(r'<input type="hidden" name="csrf" value="([^"]*)">')
NEXT_INPUT = re.compile(r'<input type="hidden" name="next" value="([^"]*)">')
FORM_ERROR = re.compile(r'<div class="form-error".*?</div>', re.DOTALL)
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.DOTALL | re.IGNORECASE)
SAFE_REFERRER_POLICIES = {
    "no-referrer",
    "same-origin",
    "strict-origin",
    "strict-origin-when-cross-origin",
}


@pytest.fixture
async def server(sqlite_url: str) -> AsyncIterator[RunningServer]:
    async with serve(make_settings(sqlite_url)) as running:
        yield running


@contextlib.asynccontextmanager
async def browser(
    server: RunningServer, cookies: dict[str, str] | None = None
) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client that keeps cookies like a browser and does not follow redirects."""
    async with httpx.AsyncClient(base_url=server.base_url, cookies=cookies) as http:
        yield http


async def form_token(http: httpx.AsyncClient, page: str = "/login") -> str:
    """The CSRF token of the form on `page`, fetched like a browser that opens the page first."""
    response = await http.get(page)
    assert response.status_code == 200
    match = CSRF_INPUT.search(response.text)
    assert match is not None, f"no CSRF field on {page}"
    return match.group(1)


def registration(**changes: str) -> dict[str, str]:
    data = {
        "display_name": "Ada Lovelace",
        "email": "ada@example.org",
        "password": "analytical engine",
        "country": "GB",
        "organisation": "Engines Ltd",
    }
    data.update(changes)
    return data


async def user_count(db: Database) -> int:
    async with db.reading() as session:
        return await session.scalar(select(func.count(User.id))) or 0


async def stored_user(db: Database, user_id: int) -> User:
    async with db.reading() as session:
        user = await session.get(User, user_id)
    assert user is not None
    return user


def set_cookie(response: httpx.Response, name: str) -> str:
    """The Set-Cookie header of the response that sets `name`."""
    headers = [h for h in response.headers.get_list("set-cookie") if h.startswith(f"{name}=")]
    assert len(headers) == 1, response.headers.get_list("set-cookie")
    return headers[0]


def cookie_attributes(header: str) -> set[str]:
    return {part.strip().lower() for part in header.split(";")[1:]}


def form_error(response: httpx.Response) -> str:
    match = FORM_ERROR.search(response.text)
    assert match is not None, "the page shows no form error"
    return match.group(0)


def assert_security_headers(response: httpx.Response) -> None:
    policy = response.headers.get("content-security-policy")
    assert policy, f"no Content-Security-Policy on the {response.status_code} response"
    directives: dict[str, list[str]] = {}
    for directive in policy.split(";"):
        name, *values = directive.split()
        directives[name.lower()] = values
    scripts = directives.get("script-src", directives.get("default-src"))
    assert scripts is not None
    assert "'unsafe-inline'" not in scripts
    assert "'unsafe-eval'" not in scripts
    assert "*" not in scripts
    assert directives.get("frame-ancestors") == ["'none'"]
    assert directives.get("object-src") == ["'none'"]
    assert response.headers.get("x-content-type-options") == "nosniff"
    assert response.headers.get("referrer-policy") in SAFE_REFERRER_POLICIES


@contextlib.asynccontextmanager
async def logged_in(server: RunningServer, user: User) -> AsyncIterator[httpx.AsyncClient]:
    """A browser holding a login of `user`, made directly through the login action."""
    async with browser(server, await login_cookies(server.services.db, user)) as http:
        yield http


# Security headers


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/", 200),
        ("GET", "/register", 200),
        ("GET", "/login", 200),
        ("GET", "/healthz", 200),
        ("GET", "/static/css/fair.css", 200),
        ("GET", "/no/such/page", 404),
        ("GET", "/people", 303),
        ("POST", "/register", 403),
        ("POST", "/logout", 403),
    ],
)
async def test_every_response_carries_the_security_headers(
    server: RunningServer, method: str, path: str, status: int
) -> None:
    """Pages, files, redirects and refusals all carry CSP, nosniff, frame and referrer headers."""
    async with browser(server) as http:
        response = await http.request(method, path)
    assert response.status_code == status
    assert_security_headers(response)
    assert response.headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize("path", ["/", "/register", "/login", "/no/such/page"])
async def test_pages_have_no_inline_scripts(server: RunningServer, path: str) -> None:
    """Every script on a page is loaded from a file (the import map aside), so the CSP holds
    without 'unsafe-inline'."""
    async with browser(server) as http:
        html = (await http.get(path)).text
    scripts = SCRIPT_TAG.findall(html)
    assert scripts, "the layout loads the live script"
    for attributes, body in scripts:
        if 'type="importmap"' in attributes:
            continue  # JSON, not a script; the CSP allows it by its hash (test_static_assets)
        assert 'src="/static/' in attributes
        assert body.strip() == ""
    assert not re.search(r"<[^>]+\son[a-z]+\s*=", html, re.IGNORECASE)


async def test_new_browser_gets_an_httponly_lax_visitor_cookie(server: RunningServer) -> None:
    """A first visit sets the visitor cookie HttpOnly and SameSite=Lax for the whole site."""
    async with browser(server) as http:
        response = await http.get("/")
    attributes = cookie_attributes(set_cookie(response, VISITOR_COOKIE))
    assert {"httponly", "samesite=lax", "path=/"} <= attributes


# Registration


async def test_registration_form_creates_the_account_and_logs_in(database_url: str) -> None:
    """Posting the form creates a participant with a normalised e-mail and logs the browser in."""
    async with serve(make_settings(database_url)) as server, browser(server) as http:
        token = await form_token(http, "/register")
        typed = registration(email="  Ada@Example.ORG ", display_name=" Ada  Lovelace ")
        response = await http.post("/register", data={"csrf": token, **typed})
        assert response.status_code == 303
        assert response.headers["location"] == "/"
        attributes = cookie_attributes(set_cookie(response, LOGIN_COOKIE))
        assert {"httponly", "samesite=lax", "path=/"} <= attributes
        async with server.services.db.reading() as session:
            users = (await session.scalars(select(User))).all()
        assert [(u.email, u.display_name, u.country, u.role, u.banned) for u in users] == [
            ("ada@example.org", "Ada Lovelace", "GB", "participant", False)
        ]
        assert users[0].password_hash != "analytical engine"
        home = await http.get("/")
        assert '<span class="who">Ada Lovelace' in home.text
        assert (await http.get("/people")).status_code == 403


@pytest.mark.parametrize(
    "token",
    [
        pytest.param(None, id="missing"),
        pytest.param("0" * 64, id="forged"),
        pytest.param("other-browser", id="other-browser"),
    ],
)
async def test_registration_without_the_right_csrf_token_is_refused(
    server: RunningServer, token: str | None
) -> None:
    """A post without this browser's CSRF token gets 403 and creates no account."""
    async with browser(server) as other:
        other_token = await form_token(other, "/register")
    async with browser(server) as http:
        own_token = await form_token(http, "/register")
        data = registration()
        if token is not None:
            data["csrf"] = other_token if token == "other-browser" else token
        assert data.get("csrf") != own_token
        response = await http.post("/register", data=data)
    assert response.status_code == 403
    assert "security.csrf" in response.text
    assert LOGIN_COOKIE not in response.headers.get("set-cookie", "")
    assert await user_count(server.services.db) == 0


async def test_registration_setting_its_own_role_is_refused(server: RunningServer) -> None:
    """A registration that adds `role=organiser` is refused naming the field, creating nobody."""
    async with browser(server) as http:
        token = await form_token(http, "/register")
        response = await http.post(
            "/register", data={"csrf": token, **registration(), "role": "organiser"}
        )
    assert response.status_code == 422
    assert "<strong>role</strong>" in form_error(response)
    assert await user_count(server.services.db) == 0


async def test_invalid_registration_is_shown_again_without_the_password(
    server: RunningServer,
) -> None:
    """A bad country is refused with 422 naming it; the form keeps the name but not the password."""
    async with browser(server) as http:
        token = await form_token(http, "/register")
        response = await http.post("/register", data={"csrf": token, **registration(country="XX")})
    assert response.status_code == 422
    assert "<strong>Country</strong>" in form_error(response)
    assert 'value="Ada Lovelace"' in response.text
    assert "analytical engine" not in response.text
    assert await user_count(server.services.db) == 0


async def test_duplicate_email_is_refused_with_409(server: RunningServer) -> None:
    """Registering an e-mail that exists, in other capitals, gets 409 and a clear message."""
    async with browser(server) as http:
        token = await form_token(http, "/register")
        first = await http.post("/register", data={"csrf": token, **registration()})
        assert first.status_code == 303
    async with browser(server) as http:
        token = await form_token(http, "/register")
        second = await http.post(
            "/register",
            data={
                "csrf": token,
                **registration(email="ADA@example.org", display_name="Someone Else"),
            },
        )
    assert second.status_code == 409
    message = form_error(second)
    assert "An account with this e-mail already exists." in message
    assert "log in instead" in message
    assert LOGIN_COOKIE not in second.headers.get("set-cookie", "")
    assert await user_count(server.services.db) == 1


# Logging in and out


async def test_login_form_logs_in_with_an_httponly_lax_cookie(server: RunningServer) -> None:
    """The right e-mail and password redirect home with an HttpOnly, SameSite=Lax login cookie."""
    user = await person(server.services.db, name="Grace Hopper")
    async with browser(server) as http:
        token = await form_token(http)
        response = await http.post(
            "/login",
            data={
                "csrf": token,
                "email": user.email.upper(),
                "password": PASSWORD,
            },
        )
        assert response.status_code == 303
        assert response.headers["location"] == "/"
        assert {"httponly", "samesite=lax"} <= cookie_attributes(set_cookie(response, LOGIN_COOKIE))
        assert '<span class="who">Grace Hopper' in (await http.get("/")).text


async def test_wrong_password_and_unknown_email_are_refused_alike(server: RunningServer) -> None:
    """Both get 401 with the same message, so nobody learns which e-mails are registered."""
    user = await person(server.services.db)
    async with browser(server) as http:
        token = await form_token(http)
        wrong_password = await http.post(
            "/login",
            data={
                "csrf": token,
                "email": user.email,
                "password": "not the password",
            },
        )
        unknown_email = await http.post(
            "/login",
            data={
                "csrf": token,
                "email": "nobody@example.org",
                "password": "not the password",
            },
        )
    assert wrong_password.status_code == unknown_email.status_code == 401
    message = form_error(wrong_password)
    assert message == form_error(unknown_email)
    assert "That e-mail and password do not match." in message
    assert "not the password" not in wrong_password.text
    for response in (wrong_password, unknown_email):
        assert LOGIN_COOKIE not in response.headers.get("set-cookie", "")


async def test_login_without_csrf_token_is_refused(server: RunningServer) -> None:
    """A login post without the CSRF token gets 403 and opens no login."""
    user = await person(server.services.db)
    async with browser(server) as http:
        response = await http.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 403
    async with server.services.db.reading() as session:
        assert await session.scalar(select(func.count(Login.id))) == 0


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "https://evil.example",
        "https://evil.example/people",
        "http:evil.example",
        "/\\evil.example",
        "//evil.example/%2F..",
        "evil.example",
    ],
)
async def test_login_never_redirects_off_site(server: RunningServer, target: str) -> None:
    """Whatever `next` says, the redirect after logging in stays on the fair's own host."""
    user = await person(server.services.db)
    async with browser(server) as http:
        token = await form_token(http)
        response = await http.post(
            "/login",
            data={
                "csrf": token,
                "email": user.email,
                "password": PASSWORD,
                "next": target,
            },
        )
    assert response.status_code == 303
    location = response.headers["location"]
    assert location.startswith("/")
    assert not location.startswith(("//", "/\\"))
    assert httpx.URL(server.base_url).join(location).host == "127.0.0.1"


async def test_login_keeps_a_same_site_next(server: RunningServer) -> None:
    """A `next` path on the fair itself is where the browser goes after logging in."""
    user = await person(server.services.db, Role.ORGANISER)
    async with browser(server) as http:
        page = await http.get("/login", params={"next": "/people?page=2"})
        next_match = NEXT_INPUT.search(page.text)
        csrf_match = CSRF_INPUT.search(page.text)
        assert next_match is not None and csrf_match is not None
        assert next_match.group(1) == "/people?page=2"
        response = await http.post(
            "/login",
            data={
                "csrf": csrf_match.group(1),
                "email": user.email,
                "password": PASSWORD,
                "next": next_match.group(1),
            },
        )
    assert response.status_code == 303
    assert response.headers["location"] == "/people?page=2"


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example"])
async def test_login_page_drops_an_off_site_next(server: RunningServer, target: str) -> None:
    """The login page never carries an off-site `next` into its form."""
    async with browser(server) as http:
        page = await http.get("/login", params={"next": target})
    match = NEXT_INPUT.search(page.text)
    assert match is not None
    assert match.group(1) == "/"


async def test_logout_ends_the_login(server: RunningServer) -> None:
    """After logging out, the old login cookie no longer opens organiser pages."""
    organiser = await person(server.services.db, Role.ORGANISER)
    cookies = await login_cookies(server.services.db, organiser)
    async with browser(server, cookies) as http:
        assert (await http.get("/people")).status_code == 200
        token = await form_token(http)
        response = await http.post("/logout", data={"csrf": token})
        assert response.status_code == 303
        assert response.headers["location"] == "/"
        removal = set_cookie(response, LOGIN_COOKIE)
        assert "max-age=0" in cookie_attributes(removal)
    async with browser(server, cookies) as replay:
        again = await replay.get("/people")
    assert again.status_code == 303
    assert again.headers["location"] == "/login?next=/people"
    async with server.services.db.reading() as session:
        login = await session.scalar(select(Login).where(Login.user_id == organiser.id))
    assert login is not None and login.ended_at is not None


async def test_logout_without_csrf_token_keeps_the_login(server: RunningServer) -> None:
    """A cross-site logout post without the token is refused and the login still works."""
    organiser = await person(server.services.db, Role.ORGANISER)
    async with logged_in(server, organiser) as http:
        refused = await http.post("/logout")
        assert refused.status_code == 403
        assert (await http.get("/people")).status_code == 200


# The people pages


async def test_people_list_asks_a_stranger_to_log_in(server: RunningServer) -> None:
    """Without a login, /people redirects to the login page and back."""
    async with browser(server) as http:
        response = await http.get("/people")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/people"


async def test_people_list_is_refused_to_a_participant(server: RunningServer) -> None:
    """A participant asking for /people gets 403 with the error code, not the list."""
    db = server.services.db
    await person(db, name="Hidden Person")
    async with logged_in(server, await person(db)) as http:
        response = await http.get("/people")
    assert response.status_code == 403
    assert "account.forbidden" in response.text
    assert "Hidden Person" not in response.text


async def test_people_list_shows_everyone_to_an_organiser(server: RunningServer) -> None:
    """An organiser sees every registered person on /people."""
    db = server.services.db
    await person(db, name="Katherine Johnson")
    await person(db, Role.EXHIBITOR, name="Hedy Lamarr")
    async with logged_in(server, await person(db, Role.ORGANISER, name="Olive Organiser")) as http:
        response = await http.get("/people")
    assert response.status_code == 200
    for name in ("Katherine Johnson", "Hedy Lamarr", "Olive Organiser"):
        assert f'<th scope="row">{name}</th>' in response.text
    assert "1\u20133 of 3" in response.text


async def test_organiser_changes_a_role_and_it_is_stored(server: RunningServer) -> None:
    """An organiser's role form makes a participant a moderator, in the database."""
    db = server.services.db
    target = await person(db)
    async with logged_in(server, await person(db, Role.ORGANISER)) as http:
        token = await form_token(http, "/people")
        response = await http.post(
            f"/people/{target.id}/role", data={"csrf": token, "role": "moderator"}
        )
    assert response.status_code == 303
    assert response.headers["location"] == "/people"
    assert (await stored_user(db, target.id)).role == Role.MODERATOR.value


@pytest.mark.parametrize(
    "data",
    [{"role": "emperor"}, {"role": ""}, {}, {"role": "moderator", "banned": "1"}],
    ids=["unknown", "empty", "missing", "extra-field"],
)
async def test_invalid_role_change_is_refused_and_changes_nothing(
    server: RunningServer, data: dict[str, str]
) -> None:
    """A role that does not exist, or a form with other fields, gets 422 and the role stays."""
    db = server.services.db
    target = await person(db)
    async with logged_in(server, await person(db, Role.ORGANISER)) as http:
        token = await form_token(http, "/people")
        response = await http.post(f"/people/{target.id}/role", data={"csrf": token, **data})
    assert response.status_code == 422
    assert "input.invalid" in response.text
    stored = await stored_user(db, target.id)
    assert (stored.role, stored.banned) == (Role.PARTICIPANT.value, False)


async def test_role_change_without_csrf_token_is_refused(server: RunningServer) -> None:
    """An organiser's browser made to post a role change without the token changes nothing."""
    db = server.services.db
    target = await person(db)
    async with logged_in(server, await person(db, Role.ORGANISER)) as http:
        response = await http.post(f"/people/{target.id}/role", data={"role": "organiser"})
    assert response.status_code == 403
    assert (await stored_user(db, target.id)).role == Role.PARTICIPANT.value


async def test_participant_cannot_change_roles(server: RunningServer) -> None:
    """A participant changing anyone's role, their own included, gets 403 and changes nothing."""
    db = server.services.db
    participant, other = await person(db), await person(db)
    async with logged_in(server, participant) as http:
        token = await form_token(http)
        for target in (other, participant):
            response = await http.post(
                f"/people/{target.id}/role", data={"csrf": token, "role": "organiser"}
            )
            assert response.status_code == 403
            assert "account.forbidden" in response.text
    for user in (participant, other):
        assert (await stored_user(db, user.id)).role == Role.PARTICIPANT.value


async def test_role_change_of_an_unknown_person_is_404(server: RunningServer) -> None:
    """Changing the role of an account that does not exist gets 404."""
    db = server.services.db
    async with logged_in(server, await person(db, Role.ORGANISER)) as http:
        token = await form_token(http)
        response = await http.post("/people/999999/role", data={"csrf": token, "role": "moderator"})
    assert response.status_code == 404
    assert "account.not_found" in response.text


async def test_organiser_bans_a_person(server: RunningServer) -> None:
    """A ban is stored, ends the person's login and refuses their next login with 403."""
    db = server.services.db
    target = await person(db, name="Banned Person")
    target_cookies = await login_cookies(db, target)
    async with logged_in(server, await person(db, Role.ORGANISER)) as http:
        token = await form_token(http, "/people")
        response = await http.post(f"/people/{target.id}/ban", data={"csrf": token})
    assert response.status_code == 303
    assert response.headers["location"] == "/people"
    assert (await stored_user(db, target.id)).banned is True
    async with db.reading() as session:
        open_logins = await session.scalar(
            select(func.count(Login.id)).where(Login.user_id == target.id, Login.ended_at.is_(None))
        )
    assert open_logins == 0
    async with browser(server, target_cookies) as old:
        assert "Banned Person" not in (await old.get("/")).text
    async with browser(server) as http:
        token = await form_token(http)
        again = await http.post(
            "/login",
            data={
                "csrf": token,
                "email": target.email,
                "password": PASSWORD,
            },
        )
    assert again.status_code == 403
    assert "This account has been suspended." in form_error(again)


async def test_participant_cannot_ban(server: RunningServer) -> None:
    """A participant's ban post gets 403 and the other person stays in good standing."""
    db = server.services.db
    other = await person(db)
    async with logged_in(server, await person(db)) as http:
        token = await form_token(http)
        response = await http.post(f"/people/{other.id}/ban", data={"csrf": token})
    assert response.status_code == 403
    assert (await stored_user(db, other.id)).banned is False


async def test_ban_without_csrf_token_is_refused(server: RunningServer) -> None:
    """An organiser's browser posting a ban without the token bans nobody."""
    db = server.services.db
    other = await person(db)
    async with logged_in(server, await person(db, Role.ORGANISER)) as http:
        response = await http.post(f"/people/{other.id}/ban")
    assert response.status_code == 403
    assert (await stored_user(db, other.id)).banned is False


# Errors and limits


async def test_unknown_url_gets_an_html_404_with_the_error_code(server: RunningServer) -> None:
    """An address with nothing behind it gets an HTML page with status 404 and http.not_found."""
    async with browser(server) as http:
        response = await http.get("/no/such/page")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "<code>http.not_found</code>" in response.text
    assert "There is nothing at this address." in response.text


async def test_unknown_api_url_gets_a_json_404(server: RunningServer) -> None:
    """A client asking for JSON gets the 404 as a JSON error with the same code."""
    async with browser(server) as http:
        response = await http.get("/nowhere", headers={"accept": "application/json"})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "http.not_found"


def oversized_form(token: str, size: int) -> dict[str, str]:
    return {"csrf": token, **registration(organisation="x" * size)}


@pytest.mark.parametrize("streamed", [False, True], ids=["declared-length", "streamed"])
async def test_request_body_over_the_limit_is_refused_with_413(
    sqlite_url: str, streamed: bool
) -> None:
    """A body over max_body_bytes gets 413 and registers nobody; a normal form still works."""
    async with serve(make_settings(sqlite_url, max_body_bytes=2048)) as server:
        async with browser(server) as http:
            token = await form_token(http, "/register")
            encoded = str(httpx.QueryParams(oversized_form(token, 4096))).encode()

            async def chunks() -> AsyncIterator[bytes]:
                for start in range(0, len(encoded), 512):
                    yield encoded[start : start + 512]

            response = await http.post(
                "/register",
                content=chunks() if streamed else encoded,
                headers={"content-type": "application/x-www-form-urlencoded"},
            )
            assert response.status_code == 413
            assert await user_count(server.services.db) == 0
            small = await http.post("/register", data={"csrf": token, **registration()})
            assert small.status_code == 303
        assert await user_count(server.services.db) == 1


async def test_oversized_body_refusal_carries_the_security_headers(sqlite_url: str) -> None:
    """The 413 for a body declared too large still has the CSP and nosniff headers."""
    async with serve(make_settings(sqlite_url, max_body_bytes=2048)) as server:
        async with browser(server) as http:
            token = await form_token(http, "/register")
            response = await http.post("/register", data=oversized_form(token, 4096))
    assert response.status_code == 413
    assert_security_headers(response)
