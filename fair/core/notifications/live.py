"""The notifications' command (also run from the plain form on the notifications page)."""

from __future__ import annotations

from typing import Any

from fair.core.accounts.viewers import Viewer
from fair.core.contract import Services, viewer_command
from fair.core.limits import Limit
from fair.core.notifications import actions
from fair.core.notifications.inputs import ChoicesInput, MarkReadInput


async def _mark_read(services: Services, viewer: Viewer, data: MarkReadInput) -> dict[str, Any]:
    """Mark some of one's notifications read (`ids`), or every one (`all`: true).

    Who: anyone logged in, for their own notifications only (others' ids change nothing).
    Errors: account.login_required, input.invalid.
    """
    return {"unread": await actions.mark_read(services.db, viewer, data)}


async def _save_settings(services: Services, viewer: Viewer, data: ChoicesInput) -> dict[str, Any]:
    """Save one's notification settings: the kinds shown in the app (`in_app`), the urgent
    kinds also sent by e-mail at once (`email_now`), the digest (off, daily, weekly) and its
    local hour.

    Who: anyone logged in, for themself.
    Errors: account.login_required, input.invalid.
    """
    choices = await actions.save_choices(services.db, viewer, data, services.notice_kinds)
    return {"digest": choices.digest.value, "digest_hour": choices.digest_hour}


COMMANDS = [
    viewer_command(
        "notifications.read",
        MarkReadInput,
        _mark_read,
        limit=Limit("notifications.read", 120, 60),
    ),
    viewer_command(
        "notifications.settings.save",
        ChoicesInput,
        _save_settings,
        limit=Limit("notifications.settings", 30, 60),
    ),
]
