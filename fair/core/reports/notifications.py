"""What reporters are told (`Feature.notifiers`): the moderators handled their report."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from fair.core.accounts.channels import channel_user
from fair.core.contract import Delivery, Notice, NoticeKind, Notifier
from fair.core.i18n import N_
from fair.core.reports.rules import ItemState

MESSAGES = {
    ItemState.HIDDEN: N_("The moderators handled your report: the content is hidden."),
    ItemState.DISMISSED: N_("The moderators handled your report and kept the content."),
    ItemState.RESTORED: N_("The moderators handled your report: the content is shown again."),
}


async def _report_handled(session: AsyncSession, delivery: Delivery) -> Sequence[Notice]:
    reporter = channel_user(delivery.channel)
    try:
        message = MESSAGES.get(ItemState(delivery.data["outcome"]))
    except ValueError:
        message = None
    if reporter is None or message is None:
        return []
    return [
        Notice(
            user_id=reporter,
            kind="reports.report_handled",
            message=message,
            link=str(delivery.data["link"]),
            actor_id=delivery.actor_id,
        )
    ]


NOTIFIERS = [Notifier("reports.your_report.handled", "user", _report_handled)]

KINDS = [NoticeKind("reports.report_handled", N_("The moderators handled my report"))]
