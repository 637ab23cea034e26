"""The hall's websocket commands and who may follow its channels."""

from __future__ import annotations

from typing import Any

from fair.core.accounts.viewers import Viewer
from fair.core.channels import channel_id
from fair.core.db import Database
from fair.core.errors import FairError
from fair.core.live import viewer_command
from fair.core.services import Services
from fair.hall import rules
from fair.hall.access import Purpose, access_booth
from fair.hall.actions import visits
from fair.hall.channels import HALL
from fair.hall.inputs import ChatPost, ChatRemoval


async def _post(services: Services, viewer: Viewer, data: ChatPost) -> dict[str, Any]:
    await services.limits.check("hall.chat", viewer.person, 20, 60)
    message = await visits.post_chat_message(services.db, viewer, data)
    return {"message_id": message.id}


async def _remove(services: Services, viewer: Viewer, data: ChatRemoval) -> dict[str, Any]:
    await visits.remove_chat_message(services.db, viewer, data.message_id)
    return {"message_id": data.message_id}


COMMANDS = [
    viewer_command("hall.chat.post", ChatPost, _post),
    viewer_command("hall.chat.remove", ChatRemoval, _remove),
]


async def hall_rule(db: Database, viewer: Viewer, channel: str) -> bool:
    return channel in {HALL, f"presence:{HALL}"}


async def booth_rule(db: Database, viewer: Viewer, channel: str) -> bool:
    """`booth:<id>` and its count: whoever may see the booth. `booth:<id>:team`: those who run
    it. `booth:<id>:staff`: its team, to be counted present; its count is public."""
    watching = channel.startswith("presence:")
    parts = channel.removeprefix("presence:").split(":")
    target = channel_id(parts[1]) if len(parts) in (2, 3) else None
    if target is None:
        return False
    suffix = parts[2] if len(parts) == 3 else ""
    try:
        async with db.reading() as session:
            access = await access_booth(session, viewer, target, Purpose.SEE)
    except FairError:
        return False
    if suffix == "":
        return True
    if suffix == "staff":
        return watching or access.on_team
    if suffix == "team":
        return not watching and rules.may_run(viewer, access.on_team)
    return False
