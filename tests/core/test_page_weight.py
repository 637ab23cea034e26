"""The page-weight budget: every page, for every role, is at most 60 KB transferred, compressed,
counting its stylesheets and scripts (and the modules they import) but not its media."""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import AsyncIterator
from urllib.parse import urljoin, urlsplit

import brotli  # type: ignore[import-untyped]
import httpx
import pytest

from tests.conftest import DemoFair
from tests.support.servers import RunningServer, serve
from tests.support.site_pages import ROLES, log_in, site_pages

BUDGET = 60 * 1024
ACCEPT = {"accept-encoding": "br, gzip"}
STYLESHEET = re.compile(r'<link\b[^>]*rel="stylesheet"[^>]*href="([^"]+)"', re.IGNORECASE)
SCRIPT = re.compile(r'<script\b[^>]*\bsrc="([^"]+)"', re.IGNORECASE)
IMPORTMAP = re.compile(r'<script type="importmap">(.*?)</script>', re.DOTALL)
IMPORT = re.compile(r'^\s*import\b[^"\']*["\']([^"\']+)["\']', re.MULTILINE)


@pytest.fixture
async def site(demo_fair: DemoFair) -> AsyncIterator[RunningServer]:
    async with serve(demo_fair.settings()) as running:
        yield running


async def transferred(http: httpx.AsyncClient, url: str) -> tuple[int, bytes]:
    """The bytes sent for `url` as they came over the wire, and the decoded body."""
    async with http.stream("GET", url, headers=ACCEPT) as response:
        raw = b"".join([chunk async for chunk in response.aiter_raw()])
    assert response.status_code == 200, f"{url}: {response.status_code}"
    coding = response.headers.get("content-encoding")
    body = brotli.decompress(raw) if coding == "br" else gzip.decompress(raw) if coding else raw
    return len(raw), body


async def page_weight(http: httpx.AsyncClient, url: str, assets: dict[str, int]) -> int:
    """What a first visit to `url` transfers, media left out: the HTML, its stylesheets and
    scripts, and every module those import (through the page's import map)."""
    size, html_bytes = await transferred(http, url)
    html = html_bytes.decode()
    found = IMPORTMAP.search(html)
    imports: dict[str, str] = json.loads(found.group(1))["imports"] if found else {}
    pending = [urljoin(url, href) for href in STYLESHEET.findall(html) + SCRIPT.findall(html)]
    counted: set[str] = set()
    while pending:
        asset = pending.pop()
        if asset in counted:
            continue
        counted.add(asset)
        if asset not in assets:
            assets[asset], body = await transferred(http, asset)
            if urlsplit(asset).path.endswith(".js"):
                for specifier in IMPORT.findall(body.decode()):
                    pending.append(urljoin(asset, imports.get(specifier, specifier)))
        size += assets[asset]
    return size


async def test_every_page_is_within_the_budget(site: RunningServer) -> None:
    """No page any role (or an anonymous visitor) can reach weighs more than 60 KB compressed,
    with its CSS and scripts."""
    over: dict[str, dict[str, int]] = {}
    for role, (email, password) in ROLES.items():
        pages = await site_pages(site.base_url, email, password)
        assert len(pages) > 3, pages
        assets: dict[str, int] = {}
        async with httpx.AsyncClient(base_url=site.base_url) as http:
            if email is not None and password is not None:
                await log_in(http, email, password)
            for page in pages:
                weight = await page_weight(http, urljoin(site.base_url, page), assets)
                if weight > BUDGET:
                    over.setdefault(role, {})[page] = weight
    assert not over, f"pages over {BUDGET} bytes: {over}"
