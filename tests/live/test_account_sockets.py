"""Logging out, suspension and role changes close that person's sockets."""

from __future__ import annotations

from fair.core.accounts import actions
from fair.core.accounts.inputs import RoleChange
from fair.core.accounts.queries import viewer_for
from fair.core.accounts.roles import Role
from fair.core.connections import CLOSE_LOGGED_OUT, CLOSE_ROLE_CHANGED
from fair.core.security import LOGIN_COOKIE
from tests.support.factories import login_cookies, person
from tests.support.live_client import live_client
from tests.support.servers import RunningServer


async def test_logging_out_closes_that_logins_sockets_only(server: RunningServer) -> None:
    """The logged-out browser's socket closes with 4001; the same person's other login stays."""
    db = server.services.db
    user = await person(db)
    first, second = await login_cookies(db, user), await login_cookies(db, user)
    async with (
        live_client(server.ws_url, cookies=first) as leaving,
        live_client(server.ws_url, cookies=second) as staying,
    ):
        await leaving.command("live.ping")
        await actions.log_out(db, first[LOGIN_COOKIE])
        assert await leaving.closed == CLOSE_LOGGED_OUT
        assert await staying.command("live.ping") == {}


async def test_suspension_closes_every_socket_of_the_person(server: RunningServer) -> None:
    """A banned person's sockets close with 4001 and their login no longer authenticates."""
    db = server.services.db
    organiser = await viewer_for(
        db, (await login_cookies(db, await person(db, Role.ORGANISER)))[LOGIN_COOKIE], "v"
    )
    user = await person(db)
    cookies = await login_cookies(db, user)
    async with live_client(server.ws_url, cookies=cookies) as client:
        await client.command("live.ping")
        await actions.ban(db, organiser, user.id)
        assert await client.closed == CLOSE_LOGGED_OUT
    assert not (await viewer_for(db, cookies[LOGIN_COOKIE], "v")).authenticated


async def test_role_change_asks_the_socket_to_reconnect_with_new_rights(
    server: RunningServer,
) -> None:
    """After a role change the socket closes with 4002; a new one has the new rights."""
    db = server.services.db
    organiser = await viewer_for(
        db, (await login_cookies(db, await person(db, Role.ORGANISER)))[LOGIN_COOKIE], "v"
    )
    user = await person(db)
    cookies = await login_cookies(db, user)
    async with live_client(server.ws_url, cookies=cookies) as client:
        refused = await client.request("live.follow", {"channel": "people"})
        assert refused["error"]["code"] == "live.forbidden"
        await actions.change_role(db, organiser, user.id, RoleChange(role=Role.ORGANISER))
        assert await client.closed == CLOSE_ROLE_CHANGED
    async with live_client(server.ws_url, cookies=cookies) as client:
        assert (await client.follow("people"))["channel"] == "people"


async def test_person_follows_their_own_channel_but_not_anothers(server: RunningServer) -> None:
    """`user:<id>` is open to that person only."""
    db = server.services.db
    me, other = await person(db), await person(db)
    async with live_client(server.ws_url, cookies=await login_cookies(db, me)) as client:
        assert (await client.follow(f"user:{me.id}"))["channel"] == f"user:{me.id}"
        refused = await client.request("live.follow", {"channel": f"user:{other.id}"})
    assert refused["error"]["code"] == "live.forbidden"
