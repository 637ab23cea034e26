"""Static files under content-hashed URLs: the manifest, the import map, and their cache headers.

A file keeps its name and gains `?v=<hash of its bytes>`: nothing is renamed or built, the
plain URL still works (with a short cache life), and the import map sends every module's
plain URL (`import ... from "/static/js/live.js"`) to its hashed one, so one page loads each
module once and a new deployment is fetched at once."""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path

from markupsafe import Markup
from starlette.datastructures import QueryParams
from starlette.responses import Response
from starlette.staticfiles import PathLike, StaticFiles
from starlette.types import Scope

from fair.core.settings import PROJECT_ROOT

STATIC_ROOT = PROJECT_ROOT / "static"
STATIC_PREFIX = "/static/"
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "public, max-age=300"
"""A plain or stale URL: kept five minutes, then revalidated with its ETag / Last-Modified."""


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


class StaticAssets:
    """The hash of every file under the static directory, read once when the app is built."""

    def __init__(self, hashes: Mapping[str, str]) -> None:
        self.hashes = dict(hashes)
        modules = {
            STATIC_PREFIX + name: self.url(name)
            for name in sorted(self.hashes)
            if name.endswith(".js")
        }
        self.importmap_text = json.dumps({"imports": modules}, separators=(",", ":"))

    @classmethod
    def scan(cls, directory: Path = STATIC_ROOT) -> StaticAssets:
        return cls(
            {
                path.relative_to(directory).as_posix(): file_hash(path)
                for path in sorted(directory.rglob("*"))
                if path.is_file()
            }
        )

    def url(self, name: str) -> str:
        """`static_url("js/live.js")` in templates: `/static/js/live.js?v=<hash>`."""
        digest = self.hashes.get(name)
        if digest is None:
            raise KeyError(f"no static file {name!r}")
        return f"{STATIC_PREFIX}{name}?v={digest}"

    def importmap(self) -> Markup:
        """The `<script type="importmap">` that gives every module import its hashed URL."""
        # The map is JSON of our own file names; "<" cannot occur in it.
        return Markup(f'<script type="importmap">{self.importmap_text}</script>')  # noqa: S704

    def script_source(self) -> str:
        """The CSP source that allows the inline import map, and no other inline script."""
        digest = hashlib.sha256(self.importmap_text.encode()).digest()
        return f"'sha256-{base64.b64encode(digest).decode()}'"


class HashedStaticFiles(StaticFiles):
    """Static files cached a year, immutable, under their current hash; revalidated otherwise."""

    def __init__(self, *, directory: Path, assets: StaticAssets) -> None:
        super().__init__(directory=directory)
        self.assets = assets

    def file_response(
        self,
        full_path: PathLike,
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        name = Path(os.fspath(full_path)).relative_to(Path(self.directory or ".").resolve())
        version = QueryParams(scope.get("query_string", b"")).get("v")
        current = self.assets.hashes.get(name.as_posix())
        fresh = version is not None and version == current
        response.headers["cache-control"] = IMMUTABLE if fresh else REVALIDATE
        return response
