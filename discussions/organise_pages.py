"""The organisers' page for discussions: set up themes and discussions (rounds are planned by
each discussion's moderators on its own page).

Both forms run the same commands as the socket (`run_command`, with their limits and
idempotency keys); a refusal re-renders the page with the form as typed and its errors.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from discussions import queries
from discussions.live import COMMANDS
from fair.core.access import require
from fair.core.accounts.roles import Capability
from fair.core.errors import FairError
from fair.core.inputs import ids_from_form, parse
from fair.core.live import run_command
from fair.core.pages import form_data, form_key, render, services_of, viewer_of

BY_NAME = {command.name: command for command in COMMANDS}
SECTIONS = {"theme": "discussions.theme.create", "discussion": "discussions.discussion.create"}
"""Each form of the page, by its `section` field, and the command it runs."""


async def page(request: Request) -> Response:
    require(await viewer_of(request), Capability.EDIT_FAIR)
    return await _page(request)


async def _page(
    request: Request,
    *,
    section: str = "",
    error: FairError | None = None,
    form: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    index = await queries.index(services_of(request).db)
    return render(
        request,
        "discussions/organise.html",
        {"page": index, "section": section, "error": error, "form": form or {}},
        status=status,
    )


async def create(request: Request) -> Response:
    """Set up a theme or a discussion, as the form's `section` says."""
    services = services_of(request)
    viewer = await viewer_of(request)
    require(viewer, Capability.EDIT_FAIR)
    data = await form_data(request)
    section = str(data.pop("section", ""))
    command = BY_NAME[SECTIONS.get(section, SECTIONS["theme"])]
    if "moderators" in data:
        data["moderators"] = [
            part.strip()
            for part in str(data["moderators"]).replace(";", ",").split(",")
            if part.strip()
        ]
    try:
        reply = await run_command(
            services,
            viewer,
            command,
            parse(command.input, ids_from_form(data)),
            key=form_key(request),
        )
    except FairError as refusal:
        return await _page(
            request, section=section, error=refusal, form=data, status=refusal.status
        )
    assert reply is not None
    if section == "discussion":
        return RedirectResponse(f"/discussions/{reply['slug']}", status_code=303)
    return RedirectResponse(
        f"/organise/discussions?saved=theme#theme-{reply['slug']}", status_code=303
    )
