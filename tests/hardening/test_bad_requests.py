"""Bad input over real sockets and HTTP: huge ids, deep nesting, odd spellings, early refusals."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

import pytest

from fair.core.accounts.roles import Role
from fair.core.security import VISITOR_COOKIE
from fair.hall.rules import MediaKind
from fair.hall.settings import HallSettings
from fair.hall.uploads import Storage
from tests.core.test_accounts_http import browser, form_token
from tests.support.factories import login_cookies, person
from tests.support.hall import PDF, booth, someone, stored_media
from tests.support.live_client import live_client
from tests.support.servers import RunningServer

HUGE = 18446744073709551616


@pytest.mark.parametrize(
    "channel",
    [f"booth:{HUGE}", f"qa:{HUGE}", f"presence:booth:{HUGE}", "booth:01", "qa:007", "booth:0"],
)
async def test_a_channel_with_a_huge_or_oddly_spelled_id_is_a_bad_channel(
    server: RunningServer, channel: str
) -> None:
    """`booth:<2**64>` and `booth:01` are refused as live.bad_channel, never live.internal."""
    async with live_client(server.ws_url) as client:
        reply = await client.request("live.follow", {"channel": channel})
        assert reply["error"]["code"] == "live.bad_channel"
        assert await client.nothing_pending() == []


async def test_a_booth_followed_as_01_and_1_is_not_two_channels(server: RunningServer) -> None:
    """Only `booth:1` is accepted, so the hub never holds a second spelling of a booth."""
    db = server.services.db
    made = await booth(db, await someone(db, Role.ORGANISER))
    async with live_client(server.ws_url) as client:
        assert (await client.follow(f"booth:{made.id}"))["channel"] == f"booth:{made.id}"
        refused = await client.request("live.follow", {"channel": f"booth:0{made.id}"})
    assert refused["error"]["code"] == "live.bad_channel"


@pytest.mark.parametrize(
    ("command", "data"),
    [
        ("qa.question.ask", {"panel_id": HUGE, "text": "A question for the panel"}),
        ("qa.vote", {"question_id": HUGE}),
        ("qa.question.merge", {"question_id": 1, "into_id": HUGE}),
        ("hall.chat.post", {"booth_id": HUGE, "body": "hello"}),
        ("hall.chat.remove", {"message_id": HUGE, "reason": "Spam"}),
        ("qa.vote", {"question_id": "7"}),
        ("qa.vote", {"question_id": True}),
        ("live.follow", {"channel": "fair", "since": True}),
        ("live.follow", {"channel": "fair", "since": "7"}),
        ("live.follow", {"channel": "fair", "since": HUGE}),
    ],
)
async def test_an_out_of_range_or_mistyped_id_is_invalid_even_logged_out(
    server: RunningServer, command: str, data: dict[str, object]
) -> None:
    """Ids above 2**63-1, strings and bools are input.invalid, never live.internal."""
    async with live_client(server.ws_url) as client:
        reply = await client.request(command, data)
        assert reply["ok"] is False
        assert reply["error"]["code"] == "input.invalid"
        assert await client.nothing_pending() == []


async def test_a_frame_of_ten_thousand_nested_arrays_is_malformed(server: RunningServer) -> None:
    """A 20 KB frame nesting 10,000 arrays gets live.malformed and the socket stays usable."""
    frame = '{"kind":"command","ref":"deep","type":"live.ping","data":{"x":'
    frame += "[" * 10_000 + "]" * 10_000 + "}}"
    async with live_client(server.ws_url) as client:
        await client.send_raw(frame)
        reply = await client.next_frame()
        assert (reply["kind"], reply["error"]["code"]) == ("reply", "live.malformed")
        assert await client.command("live.ping") == {}


@pytest.mark.parametrize(
    "path",
    [
        f"/media/{HUGE}",
        "/media/99999999999999999999",
        f"/booths/{HUGE}/edit",
        f"/booths/{HUGE}/dashboard",
        f"/booths/{HUGE}/visits.csv",
        "/booths/007/edit",
        "/media/0",
    ],
)
async def test_a_huge_id_in_a_path_is_not_found(server: RunningServer, path: str) -> None:
    """An id beyond the database's range, or spelled with leading zeros, is a plain 404."""
    async with browser(server) as http:
        response = await http.get(path)
        assert response.status_code == 404
        assert (await http.get("/healthz")).status_code == 200


