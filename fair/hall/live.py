"""The hall's websocket commands and who may follow its channels."""

from __future__ import annotations

from typing import Any

from fair.core.access import Purpose
from fair.core.accounts.viewers import Viewer
from fair.core.channels import access_rule, named_rule
from fair.core.contract import Command, Services, viewer_command
from fair.core.limits import Limit
from fair.hall.access import access_booth
from fair.hall.actions import visits
from fair.hall.channels import HALL
from fair.hall.inputs import (
    Bookmarking,
    CardAnswering,
    CardLeaving,
    ChatPost,
    ChatRemoval,
    ChatRestoring,
)


async def _post(services: Services, viewer: Viewer, data: ChatPost) -> dict[str, Any]:
    """Post a message in a booth's chat; everyone following the booth sees it.

    Who: anyone logged in whose role takes part, while the booth is published.
    Errors: account.login_required, account.forbidden, hall.booth_not_found, hall.chat_closed.
    """
    message = await visits.post_chat_message(services.db, viewer, data)
    return {"message_id": message.id}


async def _remove(services: Services, viewer: Viewer, data: ChatRemoval) -> dict[str, Any]:
    """Remove a chat message from a booth, saying why: its author is told, and its report in
    the review queue, if any, is handled.

    Who: the booth's team, organisers and moderators.
    Errors: account.login_required, input.invalid, hall.no_such_message, hall.booth_not_found,
        hall.not_your_booth.
    """
    await visits.remove_chat_message(services.db, viewer, data)
    return {"message_id": data.message_id}


async def _restore(services: Services, viewer: Viewer, data: ChatRestoring) -> dict[str, Any]:
    """Bring a removed chat message back, saying why: everyone at the booth sees it again, its
    author is told, and its report in the review queue, if any, is handled.

    Who: the booth's team, organisers and moderators.
    Errors: account.login_required, input.invalid, hall.no_such_message, hall.booth_not_found,
        hall.not_your_booth, hall.message_not_removed.
    """
    await visits.restore_chat_message(services.db, viewer, data)
    return {"message_id": data.message_id}


async def _leave_card(services: Services, viewer: Viewer, data: CardLeaving) -> dict[str, Any]:
    """Leave one's contact card (with a message) for a booth's team.

    Who: anyone logged in who is not on the booth's team, while it is published; three cards an hour
        per booth.
    Errors: account.login_required, account.forbidden, hall.booth_not_found, hall.card_not_possible.
    """
    card = await visits.leave_card(services.db, viewer, data.booth_id, data)
    return {"card_id": card.id}


async def _answer_card(services: Services, viewer: Viewer, data: CardAnswering) -> dict[str, Any]:
    """Answer a card left at a booth; its sender sees the answer.

    Who: the booth's team and organisers.
    Errors: account.login_required, hall.no_such_card, hall.card_answered, hall.not_your_booth.
    """
    card = await visits.answer_card(services.db, viewer, data.card_id, data)
    return {"card_id": card.id, "booth_id": card.booth_id}


async def _keep(services: Services, viewer: Viewer, data: Bookmarking) -> dict[str, Any]:
    """Bookmark a booth to come back to (`keep: true`), or drop the bookmark.

    Who: anyone logged in, for a booth they may see.
    Errors: account.login_required, account.forbidden, hall.booth_not_found.
    """
    await visits.keep_booth(services.db, viewer, data.booth_id, data.keep)
    return {"booth_id": data.booth_id, "keep": data.keep}


COMMANDS = [
    viewer_command("hall.chat.post", ChatPost, _post, limit=Limit("hall.chat", 20, 60)),
    viewer_command(
        "hall.chat.remove", ChatRemoval, _remove, limit=Limit("hall.chat.remove", 120, 60)
    ),
    viewer_command(
        "hall.chat.restore", ChatRestoring, _restore, limit=Limit("hall.chat.restore", 120, 60)
    ),
    viewer_command(
        "hall.card.leave",
        CardLeaving,
        _leave_card,
        limit=Limit("hall.card.leave", 3, 3600, per="booth_id"),
    ),
    viewer_command(
        "hall.card.answer", CardAnswering, _answer_card, limit=Limit("hall.card.answer", 60, 60)
    ),
    viewer_command("hall.booth.keep", Bookmarking, _keep, limit=Limit("hall.booth.keep", 60, 60)),
]
BY_NAME: dict[str, Command] = {command.name: command for command in COMMANDS}
"""The hall's pages run these same commands from their plain forms."""


hall_rule = named_rule([HALL], counted=True, doc="`hall` and its count of people: anyone.")

booth_rule = access_rule(
    access_booth,
    {
        "": Purpose.SEE,
        "team": Purpose.RUN,
        "staff": Purpose.BACKSTAGE,
        "moderation": Purpose.MODERATE,
    },
    counts={"": Purpose.SEE, "staff": Purpose.SEE},
    doc="`booth:<id>` and its count: whoever may see the booth. `booth:<id>:team`: those who "
    "run it. `booth:<id>:staff`: its team, to be counted present; that count is public. "
    "`booth:<id>:moderation`: its team, fair moderators and organisers (reports on its chat).",
)
