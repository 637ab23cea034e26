"""Pages as a browser without JavaScript uses them: a cookie-keeping HTTP client, and a page
read together with the CSRF token its forms carry."""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator

import httpx

from tests.support.servers import RunningServer

CSRF_INPUT = re.compile(r'<input type="hidden" name="csrf" value="([^"]*)">')


@contextlib.asynccontextmanager
async def browser(
    server: RunningServer, cookies: dict[str, str] | None = None
) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client that keeps cookies like a browser and does not follow redirects."""
    async with httpx.AsyncClient(base_url=server.base_url, cookies=cookies or {}) as http:
        yield http


async def page_and_token(http: httpx.AsyncClient, page: str) -> tuple[str, str]:
    """The page's HTML (it must answer 200) and the CSRF token of its forms."""
    response = await http.get(page)
    assert response.status_code == 200, response.text
    match = CSRF_INPUT.search(response.text)
    assert match is not None, f"no CSRF field on {page}"
    return response.text, match.group(1)
