"""Q&A pages: the programme, a panel, the moderators' queue, the stage, the big screen.

Every panel action is a websocket command; the `/qa/act` form route runs the same commands
for browsers without JavaScript, so both paths share one input model and one handler.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from fair.core.access import require
from fair.core.accounts.roles import Capability
from fair.core.charts import bar_chart
from fair.core.errors import FairError, Invalid, NotFound
from fair.core.exports import csv_response
from fair.core.i18n import gettext as _
from fair.core.inputs import ids_from_form, parse
from fair.core.live import run_command
from fair.core.notifications import follows
from fair.core.pages import (
    cited_in,
    form_data,
    form_key,
    once,
    render,
    services_of,
    viewer_of,
    zone_of,
)
from fair.core.zones import page_zone
from fair.qa import panel_reports, queries
from fair.qa.channels import PLACE
from fair.qa.inputs import PanelCreation, PanelEdit
from fair.qa.live import COMMANDS
from fair.qa.rules import PANEL_TRANSITIONS, Moderation, PanelState, RejectReason
from fair.qa.setup import create_panel, edit_panel

FORM_COMMANDS = {command.name: command for command in COMMANDS}
BOOLEAN_FIELDS = ("anonymous", "up", "approve", "live")


async def _zone(request: Request) -> str:
    return await zone_of(request)


async def agenda(request: Request) -> Response:
    await viewer_of(request)
    zone = await _zone(request)
    head = await queries.programme_head(services_of(request).db)
    days = await queries.programme(services_of(request).db, zone)
    return render(request, "qa/agenda.html", {"days": days, "zone": zone, "head": head})


async def panel(request: Request) -> Response:
    services = services_of(request)
    viewer = await viewer_of(request)
    panel_id = await queries.panel_id_for(services.db, request.path_params["slug"])
    page = await queries.panel_page(services.db, viewer, panel_id)
    return render(
        request,
        "qa/panel.html",
        {
            "page": page,
            "zone": await _zone(request),
            "viewers": await services.presence.count(f"qa:{panel_id}"),
            "citations": await cited_in(services, "panel", panel_id),
            "following": await follows.is_following(services.db, viewer.user_id, PLACE, panel_id),
        },
    )


async def calendar(request: Request) -> Response:
    services = services_of(request)
    viewer = await viewer_of(request)
    panel_id = await queries.panel_id_for(services.db, request.path_params["slug"])
    page = await queries.panel_page(services.db, viewer, panel_id)
    body = queries.ics(page.panel, services.settings.base_url, page.description)
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={
            "content-disposition": f'attachment; filename="{page.panel.slug}.ics"',
        },
    )


async def moderate(request: Request) -> Response:
    services = services_of(request)
    viewer = await viewer_of(request)
    panel_id = await queries.panel_id_for(services.db, request.path_params["slug"])
    page = await queries.moderation_page(services.db, viewer, panel_id)
    return render(
        request,
        "qa/moderate.html",
        {
            "page": page,
            "zone": await _zone(request),
            "reasons": list(RejectReason),
            "targets": sorted(PANEL_TRANSITIONS[PanelState(page.panel.state)]),
        },
    )


async def stage(request: Request) -> Response:
    services = services_of(request)
    viewer = await viewer_of(request)
    panel_id = await queries.panel_id_for(services.db, request.path_params["slug"])
    page = await queries.panel_page(services.db, viewer, panel_id)
    if not page.may_answer:
        require(viewer, Capability.ANSWER)
    notes, backstage_head = await queries.stage_notes(services.db, viewer, panel_id)
    return render(
        request,
        "qa/stage.html",
        {
            "page": page,
            "notes": notes,
            "backstage_head": backstage_head,
            "zone": await _zone(request),
        },
    )


async def screen(request: Request) -> Response:
    services = services_of(request)
    viewer = await viewer_of(request)
    panel_id = await queries.panel_id_for(services.db, request.path_params["slug"])
    page = await queries.panel_page(services.db, viewer, panel_id)
    current = next((q for q in page.questions if q.id == page.panel.answering_id), None)
    waiting = [
        q for q in page.questions if q.state == "approved" and q.id != page.panel.answering_id
    ]
    return render(
        request, "qa/screen.html", {"page": page, "current": current, "waiting": waiting[:5]}
    )


async def archive_csv(request: Request) -> Response:
    """A panel's questions, every state, as a CSV file for its moderators and organisers."""
    services = services_of(request)
    viewer = await viewer_of(request)
    panel_id = await queries.panel_id_for(services.db, request.path_params["slug"])
    slug, rows = await queries.archive(services.db, viewer, panel_id)
    header = [_(column) for column in queries.ARCHIVE_COLUMNS]
    return csv_response(f"{slug}-questions.csv", header, rows)


