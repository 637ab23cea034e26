"""Response compression: brotli when the browser takes it, else gzip, for text-like bodies."""

from __future__ import annotations

import zlib
from typing import Protocol

import brotli  # type: ignore[import-untyped]
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

COMPRESSIBLE = frozenset(
    {
        "text/html",
        "text/css",
        "text/javascript",
        "application/javascript",
        "application/json",
        "image/svg+xml",
        "text/plain",
        "text/csv",
    }
)
MINIMUM_SIZE = 500
"""Below this many bytes the headers of a compressed response would outweigh the saving."""

BROTLI_QUALITY = 5
"""Brotli's quality 5 compresses pages better than gzip -9 at a fraction of quality 11's cost."""


class Encoder(Protocol):
    def chunk(self, data: bytes) -> bytes: ...
    def finish(self) -> bytes: ...


class BrotliEncoder:
    def __init__(self) -> None:
        self._compressor = brotli.Compressor(quality=BROTLI_QUALITY)

    def chunk(self, data: bytes) -> bytes:
        # Flushing each chunk lets a streamed response reach the browser as it is written.
        return bytes(self._compressor.process(data)) + bytes(self._compressor.flush())

    def finish(self) -> bytes:
        return bytes(self._compressor.finish())


class GzipEncoder:
    def __init__(self) -> None:
        self._compressor = zlib.compressobj(6, zlib.DEFLATED, 31)

    def chunk(self, data: bytes) -> bytes:
        return self._compressor.compress(data) + self._compressor.flush(zlib.Z_SYNC_FLUSH)

    def finish(self) -> bytes:
        return self._compressor.flush(zlib.Z_FINISH)


ENCODERS: dict[str, type[BrotliEncoder] | type[GzipEncoder]] = {
    "br": BrotliEncoder,
    "gzip": GzipEncoder,
}


def choose_encoding(accept_encoding: str) -> str | None:
    """The coding to use for an Accept-Encoding header: the highest q-value wins, brotli on a tie;
    `q=0` refuses a coding, and `*` stands for any coding not named."""
    weights: dict[str, float] = {}
    for part in accept_encoding.split(","):
        name, _sep, params = part.strip().partition(";")
        name = name.strip().lower()
        if not name:
            continue
        q = 1.0
        for param in params.split(";"):
            key, _eq, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        weights[name] = q
    star = weights.get("*", 0.0)
    best: tuple[float, str] | None = None
    for coding in ENCODERS:  # brotli first, so it wins ties
        q = weights.get(coding, star)
        if q > 0 and (best is None or q > best[0]):
            best = (q, coding)
    return best[1] if best else None


def is_compressible(headers: Headers) -> bool:
    media_type = headers.get("content-type", "").partition(";")[0].strip().lower()
    return media_type in COMPRESSIBLE


class CompressionMiddleware:
    """Compresses HTML, CSS, JavaScript, JSON, SVG, plain text and CSV responses of at least
    `MINIMUM_SIZE` bytes, whole or streamed (each streamed chunk is flushed as it comes).

    Left alone: websockets, HEAD requests (their Content-Length must stay the GET body's), range
    requests and partial responses, media, and bodies that already carry a Content-Encoding."""

    def __init__(self, app: ASGIApp, *, minimum_size: int = MINIMUM_SIZE) -> None:
        self.app = app
        self.minimum_size = minimum_size

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_headers = Headers(scope=scope)
        coding = choose_encoding(request_headers.get("accept-encoding", ""))
        if scope["method"] == "HEAD" or "range" in request_headers:
            coding = None
        await self.app(scope, receive, _Compressing(send, coding, self.minimum_size))


class _Compressing:
    """One response's `send`: holds the start until the first body shows whether to compress."""

    def __init__(self, send: Send, coding: str | None, minimum_size: int) -> None:
        self.send = send
        self.coding = coding
        self.minimum_size = minimum_size
        self.start: Message | None = None
        self.encoder: Encoder | None = None
        self.passing = False

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = MutableHeaders(scope=message)
            if not is_compressible(headers) or message["status"] in {204, 206, 304}:
                self.passing = True
                await self.send(message)
                return
            headers.add_vary_header("Accept-Encoding")
            if self.coding is None or "content-encoding" in headers:
                self.passing = True
                await self.send(message)
                return
            self.start = message
            return
        if message["type"] != "http.response.body" or self.passing:
            await self.send(message)
            return
        body: bytes = message.get("body", b"")
        more = bool(message.get("more_body", False))
        if self.start is not None:
            start, self.start = self.start, None
            headers = MutableHeaders(scope=start)
            if not more and len(body) < self.minimum_size:
                self.passing = True
                await self.send(start)
                await self.send(message)
                return
            assert self.coding is not None
            self.encoder = ENCODERS[self.coding]()
            headers["content-encoding"] = self.coding
            etag = headers.get("etag")
            if etag and not etag.startswith("W/"):
                # The compressed bytes are another representation: its validator is weak.
                headers["etag"] = f"W/{etag}"
            if more:
                del headers["content-length"]
                await self.send(start)
            else:
                compressed = self.encoder.chunk(body) + self.encoder.finish()
                headers["content-length"] = str(len(compressed))
                await self.send(start)
                await self.send({"type": "http.response.body", "body": compressed})
                return
        assert self.encoder is not None
        data = self.encoder.chunk(body) if body else b""
        if not more:
            data += self.encoder.finish()
        await self.send({"type": "http.response.body", "body": data, "more_body": more})
