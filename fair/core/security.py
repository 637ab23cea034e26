"""Web security: headers on every response, the visitor cookie, CSRF tokens and Origin checks."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from http.cookies import SimpleCookie

from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fair.core.errors import Forbidden
from fair.core.i18n import gettext as _

LOGIN_COOKIE = "fair_login"
VISITOR_COOKIE = "fair_visitor"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"


def content_security_policy(script_sources: Iterable[str] = ()) -> str:
    """The policy: everything from this origin only, plus the inline scripts whose hashes are
    given (the static files' import map)."""
    scripts = " ".join(["'self'", *script_sources])
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {scripts}",
            "style-src 'self'",
            "img-src 'self' data:",
            "media-src 'self'",
            "connect-src 'self'",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


CONTENT_SECURITY_POLICY = content_security_policy()

SECURITY_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}


def new_visitor_id() -> str:
    return secrets.token_urlsafe(16)


def visitor_cookie(visitor: str, *, secure: bool) -> str:
    """The Set-Cookie value that gives a browser its visitor id (which its CSRF tokens sign)."""
    flag = "; Secure" if secure else ""
    return f"{VISITOR_COOKIE}={visitor}; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax{flag}"


def rotate_visitor(response: Response, *, secure: bool) -> None:
    """Give the browser a new visitor id, so every CSRF token it was given before stops working
    (at login and logout)."""
    response.headers.append("set-cookie", visitor_cookie(new_visitor_id(), secure=secure))


def origin_allowed(origin: str | None, allowed: Iterable[str]) -> bool:
    """Browsers always send Origin on websockets and cross-site posts; none means no browser."""
    return origin is None or origin in set(allowed)


def csrf_token(secret: str, visitor: str) -> str:
    return hmac.new(secret.encode(), f"csrf:{visitor}".encode(), hashlib.sha256).hexdigest()


def check_csrf(secret: str, visitor: str | None, submitted: str | None) -> None:
    """Refuse a form or JSON post whose token does not belong to this browser."""
    if (
        not visitor
        or not submitted
        or not hmac.compare_digest(csrf_token(secret, visitor), submitted)
    ):
        raise Forbidden("security.csrf", _("This form has expired. Reload the page and try again."))


def visitor_of(connection: HTTPConnection) -> str:
    """The browser's visitor id: from its cookie, or the one the middleware is about to set."""
    state_visitor = connection.scope.get("fair_visitor")
    if isinstance(state_visitor, str):
        return state_visitor
    return connection.cookies.get(VISITOR_COOKIE) or ""


class SecurityMiddleware:
    """Adds the security headers to every HTTP response and gives new browsers a visitor id."""

    def __init__(
        self, app: ASGIApp, *, cookie_secure: bool, script_sources: Iterable[str] = ()
    ) -> None:
        self.app = app
        self.cookie_secure = cookie_secure
        self.headers = {
            **SECURITY_HEADERS,
            "content-security-policy": content_security_policy(script_sources),
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        visitor = _cookie(scope, VISITOR_COOKIE)
        new_visitor = None
        if not visitor:
            new_visitor = new_visitor_id()
            scope["fair_visitor"] = new_visitor

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    headers.setdefault(name, value)
                rotated = any(
                    value.startswith(f"{VISITOR_COOKIE}=")
                    for value in headers.getlist("set-cookie")
                )
                if new_visitor is not None and not rotated:
                    headers.append(
                        "set-cookie", visitor_cookie(new_visitor, secure=self.cookie_secure)
                    )
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _cookie(scope: Scope, name: str) -> str | None:
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            cookie: SimpleCookie = SimpleCookie()
            try:
                cookie.load(value.decode("latin-1"))
            except Exception:
                return None
            if name in cookie:
                return cookie[name].value
    return None
