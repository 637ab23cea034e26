"""The home page: the fair's details and how many people are online now."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from fair.core.home.queries import current_fair
from fair.core.pages import render, services_of, viewer_of


async def home(request: Request) -> Response:
    services = services_of(request)
    await viewer_of(request)
    fair = await current_fair(services.db)
    online = await services.presence.count("fair")
    return render(request, "home.html", {"fair": fair, "online": online})
