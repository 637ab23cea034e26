"""The visitor's pages: the hall, a booth, its chat history, cards, bookmarks, media files."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response

from fair.core.access import require
from fair.core.accounts.countries import country_names
from fair.core.accounts.roles import Capability
from fair.core.errors import FairError, Invalid, NotFound
from fair.core.fields import id_from_text, page_from_text
from fair.core.i18n import gettext as _
from fair.core.inputs import parse
from fair.core.live import run_command
from fair.core.pages import cited_in, form_data, form_key, render, services_of, viewer_of, zone_of
from fair.core.tables import utcnow
from fair.hall import queries
from fair.hall.actions import visits
from fair.hall.channels import booth_channel, staff_channel
from fair.hall.inputs import Bookmarking, CardLeaving, ChatPost, ChatRemoval, ChatRestoring
from fair.hall.live import BY_NAME
from fair.hall.queries import SORTS, HallFilters
from fair.hall.rules import MediaKind
from fair.hall.settings import HallSettings
from fair.hall.uploads import Storage


def path_int(request: Request, name: str) -> int:
    value = request.path_params[name]
    if not isinstance(value, int):
        raise Invalid("input.invalid", _("Not a valid address."))
    return value


def _filters(request: Request) -> HallFilters:
    params = request.query_params
    page = page_from_text(params.get("page", "1"))
    sort = params.get("sort", "title")
    return HallFilters(
        theme=params.get("theme", "")[:40],
        country=params.get("country", "")[:2].upper(),
        kind=params.get("kind", "")[:40],
        q=params.get("q", "")[:120],
        sort=sort if sort in SORTS else "title",
        page=page,
        bookmarked=params.get("kept") == "1",
    )


async def hall(request: Request) -> Response:
    services = services_of(request)
    viewer = await viewer_of(request)
    filters = _filters(request)
    page = await queries.hall_page(services.db, viewer, filters)
    others = [(k, v) for k, v in request.query_params.multi_items() if k != "page"]
    return render(
        request,
        "hall/hall.html",
        {
            "hall": page,
            "filters": filters,
            "countries": country_names(),
            "sorts": SORTS,
            "base_query": urlencode(others) + "&" if others else "",
        },
    )


async def _booth_id(request: Request) -> int:
    booth_id = await queries.booth_id_for(services_of(request).db, request.path_params["slug"])
    if booth_id is None:
        raise NotFound("hall.booth_not_found", _("There is no such booth."))
    return booth_id


async def booth(request: Request) -> Response:
    services = services_of(request)
    viewer = await viewer_of(request)
    booth_id = await _booth_id(request)
    response = await _booth_response(request, booth_id)
    if "x-fair-refresh" not in request.headers:
        # A page re-reading its sections after a live change is not a new visit.
        await visits.record_visit(services.db, viewer, booth_id)
    return response


async def _booth_response(
    request: Request, booth_id: int, *, status: int = 200, **extra: Any
) -> Response:
    """The booth page, with the presence counts and the fair's time zone."""
    services = services_of(request)
    viewer = await viewer_of(request)
    page = await queries.booth_page(services.db, viewer, booth_id)
    now = utcnow()
    on_duty = next((h for h in page.hours if h.starts_at <= now < h.ends_at), None)
    return render(
        request,
        "hall/booth.html",
        {
            "booth": page,
            "zone": await zone_of(request),
            "on_duty": on_duty,
            "transcripts": page.transcripts,
            "visitors": await services.presence.count(booth_channel(booth_id)),
            "staff": await services.presence.count(staff_channel(booth_id)),
            "citations": await cited_in(services, "booth", booth_id),
            **extra,
        },
        status=status,
    )


async def chat_history(request: Request) -> Response:
    services = services_of(request)
    viewer = await viewer_of(request)
    booth_id = await _booth_id(request)
    before = id_from_text(request.query_params.get("before", ""))
    page = await queries.booth_page(services.db, viewer, booth_id)
    messages, has_more = await queries.chat_history(services.db, viewer, booth_id, before)
    return render(
        request,
        "hall/chat_history.html",
        {
            "booth": page,
            "messages": messages,
            "has_more": has_more,
        },
    )


async def post_chat(request: Request) -> Response:
    """The no-JavaScript way to chat; the page's script sends `hall.chat.post` instead."""
    services = services_of(request)
    viewer = await viewer_of(request)
    booth_id = await _booth_id(request)
    data = await form_data(request)
    await run_command(
        services,
        viewer,
        BY_NAME["hall.chat.post"],
        parse(ChatPost, {**data, "booth_id": booth_id}),
        key=form_key(request),
    )
    return RedirectResponse(f"/booths/{request.path_params['slug']}#chat", status_code=303)


