"""The app factory: routes from the features, middleware, and services built in the lifespan."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from sqlalchemy import exc as sa_exc
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.body_limit import RequestBodyLimitMiddleware
from starlette.requests import HTTPConnection, Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from fair.core import health, i18n
from fair.core.accounts.viewers import anonymous
from fair.core.assets import STATIC_ROOT, HashedStaticFiles, StaticAssets
from fair.core.compression import CompressionMiddleware
from fair.core.errors import FairError, NotFound, Unavailable
from fair.core.faults import unavailable
from fair.core.features import load_features
from fair.core.i18n import gettext as _
from fair.core.live import LiveEndpoint
from fair.core.pages import handle_refusal, services_of, wants_json
from fair.core.security import SecurityMiddleware, visitor_of
from fair.core.services import open_services
from fair.core.settings import Settings, load_settings

LIVE_PATH = "/ws"


def activate_language(scope: Scope) -> None:
    """The language chosen with the switcher or asked for by the browser, for the whole
    request or socket; `viewer_of` (and the socket's handshake) then switch to the person's
    saved one, once they know who is asking."""
    request = HTTPConnection(scope)
    chosen = request.cookies.get(i18n.LANGUAGE_COOKIE)
    i18n.activate(i18n.negotiate(None, chosen, request.headers.get("accept-language")))


class LanguageMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in {"http", "websocket"}:
            activate_language(scope)
        await self.app(scope, receive, send)


class LiveSocketFirst:
    """A socket to the live endpoint goes straight to it, ahead of the pages' middleware.

    Each middleware, the router and the route would otherwise stay on the socket's stack for
    as long as it is open (a coroutine each, times thousands of sockets) and wrap every frame
    it is sent; none of them does anything for a websocket but the language, activated here.
    """

    def __init__(self, app: ASGIApp, endpoint: ASGIApp) -> None:
        self.app = app
        self.endpoint = endpoint

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "websocket"
            and scope["path"].removeprefix(scope.get("root_path", "")) == LIVE_PATH
        ):
            activate_language(scope)
            await self.endpoint(scope, receive, send)
            return
        await self.app(scope, receive, send)


async def outage(request: Request, exc: Exception) -> Response:
    """The database is away: 503 with Retry-After, as a JSON error or the error page."""
    refusal = exc if isinstance(exc, Unavailable) else unavailable(exc)
    if refusal is None:
        raise exc
    if getattr(request.state, "viewer", None) is None:
        # The error page shows who is asking; finding out would need the database.
        request.state.viewer = anonymous(visitor_of(request))
    response = await handle_refusal(request, refusal)
    response.headers["retry-after"] = str(services_of(request).settings.db_retry_after_seconds)
    return response


async def not_found(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 404
    if status != 404:
        detail = exc.detail if isinstance(exc, HTTPException) else ""
        if wants_json(request):
            return JSONResponse(
                {"error": {"code": f"http.{status}", "message": detail}}, status_code=status
            )
        return PlainTextResponse(detail, status_code=status)
    return await handle_refusal(
        request, NotFound("http.not_found", _("There is nothing at this address."))
    )


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or load_settings()
    settings.check()
    features = load_features(settings.features)
    settings.check_sections(f.settings for f in features if f.settings is not None)
    assets = StaticAssets.scan(STATIC_ROOT)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[dict[str, object]]:
        async with open_services(settings, features, assets) as services:
            yield {"services": services}

    routes = [
        *(route for feature in features for route in feature.routes),
        Route("/healthz", health.live),
        Route("/readyz", health.ready),
        Mount("/static", HashedStaticFiles(directory=STATIC_ROOT, assets=assets), name="static"),
    ]
    return Starlette(
        routes=routes,
        middleware=[
            Middleware(LiveSocketFirst, endpoint=LiveEndpoint()),
            # Outermost of the pages', so that error pages and the security middleware's
            # refusals shrink too.
            Middleware(CompressionMiddleware),
            Middleware(
                SecurityMiddleware,
                cookie_secure=settings.cookie_secure,
                script_sources=[assets.script_source()],
            ),
            # Inside the security middleware, so that its 413 carries the security headers too.
            Middleware(RequestBodyLimitMiddleware, max_body_size=settings.max_body_bytes),
            Middleware(LanguageMiddleware),
        ],
        exception_handlers={
            FairError: handle_refusal,
            Unavailable: outage,
            # A driver error that escaped `Database`'s own mapping: 503 if it is an outage.
            sa_exc.DBAPIError: outage,
            sa_exc.TimeoutError: outage,
            HTTPException: not_found,
        },
        lifespan=lifespan,
    )
