"""What the live endpoint refuses, with which code, and that it stays healthy afterwards."""

from __future__ import annotations

import json

import httpx
import pytest
from websockets.exceptions import InvalidStatus

from fair.core.connections import CLOSE_TOO_BIG, CLOSE_TOO_MANY
from tests.support.factories import login_cookies, person
from tests.support.live_client import live_client
from tests.support.servers import RunningServer


async def assert_healthy(server: RunningServer) -> None:
    async with httpx.AsyncClient(base_url=server.base_url) as http:
        assert (await http.get("/healthz")).text == "ok"
    async with live_client(server.ws_url, origin=server.origin) as client:
        assert await client.command("live.ping") == {}


async def test_foreign_origin_is_refused_at_the_handshake(server: RunningServer) -> None:
    """A page on another site cannot open the socket with the visitor's cookies: HTTP 403."""
    with pytest.raises(InvalidStatus) as refused:
        async with live_client(server.ws_url, origin="https://evil.example"):
            pass
    assert refused.value.response.status_code == 403
    await assert_healthy(server)


async def test_anonymous_follow_of_a_private_channel_needs_a_login(server: RunningServer) -> None:
    """Following someone's own channel without logging in is refused with live.login_required."""
    user = await person(server.services.db)
    async with live_client(server.ws_url, origin=server.origin) as client:
        reply = await client.request("live.follow", {"channel": f"user:{user.id}"})
    assert reply["ok"] is False
    assert reply["error"]["code"] == "live.login_required"
    await assert_healthy(server)


async def test_malformed_json_gets_an_error_reply_and_the_socket_stays_open(
    server: RunningServer,
) -> None:
    """Text that is not JSON gets live.malformed; the next command still works."""
    async with live_client(server.ws_url) as client:
        await client.send_raw("{not json")
        frame = await client.next_frame()
        assert frame["kind"] == "reply" and frame["ok"] is False
        assert frame["error"]["code"] == "live.malformed"
        assert await client.command("live.ping") == {}


async def test_command_with_unknown_fields_is_refused_naming_the_field(
    server: RunningServer,
) -> None:
    """A follow with an extra field is refused with input.invalid and the field named."""
    async with live_client(server.ws_url) as client:
        reply = await client.request("live.follow", {"channel": "fair", "sinse": 3})
    assert reply["error"]["code"] == "input.invalid"
    assert "sinse" in reply["error"]["fields"]


async def test_unknown_command_is_refused(server: RunningServer) -> None:
    """A command type nobody registered gets live.unknown_command."""
    async with live_client(server.ws_url) as client:
        reply = await client.request("qa.launch_rockets")
    assert reply["ok"] is False and reply["error"]["code"] == "live.unknown_command"


async def test_oversized_message_closes_the_socket_with_1009(server: RunningServer) -> None:
    """A message over 64 KiB closes that socket with 1009; other clients are unaffected."""
    async with live_client(server.ws_url) as bystander:
        async with live_client(server.ws_url, max_size=None) as client:
            big = json.dumps(
                {"kind": "command", "ref": "x", "type": "live.ping", "data": {"pad": "x" * 70_000}}
            )
            await client.send_raw(big)
            assert await client.closed == CLOSE_TOO_BIG
        assert await bystander.command("live.ping") == {}
    await assert_healthy(server)


async def test_flooding_client_is_closed(server: RunningServer) -> None:
    """A client sending far more commands than allowed is closed with 4008."""
    async with live_client(server.ws_url) as client:
        for _ in range(200):
            if client.closed.done():
                break
            await client.send_raw('{"kind":"command","type":"live.ping"}')
        assert await client.closed == CLOSE_TOO_MANY
    await assert_healthy(server)


async def test_bad_channel_name_is_refused(server: RunningServer) -> None:
    """A channel name outside the allowed shape gets live.bad_channel."""
    async with live_client(server.ws_url) as client:
        reply = await client.request("live.follow", {"channel": "../../etc"})
    assert reply["error"]["code"] == "live.bad_channel"


async def test_login_cookie_without_an_origin_is_refused_at_the_handshake(
    server: RunningServer,
) -> None:
    """A socket that carries a login cookie but no Origin is no page of ours: HTTP 403."""
    user = await person(server.services.db)
    cookies = await login_cookies(server.services.db, user)
    with pytest.raises(InvalidStatus) as refused:
        async with live_client(server.ws_url, origin=None, cookies=cookies):
            pass
    assert refused.value.response.status_code == 403
    await assert_healthy(server)


async def test_client_with_neither_origin_nor_login_is_served(server: RunningServer) -> None:
    """A program with no Origin and no login cookie (not a browser) may still use the socket."""
    async with live_client(server.ws_url, origin=None) as client:
        assert await client.command("live.ping") == {}
