"""Discussion pages: the themes and their discussions, a discussion with its rounds.

Every write is a websocket command; `/discussions/act` runs the same commands from plain
forms, so a page works without JavaScript and both paths share one input model and handler.
"""

from __future__ import annotations

import dataclasses

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from discussions import queries
from discussions.channels import PLACE, discussion_channel
from discussions.events import StanceCounts
from discussions.live import COMMANDS
from discussions.rules import MuteSpan, SlowMode
from fair.core.errors import Invalid
from fair.core.fields import id_from_text
from fair.core.i18n import gettext as _
from fair.core.inputs import ids_from_form, parse
from fair.core.live import run_command
from fair.core.notifications import follows
from fair.core.pages import form_data, form_key, render, services_of, viewer_of, zone_of
from fair.core.zones import page_zone

FORM_COMMANDS = {command.name: command for command in COMMANDS}
BLANK_POST = {
    "id": 0,
    "author_name": "",
    "at": None,
    "body_html": "",
    "quote": None,
    "references": [],
}
"""The post the page's templates are rendered from, for its script to fill in."""
OPTIONAL_FIELDS = (
    "reply_to_id",
    "stance",
    "quote_id",
    "group_name",
    "group_size",
    "to_thread_id",
    "to_round_id",
    "user_id",
    "email",
    "theme_id",
)
"""Fields a form sends empty to mean "none"."""
LIST_FIELDS = ("cited_ids", "question_ids")
"""Fields a form sends as a list of checkboxes (ids)."""


def slow_mode_labels() -> dict[str, str]:
    """How each slow mode reads (in the request's language)."""
    return {
        SlowMode.OFF: _("Off"),
        SlowMode.SECONDS_30: _("30 seconds"),
        SlowMode.MINUTE_1: _("1 minute"),
        SlowMode.MINUTES_5: _("5 minutes"),
        SlowMode.MINUTES_15: _("15 minutes"),
        SlowMode.HOUR_1: _("1 hour"),
    }


def mute_span_labels() -> dict[str, str]:
    return {
        MuteSpan.HOUR: _("1 hour"),
        MuteSpan.DAY: _("24 hours"),
        MuteSpan.WEEK: _("7 days"),
        MuteSpan.DISCUSSION: _("Until the discussion ends"),
    }


async def index(request: Request) -> Response:
    await viewer_of(request)
    page = await queries.index(services_of(request).db)
    return render(
        request,
        "discussions/index.html",
        {"page": page, "zone": await zone_of(request)},
    )


async def discussion(request: Request) -> Response:
    services = services_of(request)
    viewer = await viewer_of(request)
    discussion_id = await queries.discussion_id_for(services.db, request.path_params["slug"])
    page = await queries.discussion_page(services.db, viewer, discussion_id)
    quote_id = id_from_text(request.query_params.get("quote", ""))
    quoting = (
        None if quote_id is None else await queries.quotable(services.db, discussion_id, quote_id)
    )
    tools = await queries.tools(services.db, viewer, discussion_id, page.may_moderate)
    if tools.standing.muted:
        page = dataclasses.replace(page, may_post=False)
    return render(
        request,
        "discussions/discussion.html",
        {
            "page": page,
            "zone": await zone_of(request),
            "fair_zone": await page_zone(services.db),
            "viewers": await services.presence.count(discussion_channel(discussion_id)),
            "blank_post": BLANK_POST,
            "blank_stances": StanceCounts(agree=0, nuance=0, disagree=0),
            "quoting": quoting,
            "moderates_here": page.may_moderate,
            "tools": tools,
            "following": await follows.is_following(
                services.db, viewer.user_id, PLACE, discussion_id
            ),
            "slow_mode_labels": slow_mode_labels(),
            "slow_modes": list(slow_mode_labels().items()),
            "mute_spans": list(mute_span_labels().items()),
        },
    )


async def act(request: Request) -> Response:
    """Run a discussion command from a plain form, then go back where the form was."""
    services = services_of(request)
    viewer = await viewer_of(request)
    data = await form_data(request, lists=LIST_FIELDS)
    back = str(data.pop("back", "")) or "/discussions"
    if not back.startswith("/") or back.startswith("//"):
        back = "/discussions"
    command = FORM_COMMANDS.get(str(data.pop("type", "")))
    if command is None:
        raise Invalid("live.unknown_command", _("There is no such command."))
    for name in OPTIONAL_FIELDS:
        if data.get(name) == "":
            del data[name]
    for name in LIST_FIELDS:
        values = data.pop(name)
        if name in command.input.model_fields:
            data[name] = [id_from_text(value) or value for value in values]
    await run_command(
        services, viewer, command, parse(command.input, ids_from_form(data)), key=form_key(request)
    )
    return RedirectResponse(back, status_code=303)
