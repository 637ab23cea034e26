"""Pages for a booth's team: edit the booth, its media and office hours; the dashboard."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from fair.core.access import Purpose
from fair.core.accounts.countries import country_names
from fair.core.attendance.figures import country_label
from fair.core.charts import bar_chart
from fair.core.errors import FairError, Invalid, NotFound
from fair.core.exports import Cell, csv_response
from fair.core.home.models import Theme
from fair.core.home.queries import themes
from fair.core.i18n import gettext as _
from fair.core.idempotency import FORM_FIELD
from fair.core.inputs import parse
from fair.core.live import run_command
from fair.core.pages import (
    check_origin,
    form_data,
    form_key,
    form_rows,
    once,
    render,
    services_of,
    take_form_key,
    viewer_of,
    zone_of,
)
from fair.core.security import CSRF_FIELD, check_csrf, visitor_of
from fair.core.zones import page_zone
from fair.hall import dashboard as boards
from fair.hall import queries
from fair.hall.access import access_booth
from fair.hall.actions import booths, media
from fair.hall.inputs import (
    BoothDetails,
    CardAnswering,
    Consortium,
    MediaDetails,
    OfficeHourInput,
)
from fair.hall.live import BY_NAME
from fair.hall.models import Booth, ConsortiumMember
from fair.hall.pages import path_int
from fair.hall.rules import MediaKind, OrganisationKind
from fair.hall.settings import HallSettings
from fair.hall.uploads import AUDIO_ONLY, Storage, safe_original_name

EXTRA_MEMBER_ROWS = 3


async def _edit_page(
    request: Request,
    booth_id: int,
    *,
    error: FairError | None = None,
    section: str = "",
    form: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    services = services_of(request)
    viewer = await viewer_of(request)
    async with services.db.reading() as session:
        booth: Booth = (await access_booth(session, viewer, booth_id, Purpose.RUN)).booth
        members = list(
            await session.scalars(
                select(ConsortiumMember)
                .where(ConsortiumMember.booth_id == booth_id)
                .order_by(ConsortiumMember.position)
            )
        )
        theme = await session.get(Theme, booth.theme_id) if booth.theme_id else None
    page = await queries.booth_page(services.db, viewer, booth_id)
    return render(
        request,
        "hall/edit.html",
        {
            "booth": page,
            "row": booth,
            "links": json.loads(booth.links or "[]"),
            "members": members,
            "extra_rows": range(EXTRA_MEMBER_ROWS),
            "themes": await themes(services.db),
            "countries": country_names(),
            "kinds": list(OrganisationKind),
            "media_kinds": list(MediaKind),
            "zone": await zone_of(request),
            "fair_zone": await page_zone(services.db),
            "error": error,
            "section": section,
            "form": form or {},
            "theme_slug": theme.slug if theme else "",
        },
        status=status,
    )


async def edit_page(request: Request) -> Response:
    return await _edit_page(request, path_int(request, "booth_id"))


async def save_details(request: Request) -> Response:
    services = services_of(request)
    viewer = await viewer_of(request)
    booth_id = path_int(request, "booth_id")
    data = await form_data(
        request, lists=("origin_countries", "destination_countries", "link_label", "link_url")
    )
    data["links"] = form_rows(data, "link", ("label", "url"))
    try:
        await booths.edit_booth(services.db, viewer, booth_id, parse(BoothDetails, data))
    except FairError as refusal:
        return await _edit_page(
            request, booth_id, error=refusal, section="details", form=data, status=refusal.status
        )
    return RedirectResponse(f"/booths/{booth_id}/edit?saved=details#details", status_code=303)


async def save_consortium(request: Request) -> Response:
    services = services_of(request)
    viewer = await viewer_of(request)
    booth_id = path_int(request, "booth_id")
    data = await form_data(request, lists=("member_name", "member_kind", "member_country"))
    rows = form_rows(data, "member", ("name", "kind", "country"))
    try:
        await booths.set_consortium(
            services.db, viewer, booth_id, parse(Consortium, {"members": rows})
        )
    except FairError as refusal:
        return await _edit_page(
            request,
            booth_id,
            error=refusal,
            section="consortium",
            form={"members": rows},
            status=refusal.status,
        )
    return RedirectResponse(f"/booths/{booth_id}/edit?saved=consortium#consortium", status_code=303)


async def upload_media(request: Request) -> Response:
    """Add a media item (the route's body limit is MAX_UPLOAD_BODY).

    The viewer is authorised before the body is read: the multipart parser spools files to
    disk, and nobody but the booth's team may make the server store a byte."""
    services = services_of(request)
    viewer = await viewer_of(request)
    booth_id = path_int(request, "booth_id")
    check_origin(request)
    async with services.db.reading() as session:
        await access_booth(session, viewer, booth_id, Purpose.RUN)
    storage = Storage(services.settings.section(HallSettings).upload_path)
    async with request.form(max_files=1, max_fields=10) as form:
        check_csrf(services.settings.secret_key, visitor_of(request), _text(form.get(CSRF_FIELD)))
        take_form_key(request, _text(form.get(FORM_FIELD)))
        data = {
            key: _text(form.get(key))
            for key in ("kind", "title", "transcript", "external_url", "duration")
        }
        upload = form.get("file")
        try:
            details = parse(MediaDetails, data)

            async def store() -> dict[str, Any]:
                stored = None
                if isinstance(upload, UploadFile) and upload.filename:
                    stored = await storage.save(
                        details.kind, upload.file, safe_original_name(upload.filename)
                    )
                added = await media.add_media(
                    services.db, viewer, booth_id, details, stored, storage
                )
                return {"media_id": added.id}

            await once(request, "hall.media.add", store)
        except FairError as refusal:
            return await _edit_page(
                request, booth_id, error=refusal, section="media", form=data, status=refusal.status
            )
    return RedirectResponse(f"/booths/{booth_id}/edit?saved=media#media", status_code=303)


async def attach_audio(request: Request) -> Response:
    """Attach an interview's audio-only version (the route's body limit is MAX_UPLOAD_BODY);
    the viewer is authorised before the body is read, as for any upload."""
    services = services_of(request)
    viewer = await viewer_of(request)
    media_id = path_int(request, "media_id")
    check_origin(request)
    booth_id = await media.interview_booth(services.db, viewer, media_id)
    storage = Storage(services.settings.section(HallSettings).upload_path)
    async with request.form(max_files=1, max_fields=5) as form:
        check_csrf(services.settings.secret_key, visitor_of(request), _text(form.get(CSRF_FIELD)))
        take_form_key(request, _text(form.get(FORM_FIELD)))
        upload = form.get("file")
        try:
            if not isinstance(upload, UploadFile) or not upload.filename:
                raise Invalid(
                    "hall.upload_missing",
                    _("Choose a file to upload."),
                    fields={"file": _("Required.")},
                )
            chosen = upload

            async def store() -> dict[str, Any]:
                stored = await storage.save(
                    MediaKind.INTERVIEW,
                    chosen.file,
                    safe_original_name(chosen.filename),
                    families=AUDIO_ONLY,
                )
                await media.attach_audio(services.db, viewer, media_id, stored, storage)
                return {"media_id": media_id}

            await once(request, "hall.media.attach_audio", store)
        except FairError as refusal:
            return await _edit_page(
                request, booth_id, error=refusal, section="media", status=refusal.status
            )
    return RedirectResponse(f"/booths/{booth_id}/edit?saved=media#media", status_code=303)


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


async def remove_media(request: Request) -> Response:
    services = services_of(request)
    viewer = await viewer_of(request)
    await form_data(request)
    booth_id = await media.remove_media(
        services.db,
        viewer,
        path_int(request, "media_id"),
        Storage(services.settings.section(HallSettings).upload_path),
    )
    return RedirectResponse(f"/booths/{booth_id}/edit?saved=media#media", status_code=303)


async def add_hour(request: Request) -> Response:
    services = services_of(request)
    viewer = await viewer_of(request)
    booth_id = path_int(request, "booth_id")
    data = await form_data(request)
    try:
        hour = parse(OfficeHourInput, data)

        async def add() -> None:
            await booths.add_office_hour(services.db, viewer, booth_id, hour)

        await once(request, "hall.hour.add", add)
    except FairError as refusal:
        return await _edit_page(
            request, booth_id, error=refusal, section="hours", form=data, status=refusal.status
        )
    return RedirectResponse(f"/booths/{booth_id}/edit?saved=hours#hours", status_code=303)


async def remove_hour(request: Request) -> Response:
    services = services_of(request)
    viewer = await viewer_of(request)
    booth_id = path_int(request, "booth_id")
    await form_data(request)
    await booths.remove_office_hour(services.db, viewer, booth_id, path_int(request, "hour_id"))
    return RedirectResponse(f"/booths/{booth_id}/edit?saved=hours#hours", status_code=303)


async def dashboard(request: Request) -> Response:
    services = services_of(request)
    viewer = await viewer_of(request)
    board = await boards.dashboard(services.db, viewer, path_int(request, "booth_id"))
    zone = await zone_of(request)
    tables = _board_tables(board)
    charts = {
        "visits": bar_chart(
            "chart-visits",
            _("Visits per day"),
            [(d.day.isoformat(), d.visits) for d in reversed(board.days)],
        ),
        "countries": bar_chart(
            "chart-countries",
            _("Visitors by country"),
            [(country_label(c.code), c.visitors) for c in board.countries],
        ),
    }
    return render(
        request,
        "hall/dashboard.html",
        {"board": board, "zone": zone, "charts": charts, "countries": tables["countries"][1]},
    )


def _board_tables(board: boards.Dashboard) -> dict[str, tuple[list[str], list[list[Cell]]]]:
    """The dashboard's tables, each with its translated header: one CSV file per table."""
    return {
        "visits": (
            [_("Day"), _("Visits"), _("Unique visitors"), _("Chat messages"), _("Cards")],
            [
                [d.day.isoformat(), d.visits, d.unique_visitors, d.chat_messages, d.cards]
                for d in board.days
            ],
        ),
        "countries": (
            [_("Country"), _("Visitors")],
            [[country_label(c.code), c.visitors] for c in board.countries],
        ),
        "files": (
            [_("File"), _("Kind"), _("Downloads"), _("Plays")],
            [[m.title, m.kind, m.downloads, m.plays] for m in board.media],
        ),
    }


async def dashboard_table(request: Request) -> Response:
    """One table of the booth's dashboard as a CSV file (visits, countries or files)."""
    services = services_of(request)
    viewer = await viewer_of(request)
    board = await boards.dashboard(services.db, viewer, path_int(request, "booth_id"))
    tables = _board_tables(board)
    name = request.path_params["table"]
    if name not in tables:
        raise NotFound("hall.no_such_table", _("There is no such table."))
    header, rows = tables[name]
    return csv_response(f"{board.summary.slug}-{name}.csv", header, rows)


async def chat_csv(request: Request) -> Response:
    """The booth's chat as a CSV file, for its team and the organisers."""
    services = services_of(request)
    viewer = await viewer_of(request)
    slug, rows = await boards.chat_log(services.db, viewer, path_int(request, "booth_id"))
    header = [_("Written at (UTC)"), _("Author"), _("Message"), _("Removed at"), _("Why removed")]
    return csv_response(f"{slug}-chat.csv", header, rows)


async def answer_card(request: Request) -> Response:
    services = services_of(request)
    viewer = await viewer_of(request)
    data = await form_data(request)
    answering = parse(CardAnswering, {**data, "card_id": path_int(request, "card_id")})
    reply = await run_command(
        services, viewer, BY_NAME["hall.card.answer"], answering, key=form_key(request)
    )
    assert reply is not None
    return RedirectResponse(f"/booths/{reply['booth_id']}/dashboard#cards", status_code=303)