async def remove_chat(request: Request) -> Response:
    services = services_of(request)
    viewer = await viewer_of(request)
    data = await form_data(request)
    removal = parse(ChatRemoval, {**data, "message_id": path_int(request, "message_id")})
    await run_command(services, viewer, BY_NAME["hall.chat.remove"], removal, key=form_key(request))
    return RedirectResponse(f"/booths/{request.path_params['slug']}#chat", status_code=303)


async def restore_chat(request: Request) -> Response:
    """The no-JavaScript way to bring a removed message back (the review queue's restore runs
    the same action)."""
    services = services_of(request)
    viewer = await viewer_of(request)
    data = await form_data(request)
    restoring = parse(ChatRestoring, {**data, "message_id": path_int(request, "message_id")})
    await run_command(
        services, viewer, BY_NAME["hall.chat.restore"], restoring, key=form_key(request)
    )
    return RedirectResponse(f"/booths/{request.path_params['slug']}#chat", status_code=303)


async def leave_card(request: Request) -> Response:
    services = services_of(request)
    viewer = await viewer_of(request)
    booth_id = await _booth_id(request)
    data = await form_data(request)
    data["share_details"] = data.get("share_details") == "on"
    try:
        card = parse(CardLeaving, {**data, "booth_id": booth_id})
        await run_command(services, viewer, BY_NAME["hall.card.leave"], card, key=form_key(request))
    except FairError as refusal:
        return await _booth_response(
            request, booth_id, status=refusal.status, card_error=refusal, card_form=data
        )
    return RedirectResponse(
        f"/booths/{request.path_params['slug']}?card=sent#card", status_code=303
    )


async def keep(request: Request) -> Response:
    services = services_of(request)
    viewer = await viewer_of(request)
    data = await form_data(request)
    back = data.get("back", "")
    keeping = parse(
        Bookmarking, {"booth_id": await _booth_id(request), "keep": data.get("keep") == "1"}
    )
    await run_command(services, viewer, BY_NAME["hall.booth.keep"], keeping, key=form_key(request))
    return RedirectResponse(
        back if back.startswith("/") and not back.startswith("//") else "/hall", status_code=303
    )


async def my_booths(request: Request) -> Response:
    services = services_of(request)
    viewer = await viewer_of(request)
    require(viewer, Capability.TAKE_PART)
    return render(
        request,
        "hall/my_booths.html",
        {
            "booths": await queries.my_booths(services.db, viewer),
        },
    )


async def bookmarks(request: Request) -> Response:
    services = services_of(request)
    viewer = await viewer_of(request)
    require(viewer, Capability.TAKE_PART)
    return render(
        request,
        "hall/bookmarks.html",
        {
            "booths": await queries.my_bookmarks(services.db, viewer),
            "countries": country_names(),
        },
    )


async def media_file(request: Request) -> Response:
    """A stored file, with ranges for seeking; documents download, nothing runs as a page."""
    services = services_of(request)
    viewer = await viewer_of(request)
    media = await queries.media_for_download(services.db, viewer, path_int(request, "media_id"))
    assert media.stored_name is not None
    requested = request.headers.get("range", "").replace(" ", "")
    starts_at_beginning = not requested or requested.startswith("bytes=0-")
    if media.kind == MediaKind.DOCUMENT and starts_at_beginning:
        await visits.record_media_hit(services.db, viewer, media, "download")
    elif media.kind == MediaKind.INTERVIEW and requested.startswith("bytes=0-"):
        await visits.record_media_hit(services.db, viewer, media, "play")
    name = media.original_name or f"file{Path(media.stored_name).suffix}"
    disposition = "attachment" if media.kind == MediaKind.DOCUMENT else "inline"
    return _stored(request, media.stored_name, media.content_type, name, disposition)


async def media_audio(request: Request) -> Response:
    """An interview's audio-only version, played inline like the interview."""
    services = services_of(request)
    viewer = await viewer_of(request)
    media = await queries.media_for_download(services.db, viewer, path_int(request, "media_id"))
    if not media.audio_name:
        raise NotFound("hall.no_such_media", _("There is no such file."))
    if request.headers.get("range", "").replace(" ", "").startswith("bytes=0-"):
        await visits.record_media_hit(services.db, viewer, media, "play")
    name = f"{Path(media.original_name or 'interview').stem}-audio{Path(media.audio_name).suffix}"
    return _stored(request, media.audio_name, media.audio_type, name, "inline")


def _stored(
    request: Request, stored_name: str, content_type: str, name: str, disposition: str
) -> Response:
    path = Storage(services_of(request).settings.section(HallSettings).upload_path).path_of(
        stored_name
    )
    if not path.is_file():
        raise NotFound("hall.no_such_media", _("There is no such file."))
    return FileResponse(
        path,
        media_type=content_type,
        headers={
            "content-disposition": f"{disposition}; filename*=UTF-8''{quote(name)}",
            "content-security-policy": "default-src 'none'; sandbox",
            "cache-control": "private, max-age=3600",
        },
    )
