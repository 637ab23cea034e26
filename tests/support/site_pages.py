"""A small crawler: the same-origin HTML pages a person (or an anonymous visitor) can reach."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Awaitable, Callable
from urllib.parse import urldefrag, urljoin, urlsplit

import httpx

LINK = re.compile(r'<a\b[^>]*\bhref="([^"]+)"', re.IGNORECASE)
CSRF_INPUT = re.compile(r'<input type="hidden" name="csrf" value="([^"]*)">')
SKIPPED = ("/static/", "/media/", "/ws", "/logout", "/notifications/unsubscribe", "/email/")
MAX_PAGES = 120
ROLES: dict[str, tuple[str | None, str | None]] = {
    "anonymous": (None, None),
    "participant": ("participant@demo.fair", "demo-participant"),
    "exhibitor": ("exhibitor@demo.fair", "demo-exhibitor"),
    "panelist": ("panelist@demo.fair", "demo-panelist"),
    "moderator": ("moderator@demo.fair", "demo-moderator"),
    "organiser": ("organiser@demo.fair", "demo-organiser"),
}
"""The demo fair's accounts (config/demo/accounts.toml) by role: e-mail and password."""


def pattern_of(path: str) -> str:
    """A page's route, roughly: ids and slugs (anything with a digit or a hyphen) become `{}`."""
    parts = path.strip("/").split("/")
    return "/" + "/".join("{}" if re.search(r"[0-9-]", part) else part for part in parts)


async def log_in(http: httpx.AsyncClient, email: str, password: str) -> None:
    """Log `http` in through the login form, as a browser would."""
    page = await http.get("/login")
    match = CSRF_INPUT.search(page.text)
    if match is None:
        raise RuntimeError("the login page has no CSRF field")
    response = await http.post(
        "/login", data={"csrf": match.group(1), "email": email, "password": password, "next": "/"}
    )
    if response.status_code != 303:
        raise RuntimeError(f"logging in as {email} failed: {response.status_code}")


Fetch = Callable[[str], Awaitable[str | None]]
"""Loads one URL and gives its HTML, or None when it is no HTML page (an error, a download)."""


async def crawl(base_url: str, fetch: Fetch, limit_per_pattern: int = 2) -> list[str]:
    """The URLs of the HTML pages reachable by links from the home page, each loaded once with
    `fetch` (which may check the page as it goes), with at most `limit_per_pattern` pages of
    each route."""
    origin = urlsplit(base_url).netloc
    found: list[str] = []
    seen: set[str] = set()
    per_pattern: Counter[str] = Counter()
    queue = [urljoin(base_url, "/")]
    seen.add(queue[0])
    while queue and len(found) < MAX_PAGES:
        url = queue.pop(0)
        html = await fetch(url)
        if html is None:
            continue
        found.append(url)
        for href in LINK.findall(html):
            target = urldefrag(urljoin(url, href.replace("&amp;", "&")))[0]
            parts = urlsplit(target)
            if parts.netloc != origin or parts.query or parts.path.startswith(SKIPPED):
                continue
            if parts.path.endswith((".csv", ".ics", ".pdf")) or target in seen:
                continue
            seen.add(target)
            pattern = pattern_of(parts.path)
            if per_pattern[pattern] >= limit_per_pattern:
                continue
            per_pattern[pattern] += 1
            queue.append(target)
    return found


async def site_pages(
    base_url: str, email: str | None, password: str | None, limit_per_pattern: int = 2
) -> list[str]:
    """The URLs of the HTML pages reachable by links from the home page, logged in as `email`
    if given, with at most `limit_per_pattern` pages of each route."""
    async with httpx.AsyncClient(base_url=base_url) as http:
        if email is not None and password is not None:
            await log_in(http, email, password)

        async def fetch(url: str) -> str | None:
            response = await http.get(url)
            if response.status_code != 200 or not response.headers.get(
                "content-type", ""
            ).startswith("text/html"):
                return None
            return response.text

        return await crawl(base_url, fetch, limit_per_pattern)
