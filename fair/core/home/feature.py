"""The home feature: the fair's details, home page and set-up by organisers; the `fair` channel."""

from __future__ import annotations

from starlette.routing import Route

from fair.core.accounts.viewers import Viewer
from fair.core.db import Database
from fair.core.features import Feature
from fair.core.home import demo, pages


async def _anyone(db: Database, viewer: Viewer, channel: str) -> bool:
    return channel in {"fair", "presence:fair"}


feature = Feature(
    name="home",
    routes=[
        Route("/", pages.home, name="home"),
        Route("/organise", pages.setup_page, methods=["GET"]),
        Route("/organise/details", pages.save_details, methods=["POST"]),
        Route("/organise/themes", pages.save_themes, methods=["POST"]),
        Route("/organise/countries", pages.save_countries, methods=["POST"]),
    ],
    channel_rules={"fair": _anyone},
    demo=demo.load_demo,
)