async def act(request: Request) -> Response:
    """Run a panel command from a plain form, then go back where the form was."""
    services = services_of(request)
    viewer = await viewer_of(request)
    data = await form_data(request, lists=("tags",))
    back = str(data.pop("back", "")) or "/panels"
    if not back.startswith("/") or back.startswith("//"):
        back = "/panels"
    command = FORM_COMMANDS.get(str(data.pop("type", "")))
    if command is None:
        raise Invalid("live.unknown_command", _("There is no such command."))
    for name in BOOLEAN_FIELDS:
        if name in data:
            data[name] = data[name] in {"1", "true", "on", "yes"}
    tags = data.pop("tags", [])
    if "tags" in command.input.model_fields:
        data["tags"] = [t for raw in tags for t in str(raw).split(",")]
    if data.get("question_id") == "":
        data["question_id"] = None
    await run_command(
        services, viewer, command, parse(command.input, ids_from_form(data)), key=form_key(request)
    )
    return RedirectResponse(back, status_code=303)


async def organise(request: Request) -> Response:
    viewer = await viewer_of(request)
    require(viewer, Capability.EDIT_FAIR)
    return await _organise_page(request)


async def _organise_page(
    request: Request,
    *,
    error: FairError | None = None,
    form: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    zone = await _zone(request)
    days = await queries.programme(services_of(request).db, zone)
    return render(
        request,
        "qa/organise.html",
        {
            "days": days,
            "zone": zone,
            "fair_zone": await page_zone(services_of(request).db),
            "error": error,
            "form": form or {},
            "moderations": list(Moderation),
        },
        status=status,
    )


PEOPLE_FIELDS = ("panelists", "moderators", "booths")
"""The form fields that list people (e-mails) or booths (addresses), separated by commas."""


def _split_lists(data: dict[str, Any]) -> dict[str, Any]:
    for name in PEOPLE_FIELDS:
        data[name] = [
            part.strip()
            for part in str(data.get(name, "")).replace(";", ",").split(",")
            if part.strip()
        ]
    return data


async def create(request: Request) -> Response:
    services = services_of(request)
    viewer = await viewer_of(request)
    data = _split_lists(await form_data(request))
    try:
        creation = parse(PanelCreation, data)

        async def create_it() -> dict[str, Any]:
            panel = await create_panel(services.db, viewer, creation)
            return {"slug": panel.slug}

        created = await once(request, "qa.panel.create", create_it)
    except FairError as refusal:
        return await _organise_page(request, error=refusal, form=data, status=refusal.status)
    assert created is not None
    return RedirectResponse(f"/panels/{created['slug']}", status_code=303)


async def _edit_page(
    request: Request,
    *,
    error: FairError | None = None,
    form: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    services = services_of(request)
    viewer = await viewer_of(request)
    require(viewer, Capability.EDIT_FAIR)
    panel_id = await queries.panel_id_for(services.db, request.path_params["slug"])
    zone = await _zone(request)
    current = await queries.panel_form(services.db, viewer, panel_id, zone)
    return render(
        request,
        "qa/edit.html",
        {
            "panel": current.panel,
            "form": form if form is not None else current.values,
            "zone": zone,
            "fair_zone": await page_zone(services.db),
            "error": error,
            "moderations": list(Moderation),
        },
        status=status,
    )


async def edit(request: Request) -> Response:
    """Organisers: the form that changes a panel after it was created."""
    return await _edit_page(request)


async def save(request: Request) -> Response:
    services = services_of(request)
    viewer = await viewer_of(request)
    slug = request.path_params["slug"]
    data = _split_lists(await form_data(request))
    try:
        panel_id = await queries.panel_id_for(services.db, slug)
        await edit_panel(services.db, viewer, panel_id, parse(PanelEdit, data))
    except FairError as refusal:
        return await _edit_page(request, error=refusal, form=data, status=refusal.status)
    return RedirectResponse(f"/panels/{slug}", status_code=303)


async def _report(request: Request) -> panel_reports.PanelReport:
    services = services_of(request)
    viewer = await viewer_of(request)
    panel_id = await queries.panel_id_for(services.db, request.path_params["slug"])
    return await panel_reports.panel_report(services.db, viewer, panel_id)


async def report(request: Request) -> Response:
    """A closed panel's report for its moderators and organisers: figures, a chart beside its
    table, the answers, the questions left open; printable."""
    found = await _report(request)
    outcomes = [(_(label), count) for label, count in found.outcomes]
    return render(
        request,
        "qa/report.html",
        {
            "report": found,
            "tables": panel_reports.report_tables(found),
            "chart": bar_chart("chart-outcomes", _("What became of the questions"), outcomes),
            "printing": "print" in request.query_params,
            "zone": await _zone(request),
        },
    )


async def report_csv(request: Request) -> Response:
    """One table of a panel's report as a CSV file."""
    name = request.path_params["table"]
    if name not in panel_reports.TABLES:
        raise NotFound("qa.no_such_table", _("There is no such table."))
    found = await _report(request)
    header, rows = panel_reports.report_tables(found)[name]
    return csv_response(f"{found.panel.slug}-{name}.csv", header, rows)
