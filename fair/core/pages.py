"""Helpers shared by every page: the viewer, rendering with the layout's context, errors."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from fair.core.accounts.queries import viewer_for
from fair.core.accounts.viewers import Viewer
from fair.core.attendance.actions import attend
from fair.core.errors import FairError, Forbidden, Invalid, NotAuthenticated, RateLimited
from fair.core.i18n import gettext as _
from fair.core.i18n import speak_saved
from fair.core.idempotency import FORM_FIELD, Result, new_key, run_once, valid_key
from fair.core.inputs import load_json
from fair.core.notifications.queries import bell
from fair.core.security import (
    CSRF_FIELD,
    CSRF_HEADER,
    LOGIN_COOKIE,
    check_csrf,
    csrf_token,
    origin_allowed,
    visitor_of,
)
from fair.core.zones import page_zone

if TYPE_CHECKING:
    from fair.core.contract import Citation, Services


def services_of(request: Request) -> Services:
    return request.state.services  # type: ignore[no-any-return]


async def viewer_of(request: Request) -> Viewer:
    """The person making this request (cached for the request)."""
    cached = getattr(request.state, "viewer", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    db = services_of(request).db
    viewer = await viewer_for(db, request.cookies.get(LOGIN_COOKIE), visitor_of(request))
    request.state.viewer = viewer
    speak_saved(viewer.language)
    if (
        request.method == "GET"
        and viewer.user_id is not None
        and "text/html" in request.headers.get("accept", "")
    ):
        # Every page shows the bell: read its count with the viewer, once per page (not for
        # media, downloads or JSON, which a page's range requests and scripts ask for often).
        request.state.bell = await bell(db, viewer.user_id)
    if request.method == "GET" and "text/html" in request.headers.get("accept", ""):
        await attend(db, viewer)
    return viewer


async def zone_of(request: Request) -> str:
    """The zone this request's page shows times in: the viewer's saved zone, else the fair's."""
    return await page_zone(services_of(request).db, await viewer_of(request))


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, *, status: int = 200
) -> HTMLResponse:
    services = services_of(request)
    viewer: Viewer = request.state.viewer
    full = {
        "viewer": viewer,
        "csrf_field": CSRF_FIELD,
        "csrf_token": csrf_token(services.settings.secret_key, visitor_of(request)),
        "path": request.url.path,
        # A fresh idempotency key per form rendered: `<input name="idem" value="{{ idem() }}">`.
        "idem": new_key,
        "bell": getattr(request.state, "bell", None),
        **(context or {}),
    }
    return services.templates.TemplateResponse(request, template, full, status_code=status)


def check_origin(request: Request) -> None:
    """Refuse a post that a browser sent from another site (defence in depth beside CSRF)."""
    if not origin_allowed(request.headers.get("origin"), services_of(request).settings.origins):
        raise Forbidden("security.origin", _("This request came from another site."))


async def form_data(request: Request, lists: Iterable[str] = ()) -> dict[str, Any]:
    """The posted form as strings (lists for the names in `lists`), after checking its origin
    and CSRF token. Files are left out; read them from `await request.form()`."""
    check_origin(request)
    form = await request.form()
    data: dict[str, Any] = {
        key: value for key, value in form.items() if isinstance(value, str) and key not in lists
    }
    for name in lists:
        data[name] = [value for value in form.getlist(name) if isinstance(value, str)]
    check_csrf(
        services_of(request).settings.secret_key, visitor_of(request), data.pop(CSRF_FIELD, None)
    )
    take_form_key(request, data.pop(FORM_FIELD, None))
    return data


def take_form_key(request: Request, submitted: str | None) -> None:
    """Keep the idempotency key a form carried (`form_key` hands it on), refusing a bad one.

    `form_data` does this; a multipart route that reads its own form calls it directly."""
    key = submitted or None
    if key is not None and not valid_key(key):
        raise Invalid("command.bad_key", _("This form is out of date; reload the page."))
    request.state.command_key = key


def form_key(request: Request) -> str | None:
    """The idempotency key the posted form carried (after `form_data`), if any."""
    return getattr(request.state, "command_key", None)


async def once(request: Request, action: str, run: Callable[[], Awaitable[Result]]) -> Result:
    """Run a form's write at most once per the form's key: a resent form (a retry after a lost
    response) gets the first result. For forms whose write is not a registered command;
    those go through `run_command`, which does the same."""
    services = services_of(request)
    viewer = await viewer_of(request)
    return await run_once(
        services.db,
        viewer.person,
        action,
        form_key(request),
        run,
        window_hours=services.settings.command_key_hours,
    )


async def json_body(request: Request) -> Any:
    """A posted JSON body, after checking its origin and the CSRF header."""
    check_origin(request)
    check_csrf(
        services_of(request).settings.secret_key,
        visitor_of(request),
        request.headers.get(CSRF_HEADER),
    )
    try:
        text = (await request.body()).decode()
    except UnicodeDecodeError:
        raise Invalid("input.invalid", _("The body must be UTF-8 text.")) from None
    return load_json(text)


def form_rows(data: dict[str, Any], prefix: str, fields: Iterable[str]) -> list[dict[str, str]]:
    """Rows of a repeated group of fields posted as lists (`member_name`, `member_kind`, ...);
    rows left entirely blank are dropped."""
    columns = {name: data.pop(f"{prefix}_{name}", []) for name in fields}
    length = max((len(values) for values in columns.values()), default=0)
    rows = []
    for index in range(length):
        row = {
            name: (values[index] if index < len(values) else "") for name, values in columns.items()
        }
        if any(value.strip() for value in row.values()):
            rows.append(row)
    return rows


def wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "") or request.url.path.startswith(
        "/api/"
    )


async def handle_refusal(request: Request, exc: Exception) -> Response:
    """A refusal becomes a JSON error or an error page; a needed login becomes a redirect."""
    assert isinstance(exc, FairError)
    response: Response
    if wants_json(request):
        response = JSONResponse({"error": exc.as_dict()}, status_code=exc.status)
    elif isinstance(exc, NotAuthenticated) and request.method == "GET":
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
    else:
        await viewer_of(request)
        response = render(request, "error.html", {"error": exc}, status=exc.status)
    if isinstance(exc, RateLimited) and exc.retry_after is not None:
        response.headers["retry-after"] = str(exc.retry_after)
    return response


async def cited_in(services: Services, kind: str, target_id: int) -> list[Citation]:
    """The pages of every feature that cite this booth or panel (`kind` "booth" or "panel"),
    each link once: what `Feature.citations` answer, read in one session."""
    found: list[Citation] = []
    if not services.citations:
        return found
    async with services.db.reading() as session:
        for source in services.citations:
            for citation in await source(session, kind, target_id):
                if citation not in found:
                    found.append(citation)
    return found
