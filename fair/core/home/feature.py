"""The home feature: the fair's details, the home page and the public `fair` channel."""

from __future__ import annotations

from starlette.routing import Route

from fair.core.accounts.viewers import Viewer
from fair.core.db import Database
from fair.core.features import Feature
from fair.core.home import demo, pages


async def _anyone(db: Database, viewer: Viewer, channel: str) -> bool:
    return channel == "fair"


feature = Feature(
    name="home",
    routes=[Route("/", pages.home, name="home")],
    channel_rules={"fair": _anyone},
    demo=demo.load_demo,
)
