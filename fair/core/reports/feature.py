"""The reports feature (built in): the review queue page and its commands. Kinds of content
come from the features (`Feature.reportables`); their queue channels are theirs too."""

from __future__ import annotations

from starlette.routing import Route

from fair.core.contract import Feature
from fair.core.reports import live, notifications, pages, personal
from fair.core.reports.rules import REASON_LABELS

feature = Feature(
    name="reports",
    routes=[
        Route("/moderate/reports", pages.queue_page, methods=["GET"]),
        Route("/reports/act", pages.act, methods=["POST"]),
        Route("/reports/received", pages.received, methods=["GET"]),
    ],
    commands=live.COMMANDS,
    notifiers=notifications.NOTIFIERS,
    notice_kinds=notifications.KINDS,
    labels={"report.reason": REASON_LABELS},
    personal_data=personal.personal_data,
    forget=personal.forget,
)
