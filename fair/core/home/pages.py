"""The home page, the organisers' set-up of the fair, and their view of the audit log."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from fair.core.access import require
from fair.core.accounts.countries import country_names
from fair.core.accounts.roles import Capability
from fair.core.audit import audited_actions
from fair.core.errors import FairError
from fair.core.home import actions, queries
from fair.core.home.inputs import AuditFilter, Countries, FairDetails, Themes
from fair.core.inputs import ids_from_form, parse
from fair.core.pages import form_data, form_rows, render, services_of, viewer_of

EXTRA_THEME_ROWS = 2
AUDIT_CAPABILITY = Capability.SEE_PEOPLE
"""Reading the audit log: its rows name people, their roles and suspensions."""


async def home(request: Request) -> Response:
    services = services_of(request)
    await viewer_of(request)
    fair = await queries.current_fair(services.db)
    online = await services.presence.count("fair")
    return render(request, "home.html", {"fair": fair, "online": online})


async def _setup_page(
    request: Request,
    *,
    error: FairError | None = None,
    form: dict[str, Any] | None = None,
    section: str = "",
    status: int = 200,
) -> Response:
    db = services_of(request).db
    fair = await queries.current_fair(db)
    themes = await queries.themes(db)
    return render(
        request,
        "organise/fair.html",
        {
            "fair": fair,
            "themes": themes,
            "extra_rows": range(EXTRA_THEME_ROWS),
            "in_play": set(await queries.countries_in_play(db)),
            "countries": country_names(),
            "error": error,
            "form": form or {},
            "section": section,
        },
        status=status,
    )


async def setup_page(request: Request) -> Response:
    require(await viewer_of(request), Capability.EDIT_FAIR)
    return await _setup_page(request)


async def save_details(request: Request) -> Response:
    viewer = await viewer_of(request)
    data = await form_data(request)
    try:
        await actions.set_fair_details(services_of(request).db, viewer, parse(FairDetails, data))
    except FairError as refusal:
        return await _setup_page(
            request, error=refusal, form=data, section="details", status=refusal.status
        )
    return RedirectResponse("/organise?saved=details#details", status_code=303)


async def save_themes(request: Request) -> Response:
    viewer = await viewer_of(request)
    data = await form_data(request, lists=("theme_slug", "theme_name", "theme_description"))
    rows = form_rows(data, "theme", ("slug", "name", "description"))
    try:
        await actions.set_themes(services_of(request).db, viewer, parse(Themes, {"themes": rows}))
    except FairError as refusal:
        typed = [(row["slug"], row["name"], row["description"]) for row in rows]
        return await _setup_page(
            request, error=refusal, form={"themes": typed}, section="themes", status=refusal.status
        )
    return RedirectResponse("/organise?saved=themes#themes", status_code=303)


async def save_countries(request: Request) -> Response:
    viewer = await viewer_of(request)
    data = await form_data(request, lists=("countries",))
    try:
        await actions.set_countries(services_of(request).db, viewer, parse(Countries, data))
    except FairError as refusal:
        return await _setup_page(request, error=refusal, section="countries", status=refusal.status)
    return RedirectResponse("/organise?saved=countries#countries", status_code=303)


def _audit_filter(request: Request) -> AuditFilter:
    """The page's filters from the query string; a field left empty does not filter."""
    given = {name: value for name, value in request.query_params.items() if value.strip()}
    return parse(AuditFilter, ids_from_form(given))


async def audit_page(request: Request) -> Response:
    """Organisers read the audit log, newest first, filtered by action, actor and days."""
    require(await viewer_of(request), AUDIT_CAPABILITY)
    filters = _audit_filter(request)
    rows, more = await queries.audit_page(services_of(request).db, filters)
    shown = filters.model_dump(mode="json", exclude={"before_id"}, exclude_none=True)
    return render(
        request,
        "organise/audit.html",
        {
            "rows": rows,
            "more": more,
            "filters": shown,
            "actions": [action.name for action in audited_actions()],
            "query": {name: value for name, value in shown.items() if value},
        },
    )


async def audit_csv(request: Request) -> Response:
    """The audit log, with the page's filters, as a CSV file."""
    require(await viewer_of(request), AUDIT_CAPABILITY)
    body = await queries.audit_csv(services_of(request).db, _audit_filter(request))
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": 'attachment; filename="audit-log.csv"'},
    )
