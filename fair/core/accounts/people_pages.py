"""The organisers' people pages: the list (search, role filter, pages), its CSV export, and the
people picker's search (JSON) that forms naming people by e-mail use."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from fair.core.access import require
from fair.core.accounts import queries
from fair.core.accounts.countries import country_names
from fair.core.accounts.inputs import PeopleFilter, PeopleSearch
from fair.core.accounts.invitations import queries as invitation_queries
from fair.core.accounts.invitations.rules import MAX_PEOPLE
from fair.core.accounts.roles import ROLE_LABELS, Capability, Role
from fair.core.accounts.settings import AccountSettings
from fair.core.exports import csv_response
from fair.core.fields import page_from_text
from fair.core.i18n import gettext as _
from fair.core.inputs import parse
from fair.core.pages import render, services_of, viewer_of

PICKER_LIMIT_PER_MINUTE = 120
"""Searches one organiser's people picker may make in a minute."""


def people_filter(request: Request) -> PeopleFilter:
    """The list's filter from the query string: empty values are no filter."""
    given = {name: request.query_params.get(name, "") for name in ("q", "role")}
    return parse(PeopleFilter, {name: value for name, value in given.items() if value})


def filter_query(chosen: PeopleFilter, **more: Any) -> dict[str, Any]:
    """The filter as query parameters, to keep it across pages and in the export's link."""
    params: dict[str, Any] = {}
    if chosen.q:
        params["q"] = chosen.q
    if chosen.role is not None:
        params["role"] = chosen.role.value
    return {**params, **more}


async def people_page(request: Request) -> Response:
    """The people list for organisers: one search box (name, e-mail, organisation, country),
    a role filter, 50 a page; the invitations below it."""
    return await render_people(request)


async def render_people(
    request: Request, invite: dict[str, Any] | None = None, *, status: int = 200
) -> Response:
    """The people page; `invite` holds what the invitation form shows back (what was typed,
    the refusal or what inviting did)."""
    services = services_of(request)
    viewer = await viewer_of(request)
    chosen = people_filter(request)
    page = page_from_text(request.query_params.get("page", "1"))
    found = await queries.people(services.db, viewer, term=chosen.q, role=chosen.role, page=page)
    invitations = (
        await invitation_queries.invitations(services.db, viewer)
        if viewer.can(Capability.INVITE_PEOPLE)
        else None
    )
    return render(
        request,
        "accounts/people.html",
        {
            "found": found,
            "people": found.people,
            "filter": chosen,
            "filter_query": filter_query,
            "roles": list(Role),
            "countries": country_names(),
            "invitations": invitations,
            "max_invitees": MAX_PEOPLE,
            "invitation_days": services.settings.section(AccountSettings).invitation_days,
            "invite": invite or {},
        },
        status=status,
    )


async def people_csv(request: Request) -> Response:
    """Everyone the list's filter matches, as one CSV table."""
    services = services_of(request)
    viewer = await viewer_of(request)
    chosen = people_filter(request)
    rows = await queries.people_to_export(services.db, viewer, term=chosen.q, role=chosen.role)
    countries = country_names()
    return csv_response(
        "people.csv",
        [
            _("Name"),
            _("E-mail"),
            _("Country"),
            _("Organisation"),
            _("Role"),
            _("Registered"),
            _("Suspended"),
        ],
        (
            [
                person.display_name,
                person.email,
                countries.get(person.country, person.country),
                person.organisation,
                _(ROLE_LABELS.get(person.role, person.role)),
                person.created_at.date().isoformat(),
                _("yes") if person.banned else "",
            ]
            for person in rows
        ),
    )


async def people_search(request: Request) -> Response:
    """The people picker's matches for what was typed (`?q=`): at most 20 people in good
    standing, each with name, organisation and e-mail; organisers only, rate-limited."""
    services = services_of(request)
    viewer = await viewer_of(request)
    search = parse(PeopleSearch, dict(request.query_params))
    require(viewer, Capability.SEE_PEOPLE)
    await services.limits.check("people.search", str(viewer.user_id), PICKER_LIMIT_PER_MINUTE, 60)
    people = await queries.people_to_pick(services.db, viewer, search.q)
    return JSONResponse(
        {
            "people": [
                {
                    "name": person.display_name,
                    "organisation": person.organisation,
                    "email": person.email,
                }
                for person in people
            ]
        },
        headers={"cache-control": "no-store"},
    )
