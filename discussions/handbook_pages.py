"""The organisers' handbook page: ask for an export, follow its progress (live, or by
reloading without JavaScript), download the results."""

from __future__ import annotations

from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import FileResponse, Response

from discussions import handbook
from discussions.jobs import HANDBOOK_FILES, export_dir
from discussions.rules import ExportState
from discussions.settings import DiscussionsSettings
from fair.core.access import require
from fair.core.accounts.roles import Capability
from fair.core.errors import NotFound
from fair.core.i18n import gettext as _
from fair.core.pages import render, services_of, viewer_of, zone_of

MEDIA_TYPES = {
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "pdf": "application/pdf",
}


async def handbook_page(request: Request) -> Response:
    viewer = await viewer_of(request)
    require(viewer, Capability.EDIT_FAIR)
    services = services_of(request)
    db = services.db
    keep = services.settings.section(DiscussionsSettings).handbook_keep
    page = await handbook.exports_page(db, keep)
    return render(
        request, "discussions/handbook.html", {"page": page, "zone": await zone_of(request)}
    )


async def download(request: Request) -> Response:
    """One file of a finished export: the HTML shown (to print), Markdown and PDF as files."""
    services = services_of(request)
    viewer = await viewer_of(request)
    require(viewer, Capability.EDIT_FAIR)
    export_id: int = request.path_params["export_id"]
    name: str = request.path_params["name"]
    kind = next((k for k, file in HANDBOOK_FILES.items() if file == name), None)
    if kind is None:
        raise NotFound("discussions.export_not_found", _("There is no such export."))
    state = await handbook.export_state(services.db, export_id)
    if state is ExportState.EXPIRED:
        return render(request, "discussions/handbook_expired.html", {}, status=410)
    if state is not ExportState.DONE:
        raise NotFound("discussions.export_not_found", _("There is no such export."))
    path = export_dir(services, export_id) / name
    if not path.is_file():
        raise NotFound("discussions.export_not_found", _("There is no such export."))
    disposition = "inline" if kind == "html" else "attachment"
    filename = quote(f"handbook-{export_id}.{kind}")
    return FileResponse(
        path,
        media_type=MEDIA_TYPES[kind],
        headers={
            "content-disposition": f"{disposition}; filename*=UTF-8''{filename}",
            "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
            "cache-control": "private, no-store",
        },
    )
