"""The notifications' command (also run from the plain form on the notifications page)."""

from __future__ import annotations

from typing import Any

from fair.core.accounts.viewers import Viewer
from fair.core.contract import Services, viewer_command
from fair.core.limits import Limit
from fair.core.notifications import actions
from fair.core.notifications.inputs import MarkReadInput


async def _mark_read(services: Services, viewer: Viewer, data: MarkReadInput) -> dict[str, Any]:
    """Mark some of one's notifications read (`ids`), or every one (`all`: true).

    Who: anyone logged in, for their own notifications only (others' ids change nothing).
    Errors: account.login_required, input.invalid.
    """
    return {"unread": await actions.mark_read(services.db, viewer, data)}


COMMANDS = [
    viewer_command(
        "notifications.read",
        MarkReadInput,
        _mark_read,
        limit=Limit("notifications.read", 120, 60),
    ),
]
