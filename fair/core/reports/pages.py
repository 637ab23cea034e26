"""The review queue page, and `/reports/act`: the queue's commands from plain forms."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from fair.core.errors import Invalid
from fair.core.fields import id_from_text
from fair.core.i18n import gettext as _
from fair.core.inputs import ids_from_form, parse
from fair.core.live import run_command
from fair.core.pages import form_data, form_key, render, services_of, viewer_of
from fair.core.reports import queries
from fair.core.reports.live import COMMANDS
from fair.core.reports.rules import reason_label

FORM_COMMANDS = {command.name: command for command in COMMANDS}


def _back(value: object, default: str) -> str:
    back = str(value or "")
    # A path of this site only: not `//host` nor `/\\host`, which browsers read as `//host`.
    return back if back.startswith("/") and back[1:2] not in {"/", "\\"} else default


async def queue_page(request: Request) -> Response:
    services = services_of(request)
    viewer = await viewer_of(request)
    if not viewer.authenticated:
        return RedirectResponse("/login?next=/moderate/reports", status_code=303)
    queue = await queries.queue(services.db, services.reportables, viewer)
    return render(
        request,
        "reports/queue.html",
        {"queue": queue, "reason_label": reason_label},
    )


async def act(request: Request) -> Response:
    """Run a queue command from a plain form: a report shows its acknowledgement, a handling
    goes back to the queue."""
    services = services_of(request)
    viewer = await viewer_of(request)
    data: dict[str, Any] = await form_data(request, lists=("item_ids",))
    command = FORM_COMMANDS.get(str(data.pop("type", "")))
    if command is None:
        raise Invalid("live.unknown_command", _("There is no such command."))
    back = _back(data.pop("back", ""), "/moderate/reports")
    if "item_ids" in data:
        data["item_ids"] = [
            value if found is None else found
            for value, found in ((value, id_from_text(value)) for value in data["item_ids"])
        ]
        if not data["item_ids"]:
            del data["item_ids"]
    await run_command(
        services, viewer, command, parse(command.input, ids_from_form(data)), key=form_key(request)
    )
    if command.name == "reports.content.report":
        return RedirectResponse(f"/reports/received?back={quote(back)}", status_code=303)
    return RedirectResponse(back, status_code=303)


async def received(request: Request) -> Response:
    """The acknowledgement of a report sent from a plain form, with the way back."""
    await viewer_of(request)
    return render(
        request, "reports/received.html", {"back": _back(request.query_params.get("back"), "/")}
    )
