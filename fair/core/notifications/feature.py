"""The notifications feature (built in): the notifications page and its command. What people
are told comes from the features (`Feature.notifiers`), made by one consumer (consumer.py)."""

from __future__ import annotations

from starlette.routing import Route

from fair.core.contract import Feature
from fair.core.notifications import live, pages, personal
from fair.core.notifications.digest import DIGESTS

feature = Feature(
    name="notifications",
    routes=[
        Route("/notifications", pages.notifications_page, methods=["GET"]),
        Route("/notifications/read", pages.mark_read, methods=["POST"]),
        Route("/notifications/settings", pages.settings_page, methods=["GET"]),
        Route("/notifications/settings", pages.save_settings, methods=["POST"]),
        Route("/notifications/unsubscribe", pages.unsubscribe, methods=["GET", "POST"]),
    ],
    commands=live.COMMANDS,
    jobs=[DIGESTS],
    personal_data=personal.personal_data,
    forget=personal.forget,
)
