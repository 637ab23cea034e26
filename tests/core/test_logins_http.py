"""Logins over real HTTP: wrong passwords slow the guesser, not the owner; forwarded addresses
count only from trusted proxies; CSRF tokens change at login and logout."""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator

import httpx
import pytest

from fair.core.accounts.models import User
from fair.core.accounts.throttle import ACCOUNT_AT_ADDRESS, MAX_WAIT_SECONDS, wait_after
from fair.core.security import LOGIN_COOKIE
from tests.conftest import make_settings
from tests.core.test_accounts_http import form_error, form_token
from tests.support.factories import PASSWORD, person
from tests.support.servers import RunningServer, serve

WAIT = re.compile(r"Try again in (\d+) seconds?\.")
FROZEN_AT = 1_700_000_000.0


def test_waits_start_at_the_free_failures_then_double_up_to_a_ceiling() -> None:
    """No wait before the free failures, then 1, 2, 4 ... seconds, never above the ceiling."""
    assert [wait_after(n, 5) for n in range(1, 10)] == [0, 0, 0, 0, 1, 2, 4, 8, 16]
    assert wait_after(10_000, 5) == MAX_WAIT_SECONDS


@pytest.fixture
async def server(sqlite_url: str) -> AsyncIterator[RunningServer]:
    async with serve(make_settings(sqlite_url)) as running:
        yield running


class Clock:
    """The limits' clock, moved on by the test instead of by waiting."""

    def __init__(self, server: RunningServer) -> None:
        self.now = FROZEN_AT
        server.services.limits.clock = lambda: self.now


@contextlib.asynccontextmanager
async def browser_at(server: RunningServer, address: str) -> AsyncIterator[httpx.AsyncClient]:
    """A browser whose connections come from `address` (any 127.x.x.x is this machine)."""
    transport = httpx.AsyncHTTPTransport(local_address=address)
    async with httpx.AsyncClient(base_url=server.base_url, transport=transport) as http:
        yield http


async def log_in(http: httpx.AsyncClient, user: User, password: str, **headers: str) -> int:
    token = await form_token(http)
    response = await http.post(
        "/login", data={"csrf": token, "email": user.email, "password": password}, headers=headers
    )
    return response.status_code


async def test_a_strangers_wrong_passwords_do_not_lock_the_owner_out(
    server: RunningServer,
) -> None:
    """After a stranger's 20 wrong passwords for an account, each wait longer than the last, its
    owner still logs in from their own address."""
    owner = await person(server.services.db)
    clock = Clock(server)
    failures, waits = 0, []
    async with browser_at(server, "127.0.0.2") as stranger:
        token = await form_token(stranger)
        while failures < 20:
            response = await stranger.post(
                "/login", data={"csrf": token, "email": owner.email, "password": "a guess"}
            )
            if response.status_code == 401:
                failures += 1
                continue
            assert response.status_code == 429
            assert "account.login.rate_limited" in response.text
            match = WAIT.search(form_error(response))
            assert match is not None
            waits.append(int(match.group(1)))
            clock.now += int(match.group(1))
    free = ACCOUNT_AT_ADDRESS.free
    assert waits == [wait_after(n, free) for n in range(free, 20)]
    assert waits[:5] == [1, 2, 4, 8, 16]
    async with browser_at(server, "127.0.0.3") as owners_browser:
        assert await log_in(owners_browser, owner, PASSWORD) == 303
        assert LOGIN_COOKIE in owners_browser.cookies


async def test_a_wait_holds_until_its_time_is_up(server: RunningServer) -> None:
    """Once told to wait, the right password too is refused until the wait is over."""
    owner = await person(server.services.db)
    clock = Clock(server)
    async with browser_at(server, "127.0.0.2") as http:
        for _ in range(ACCOUNT_AT_ADDRESS.free):
            assert await log_in(http, owner, "a wrong guess") == 401
        assert await log_in(http, owner, PASSWORD) == 429
        clock.now += 0.5
        assert await log_in(http, owner, PASSWORD) == 429
        clock.now += 0.5
        assert await log_in(http, owner, PASSWORD) == 303


async def test_logging_in_forgets_the_addresss_wrong_passwords(server: RunningServer) -> None:
    """A successful login clears that address's failures: typos before it cost nothing after."""
    owner = await person(server.services.db)
    Clock(server)
    async with browser_at(server, "127.0.0.4") as http:
        for _ in range(ACCOUNT_AT_ADDRESS.free - 1):
            assert await log_in(http, owner, "a wrong guess") == 401
        assert await log_in(http, owner, PASSWORD) == 303
        statuses = [await log_in(http, owner, "a wrong guess") for _ in range(4)]
    assert statuses == [401] * 4


async def test_forwarded_for_from_an_untrusted_proxy_is_ignored(sqlite_url: str) -> None:
    """With no trusted proxies, a rotating X-Forwarded-For from 127.0.0.1 gains no fresh
    address: the guesser is made to wait after the usual few wrong passwords."""
    async with serve(make_settings(sqlite_url)) as server:
        owner = await person(server.services.db)
        Clock(server)
        async with browser_at(server, "127.0.0.1") as http:
            statuses = [
                await log_in(http, owner, "a guess", **{"x-forwarded-for": f"10.0.0.{n}"})
                for n in range(ACCOUNT_AT_ADDRESS.free + 1)
            ]
    assert statuses == [401] * ACCOUNT_AT_ADDRESS.free + [429]


async def test_forwarded_for_from_a_trusted_proxy_names_the_client(sqlite_url: str) -> None:
    """With 127.0.0.1 a trusted proxy, each forwarded address is counted on its own."""
    settings = make_settings(sqlite_url, trusted_proxies=("127.0.0.1",))
    async with serve(settings) as server:
        owner = await person(server.services.db)
        Clock(server)
        async with browser_at(server, "127.0.0.1") as http:
            statuses = [
                await log_in(http, owner, "a guess", **{"x-forwarded-for": f"10.0.0.{n}"})
                for n in range(ACCOUNT_AT_ADDRESS.free + 1)
            ]
    assert statuses == [401] * (ACCOUNT_AT_ADDRESS.free + 1)


async def test_csrf_tokens_change_at_login_and_logout(server: RunningServer) -> None:
    """A token from before logging in is refused after it; one from before logging out, after."""
    owner = await person(server.services.db)
    async with browser_at(server, "127.0.0.1") as http:
        anonymous_token = await form_token(http)
        response = await http.post(
            "/login", data={"csrf": anonymous_token, "email": owner.email, "password": PASSWORD}
        )
        assert response.status_code == 303
        refused = await http.post("/logout", data={"csrf": anonymous_token})
        assert refused.status_code == 403
        assert "security.csrf" in refused.text
        assert '<span class="who">' in (await http.get("/")).text
        logged_in_token = await form_token(http, "/")
        assert logged_in_token != anonymous_token
        assert (await http.post("/logout", data={"csrf": logged_in_token})).status_code == 303
        after = await http.post(
            "/login", data={"csrf": logged_in_token, "email": owner.email, "password": PASSWORD}
        )
        assert after.status_code == 403
        assert "security.csrf" in after.text
        assert LOGIN_COOKIE not in http.cookies
