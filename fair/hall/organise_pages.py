"""Organisers' pages for the hall: all booths, create, publish or archive, teams, bulk import."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from fair.core.access import require
from fair.core.accounts.roles import Capability
from fair.core.errors import FairError, Invalid
from fair.core.exports import csv_response
from fair.core.home.queries import themes
from fair.core.i18n import gettext as _
from fair.core.inputs import parse
from fair.core.pages import check_origin, form_data, once, render, services_of, viewer_of
from fair.core.security import CSRF_FIELD, check_csrf, visitor_of
from fair.hall import imports, views
from fair.hall.actions import booths
from fair.hall.imports import RowReport
from fair.hall.inputs import BoothCreation, StateChange, TeamInvitation
from fair.hall.models import Booth, TeamMember
from fair.hall.pages import path_int
from fair.hall.rules import TRANSITIONS, BoothState


async def _booths_page(
    request: Request,
    *,
    error: FairError | None = None,
    form: dict[str, Any] | None = None,
    report: list[RowReport] | None = None,
    section: str = "",
    status: int = 200,
) -> Response:
    services = services_of(request)
    viewer = await viewer_of(request)
    require(viewer, Capability.EDIT_FAIR)
    async with services.db.reading() as session:
        rows = (
            await session.scalars(select(Booth).order_by(Booth.state, func.lower(Booth.title)))
        ).all()
        summaries = await views.summaries(session, rows)
        team_sizes = dict(
            (
                await session.execute(
                    select(TeamMember.booth_id, func.count(TeamMember.user_id)).group_by(
                        TeamMember.booth_id
                    )
                )
            ).all()
        )
        teams = {booth.id: await views.team(session, booth.id) for booth in rows}
    return render(
        request,
        "hall/organise_booths.html",
        {
            "booths": summaries,
            "team_sizes": team_sizes,
            "teams": teams,
            "transitions": {
                state.value: sorted(t.value for t in TRANSITIONS[state]) for state in BoothState
            },
            "themes": await themes(services.db),
            "error": error,
            "form": form or {},
            "report": report,
            "section": section,
            "columns": imports.column_notes(),
        },
        status=status,
    )


async def booths_page(request: Request) -> Response:
    return await _booths_page(request)


async def create(request: Request) -> Response:
    services = services_of(request)
    viewer = await viewer_of(request)
    data = await form_data(request)
    try:
        creation = parse(BoothCreation, data)

        async def create_it() -> dict[str, Any]:
            booth = await booths.create_booth(services.db, viewer, creation)
            return {"booth_id": booth.id}

        created = await once(request, "hall.booth.create", create_it)
    except FairError as refusal:
        return await _booths_page(
            request, error=refusal, form=data, section="new", status=refusal.status
        )
    assert created is not None
    return RedirectResponse(f"/booths/{created['booth_id']}/edit", status_code=303)


async def change_state(request: Request) -> Response:
    services = services_of(request)
    viewer = await viewer_of(request)
    data = await form_data(request)
    await booths.change_state(
        services.db, viewer, path_int(request, "booth_id"), parse(StateChange, data)
    )
    return RedirectResponse("/organise/booths", status_code=303)


async def add_member(request: Request) -> Response:
    services = services_of(request)
    viewer = await viewer_of(request)
    data = await form_data(request)
    booth_id = path_int(request, "booth_id")
    try:
        await booths.add_team_member(services.db, viewer, booth_id, parse(TeamInvitation, data))
    except FairError as refusal:
        return await _booths_page(
            request, error=refusal, form=data, section=f"team-{booth_id}", status=refusal.status
        )
    return RedirectResponse("/organise/booths", status_code=303)


async def remove_member(request: Request) -> Response:
    services = services_of(request)
    viewer = await viewer_of(request)
    await form_data(request)
    await booths.remove_team_member(
        services.db, viewer, path_int(request, "booth_id"), path_int(request, "user_id")
    )
    return RedirectResponse("/organise/booths", status_code=303)


async def import_file(request: Request) -> Response:
    services = services_of(request)
    viewer = await viewer_of(request)
    require(viewer, Capability.EDIT_FAIR)
    check_origin(request)
    async with request.form(max_files=1, max_fields=5) as form:
        token = form.get(CSRF_FIELD)
        check_csrf(
            services.settings.secret_key,
            visitor_of(request),
            token if isinstance(token, str) else None,
        )
        upload = form.get("file")
        try:
            if not isinstance(upload, UploadFile) or not upload.filename:
                raise Invalid(
                    "hall.import_missing",
                    _("Choose a .csv or .json file to import."),
                    fields={"file": _("Required.")},
                )
            rows = imports.read_rows(upload.filename, await upload.read())
        except FairError as refusal:
            return await _booths_page(
                request, error=refusal, section="import", status=refusal.status
            )
    report = await imports.import_booths(services.db, viewer, rows)
    return await _booths_page(request, report=report)


async def import_template(request: Request) -> Response:
    """The booth import's CSV template: the header row and one example row that imports as it
    is (in one of the fair's themes, if it has any)."""
    viewer = await viewer_of(request)
    require(viewer, Capability.EDIT_FAIR)
    fair_themes = await themes(services_of(request).db)
    header, rows = imports.template(fair_themes[0][0] if fair_themes else "")
    return csv_response("booths-template.csv", header, rows)
