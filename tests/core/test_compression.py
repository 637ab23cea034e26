"""Compression over real HTTP: brotli or gzip as asked, and everything that must stay as it is."""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import zlib
from collections.abc import AsyncIterator
from pathlib import Path

import brotli  # type: ignore[import-untyped]
import httpx
import pytest
import pytest_asyncio
import uvicorn
import websockets
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response, StreamingResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket

from fair.core.compression import CompressionMiddleware, choose_encoding
from tests.support.servers import free_socket

PAGE = "<!doctype html><title>t</title>" + "<p>A row of the exhibition hall.</p>\n" * 200


def tiny_app(media: Path) -> Starlette:
    async def page(request: Request) -> Response:
        return HTMLResponse(PAGE)

    async def small(request: Request) -> Response:
        return HTMLResponse("<p>short</p>")

    async def stream(request: Request) -> Response:
        async def lines() -> AsyncIterator[bytes]:
            for n in range(50):
                yield f"line {n} of a streamed export, padded to be worth compressing\n".encode()

        return StreamingResponse(lines(), media_type="text/csv")

    async def encoded(request: Request) -> Response:
        return Response(
            gzip.compress(PAGE.encode()),
            media_type="text/html",
            headers={"content-encoding": "gzip"},
        )

    async def audio(request: Request) -> Response:
        return FileResponse(media, media_type="audio/mpeg")

    async def text_file(request: Request) -> Response:
        return FileResponse(media, media_type="text/plain")

    async def echo(websocket: WebSocket) -> None:
        await websocket.accept()
        await websocket.send_text(await websocket.receive_text())
        await websocket.close()

    return Starlette(
        routes=[
            Route("/page", page, methods=["GET", "HEAD"]),
            Route("/small", small),
            Route("/stream", stream),
            Route("/encoded", encoded),
            Route("/audio", audio),
            Route("/text", text_file),
            WebSocketRoute("/ws", echo),
        ],
        middleware=[Middleware(CompressionMiddleware)],
    )


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def base_url(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    media = tmp_path_factory.mktemp("media") / "sound.mp3"
    media.write_bytes(b"ID3 not really a sound, but text that would compress well\n" * 100)
    sock = free_socket()
    server = uvicorn.Server(uvicorn.Config(tiny_app(media), log_level="warning"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        await asyncio.sleep(0.01)
    try:
        yield f"127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError):
            await task
        sock.close()


async def raw(base_url: str, path: str, **headers: str) -> tuple[httpx.Response, bytes]:
    """The response to `path` and its body exactly as sent, not decoded."""
    async with httpx.AsyncClient(base_url=f"http://{base_url}") as http:
        async with http.stream("GET", path, headers=headers) as response:
            body = b"".join([chunk async for chunk in response.aiter_raw()])
    return response, body


module_loop = pytest.mark.asyncio(loop_scope="module")


@module_loop
async def test_brotli_is_chosen_when_the_browser_takes_it(base_url: str) -> None:
    """`br, gzip` gets a brotli body with its own Content-Length and Vary: Accept-Encoding."""
    response, body = await raw(base_url, "/page", **{"accept-encoding": "gzip, deflate, br"})
    assert response.headers["content-encoding"] == "br"
    assert response.headers["content-length"] == str(len(body))
    assert "accept-encoding" in response.headers["vary"].lower()
    assert brotli.decompress(body).decode() == PAGE
    assert len(body) < len(PAGE) / 5


@module_loop
async def test_gzip_is_chosen_when_brotli_is_not_offered(base_url: str) -> None:
    """`gzip` alone gets a gzip body that decompresses to the page."""
    response, body = await raw(base_url, "/page", **{"accept-encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert response.headers["content-length"] == str(len(body))
    assert gzip.decompress(body).decode() == PAGE


@module_loop
async def test_q_zero_refuses_a_coding(base_url: str) -> None:
    """`br;q=0, gzip` gets gzip, and `*;q=0` or `identity` gets the plain page."""
    response, _body = await raw(base_url, "/page", **{"accept-encoding": "br;q=0, gzip"})
    assert response.headers["content-encoding"] == "gzip"
    for refusal in ("*;q=0", "identity"):
        response, body = await raw(base_url, "/page", **{"accept-encoding": refusal})
        assert "content-encoding" not in response.headers
        assert body.decode() == PAGE
        assert "accept-encoding" in response.headers["vary"].lower()


def test_the_highest_q_value_wins_and_brotli_wins_ties() -> None:
    """q-values order the codings; on a tie brotli is preferred; `*` covers unnamed codings."""
    assert choose_encoding("gzip;q=1.0, br;q=0.5") == "gzip"
    assert choose_encoding("gzip, br") == "br"
    assert choose_encoding("*") == "br"
    assert choose_encoding("br;q=0, *;q=0.1") == "gzip"
    assert choose_encoding("deflate") is None
    assert choose_encoding("") is None


@module_loop
async def test_small_bodies_are_sent_as_they_are(base_url: str) -> None:
    """A body below the threshold is not worth compressing."""
    response, body = await raw(base_url, "/small", **{"accept-encoding": "br, gzip"})
    assert "content-encoding" not in response.headers
    assert body == b"<p>short</p>"


@module_loop
async def test_head_keeps_the_plain_length_and_no_body(base_url: str) -> None:
    """HEAD answers with the uncompressed length and no coding, and no body."""
    async with httpx.AsyncClient(base_url=f"http://{base_url}") as http:
        response = await http.head("/page", headers={"accept-encoding": "br, gzip"})
    assert response.status_code == 200
    assert "content-encoding" not in response.headers
    assert response.headers["content-length"] == str(len(PAGE.encode()))
    assert response.content == b""


@module_loop
async def test_a_stream_is_compressed_as_it_goes(base_url: str) -> None:
    """A streamed CSV is gzipped chunk by chunk, without a Content-Length, and decodes whole."""
    response, body = await raw(base_url, "/stream", **{"accept-encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert "content-length" not in response.headers
    text = zlib.decompress(body, 31).decode()
    assert text.splitlines()[0].startswith("line 0 of")
    assert text.splitlines()[-1].startswith("line 49 of")


@module_loop
async def test_a_body_already_encoded_is_not_encoded_again(base_url: str) -> None:
    """A response that carries its own Content-Encoding passes unchanged."""
    response, body = await raw(base_url, "/encoded", **{"accept-encoding": "br"})
    assert response.headers["content-encoding"] == "gzip"
    assert gzip.decompress(body).decode() == PAGE


@module_loop
async def test_media_and_ranges_are_left_alone(base_url: str) -> None:
    """Audio is sent as it is, and a range of a text file is the exact bytes asked for."""
    response, body = await raw(base_url, "/audio", **{"accept-encoding": "br, gzip"})
    assert "content-encoding" not in response.headers
    assert body.startswith(b"ID3")
    response, body = await raw(
        base_url, "/text", **{"accept-encoding": "br, gzip", "range": "bytes=0-9"}
    )
    assert response.status_code == 206
    assert "content-encoding" not in response.headers
    assert body == b"ID3 not re"


@module_loop
async def test_websockets_pass_through(base_url: str) -> None:
    """A websocket under the middleware echoes what it is sent."""
    async with websockets.connect(f"ws://{base_url}/ws") as socket:
        await socket.send("hello")
        assert await socket.recv() == "hello"
