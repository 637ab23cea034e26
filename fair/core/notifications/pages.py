"""The notifications page (`/notifications`), its plain form (`/notifications/read`) and
one's notification settings (`/notifications/settings`)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from fair.core.errors import Invalid
from fair.core.fields import id_from_text, page_from_text
from fair.core.inputs import ids_from_form, parse
from fair.core.live import run_command
from fair.core.notifications import actions, queries
from fair.core.notifications.live import COMMANDS
from fair.core.notifications.settings import choices_for, digest_labels
from fair.core.pages import form_data, form_key, render, services_of, viewer_of, zone_of
from fair.core.zones import page_zone

MARK_READ, SAVE = COMMANDS


async def notifications_page(request: Request) -> Response:
    viewer = await viewer_of(request)
    if viewer.user_id is None:
        return RedirectResponse("/login?next=/notifications", status_code=303)
    page = page_from_text(request.query_params.get("page", "1"))
    listing = await queries.notification_page(services_of(request).db, viewer.user_id, page)
    zone = await zone_of(request)
    return render(request, "notifications/list.html", {"listing": listing, "zone": zone})


async def mark_read(request: Request) -> Response:
    """Mark read from a plain form: one notification (`ids`) or all (`all`), then back to the
    page it was sent from, or to the notification's link (`go`) when one opened it."""
    viewer = await viewer_of(request)
    data: dict[str, Any] = await form_data(request, lists=("ids",))
    go = str(data.pop("go", ""))
    page = page_from_text(str(data.pop("page", "1")))
    data["all"] = data.get("all") == "1"
    data["ids"] = [
        value if found is None else found
        for value, found in ((value, id_from_text(value)) for value in data.get("ids", []))
    ]
    await run_command(
        services_of(request),
        viewer,
        MARK_READ,
        parse(MARK_READ.input, ids_from_form(data)),
        key=form_key(request),
    )
    if go.startswith("/") and go[1:2] not in {"/", "\\"}:
        return RedirectResponse(go, status_code=303)
    return RedirectResponse(f"/notifications?page={page}", status_code=303)


async def settings_page(request: Request) -> Response:
    """One's notification settings: every kind of notice the fair's features make, in the
    app or not, urgent ones by e-mail at once, and the digest."""
    viewer = await viewer_of(request)
    if viewer.user_id is None:
        return RedirectResponse("/login?next=/notifications/settings", status_code=303)
    return await _settings_form(request, viewer.user_id)


async def _settings_form(request: Request, user_id: int, error: Invalid | None = None) -> Response:
    """The settings form: as saved, or as refused (`error` beside its fields, 422)."""
    services = services_of(request)
    async with services.db.reading() as session:
        choices = await choices_for(session, user_id)
    return render(
        request,
        "notifications/settings.html",
        {
            "kinds": list(services.notice_kinds.values()),
            "choices": choices,
            "digests": digest_labels(),
            "saved": request.query_params.get("saved") == "1" and error is None,
            "fair_zone": await page_zone(services.db),
            "error": error,
        },
        status=error.status if error else 200,
    )


async def save_settings(request: Request) -> Response:
    viewer = await viewer_of(request)
    data: dict[str, Any] = await form_data(request, lists=("in_app", "email_now"))
    try:
        await run_command(
            services_of(request), viewer, SAVE, parse(SAVE.input, data), key=form_key(request)
        )
    except Invalid as refusal:
        if viewer.user_id is None:
            raise
        return await _settings_form(request, viewer.user_id, refusal)
    return RedirectResponse("/notifications/settings?saved=1", status_code=303)


async def unsubscribe(request: Request) -> Response:
    """The digest's one-click unsubscribe (GET from the mail's link, POST from a mail
    program's `List-Unsubscribe-Post`): no login, the signed link says who."""
    services = services_of(request)
    await viewer_of(request)
    token = request.query_params.get("token", "")
    await actions.unsubscribe(services.db, services.settings.secret_key, token)
    return render(request, "notifications/unsubscribed.html", {})
