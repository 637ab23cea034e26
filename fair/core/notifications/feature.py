"""The notifications feature (built in): the notifications page and its command. What people
are told comes from the features (`Feature.notifiers`), made by one consumer (consumer.py)."""

from __future__ import annotations

from starlette.routing import Route

from fair.core.contract import Feature
from fair.core.notifications import live, pages

feature = Feature(
    name="notifications",
    routes=[
        Route("/notifications", pages.notifications_page, methods=["GET"]),
        Route("/notifications/read", pages.mark_read, methods=["POST"]),
        Route("/notifications/settings", pages.settings_page, methods=["GET"]),
        Route("/notifications/settings", pages.save_settings, methods=["POST"]),
    ],
    commands=live.COMMANDS,
)