@pytest.mark.parametrize(
    "path", [f"/booths/{HUGE}/details", f"/people/{HUGE}/ban", f"/media/{HUGE}/remove"]
)
async def test_a_huge_id_in_a_posted_path_is_not_found(server: RunningServer, path: str) -> None:
    """Posting to an address with a huge id gets 404, not a 500."""
    db = server.services.db
    cookies = await login_cookies(db, await person(db, Role.ORGANISER))
    async with browser(server, cookies) as http:
        token = await form_token(http, "/")
        response = await http.post(path, data={"csrf": token}, headers={"origin": server.origin})
    assert response.status_code == 404


async def test_huge_page_and_cursor_numbers_in_queries_are_harmless(server: RunningServer) -> None:
    """`?page=` and `?before=` beyond any offset give a page, not a 500."""
    db = server.services.db
    made = await booth(db, await someone(db, Role.ORGANISER))
    cookies = await login_cookies(db, await person(db, Role.ORGANISER))
    async with browser(server, cookies) as http:
        assert (await http.get(f"/hall?page={HUGE}")).status_code == 200
        assert (await http.get(f"/people?page={HUGE}")).status_code == 200
        chat = await http.get(f"/booths/{made.slug}/chat?before={HUGE}")
        assert chat.status_code == 200


async def test_removing_media_finds_its_booth_without_reading_the_form(
    server: RunningServer,
) -> None:
    """A removal posted with a non-numeric `booth_id` field works and goes back to the booth."""
    db = server.services.db
    exhibitor = await person(db)
    made = await booth(db, await someone(db, Role.ORGANISER), team=[exhibitor])
    runner = await someone(db, Role.ORGANISER)
    item = await stored_media(
        db,
        runner,
        made.id,
        Storage(server.services.settings.section(HallSettings).upload_path),
        MediaKind.DOCUMENT,
        PDF,
    )
    async with browser(server, await login_cookies(db, exhibitor)) as http:
        token = await form_token(http, f"/booths/{made.id}/edit")
        response = await http.post(
            f"/media/{item.id}/remove",
            data={"csrf": token, "booth_id": "not a number"},
            headers={"origin": server.origin},
        )
    assert response.status_code == 303
    assert response.headers["location"] == f"/booths/{made.id}/edit?saved=media#media"


async def test_a_deeply_nested_json_import_gets_a_422_report(server: RunningServer) -> None:
    """A booth import nesting 10,000 lists is refused with 422 and creates nothing."""
    db = server.services.db
    cookies = await login_cookies(db, await person(db, Role.ORGANISER))
    content = ("[" * 10_000 + "]" * 10_000).encode()
    async with browser(server, cookies) as http:
        token = await form_token(http, "/organise/booths")
        response = await http.post(
            "/organise/booths/import",
            data={"csrf": token},
            files={"file": ("booths.json", content, "application/json")},
            headers={"origin": server.origin},
        )
    assert response.status_code == 422
    assert "nested more than 32 levels" in response.text


async def _post_head_only(server: RunningServer, path: str, cookies: dict[str, str]) -> bytes:
    """Send a multipart post's headers and its first megabyte, never the rest; read the reply."""
    address = urlsplit(server.base_url)
    reader, writer = await asyncio.open_connection(address.hostname, address.port)
    boundary = "hardeningboundary"
    first = (
        (
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="file"; filename="big.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + PDF
        + b"\0" * (1024 * 1024)
    )
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {address.netloc}\r\nOrigin: {server.origin}\r\n"
        f"Cookie: {cookie}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\n"
        f"Content-Length: {len(first) * 4}\r\n\r\n"
    ).encode()
    writer.write(head + first)
    await writer.drain()
    try:
        async with asyncio.timeout(20):
            status_line = await reader.readline()
    finally:
        writer.close()
    return status_line


@pytest.mark.parametrize("who", ["anonymous", "participant"])
async def test_an_upload_by_someone_off_the_team_is_refused_before_its_body_is_read(
    server: RunningServer, who: str
) -> None:
    """The refusal comes while most of the body is still unsent, and no file is kept anywhere."""
    db = server.services.db
    made = await booth(db, await someone(db, Role.ORGANISER))
    cookies = {VISITOR_COOKIE: "visitor-hardening"}
    if who == "participant":
        cookies.update(await login_cookies(db, await person(db)))
    status_line = await _post_head_only(server, f"/booths/{made.id}/media", cookies)
    expected = b" 401 " if who == "anonymous" else b" 403 "
    assert expected in status_line
    folder = server.services.settings.section(HallSettings).upload_path
    assert not folder.exists() or list(folder.iterdir()) == []
