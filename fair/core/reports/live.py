"""The review queue's commands (also run from plain forms by `/reports/act`)."""

from __future__ import annotations

from typing import Any

from fair.core.accounts.viewers import Viewer
from fair.core.contract import Services, viewer_command
from fair.core.limits import Limit
from fair.core.reports import actions
from fair.core.reports.inputs import HandlingInput, ReportInput
from fair.core.reports.rules import MAX_REPORTS_PER_HOUR


async def _report(services: Services, viewer: Viewer, data: ReportInput) -> dict[str, Any]:
    """Report a piece of content (a discussion post, a booth chat message, a Q&A question)
    with a reason and an optional note; several reports on one content make one queue item.

    Who: anyone logged in whose role takes part, once per content, not their own; twenty
        reports an hour.
    Errors: account.login_required, account.forbidden, reports.unknown_kind,
        reports.content_not_found, reports.own_content, reports.already_reported.
    """
    item = await actions.report_content(services.db, services.reportables, viewer, data)
    return {"item_id": item.id, "acknowledged": True}


async def _handle(services: Services, viewer: Viewer, data: HandlingInput) -> dict[str, Any]:
    """Hide, dismiss or restore the content of one queue item or several at once, with a
    reason (required to hide or restore).

    Who: the moderators of each item's place (a discussion's moderators, a booth's team and
        fair moderators, a panel's moderators; organisers everywhere).
    Errors: account.login_required, reports.item_not_found, reports.not_yours,
        reports.already_handled, reports.cannot_restore, reports.unknown_kind, input.invalid.
    """
    handled = await actions.handle_items(services.db, services.reportables, viewer, data)
    return {"handled": [item.id for item in handled]}


COMMANDS = [
    viewer_command(
        "reports.content.report",
        ReportInput,
        _report,
        limit=Limit("reports.report", MAX_REPORTS_PER_HOUR, 3600),
    ),
    viewer_command(
        "reports.items.handle",
        HandlingInput,
        _handle,
        limit=Limit("reports.handle", 60, 60),
    ),
]
