"""Static files under content-hashed URLs: cache headers, the hash, and the import map."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from fair.core.assets import IMMUTABLE, REVALIDATE, STATIC_ROOT, StaticAssets
from tests.conftest import make_settings
from tests.support.servers import RunningServer, serve

IMPORTMAP = re.compile(r'<script type="importmap">(.*?)</script>', re.DOTALL)
IMPORT = re.compile(r'^\s*import\b[^"\']*["\']([^"\']+)["\']', re.MULTILINE)


@pytest.fixture
async def server(sqlite_url: str) -> AsyncIterator[RunningServer]:
    async with serve(make_settings(sqlite_url)) as running:
        yield running


async def test_hashed_urls_are_immutable_and_plain_ones_revalidate(server: RunningServer) -> None:
    """The page's hashed URL is cached a year, immutable; the plain one briefly, with validators."""
    async with httpx.AsyncClient(base_url=server.base_url) as http:
        html = (await http.get("/")).text
        match = re.search(r'href="(/static/css/fair\.css\?v=[0-9a-f]{12})"', html)
        assert match is not None, "the layout links the hashed stylesheet"
        hashed = await http.get(match.group(1))
        plain = await http.get("/static/css/fair.css")
        stale = await http.get("/static/css/fair.css?v=000000000000")
        again = await http.get(
            "/static/css/fair.css", headers={"if-none-match": plain.headers["etag"]}
        )
    assert hashed.status_code == 200
    assert hashed.headers["cache-control"] == IMMUTABLE == "public, max-age=31536000, immutable"
    assert plain.headers["cache-control"] == REVALIDATE
    assert stale.headers["cache-control"] == REVALIDATE
    assert plain.headers["etag"] and plain.headers["last-modified"]
    assert again.status_code == 304


def test_the_hash_changes_when_the_file_changes(tmp_path: Path) -> None:
    """Editing a file gives it a new URL, and the import map follows."""
    (tmp_path / "js").mkdir()
    module = tmp_path / "js" / "live.js"
    module.write_text("export const a = 1;\n")
    before = StaticAssets.scan(tmp_path)
    module.write_text("export const a = 2;\n")
    after = StaticAssets.scan(tmp_path)
    assert before.url("js/live.js") != after.url("js/live.js")
    assert before.url("js/live.js").startswith("/static/js/live.js?v=")
    assert after.url("js/live.js") in after.importmap_text
    assert before.script_source() != after.script_source()


async def test_the_import_map_covers_every_module_and_the_csp_allows_it(
    server: RunningServer,
) -> None:
    """Every module and every import in static/js maps to its hashed URL; the CSP names the map."""
    async with httpx.AsyncClient(base_url=server.base_url) as http:
        response = await http.get("/")
    match = IMPORTMAP.search(response.text)
    assert match is not None
    imports = json.loads(match.group(1))["imports"]
    assets = StaticAssets.scan(STATIC_ROOT)
    modules = sorted(STATIC_ROOT.glob("js/*.js"))
    assert modules
    for path in modules:
        name = path.relative_to(STATIC_ROOT).as_posix()
        assert imports[f"/static/{name}"] == assets.url(name)
        for specifier in IMPORT.findall(path.read_text()):
            assert specifier in imports, f"{name} imports {specifier}, which the map misses"
    digest = base64.b64encode(hashlib.sha256(match.group(1).encode()).digest()).decode()
    assert f"'sha256-{digest}'" in response.headers["content-security-policy"]
