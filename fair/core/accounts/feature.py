"""The accounts feature: its pages, and who may follow `user:<id>` and `people`."""

from __future__ import annotations

from starlette.routing import Route

from fair.core.accounts import demo, pages
from fair.core.accounts.channels import PEOPLE, user_channel
from fair.core.accounts.roles import Capability
from fair.core.accounts.viewers import Viewer
from fair.core.db import Database
from fair.core.features import Feature


async def _own_channel(db: Database, viewer: Viewer, channel: str) -> bool:
    return viewer.user_id is not None and channel == user_channel(viewer.user_id)


async def _people(db: Database, viewer: Viewer, channel: str) -> bool:
    return channel == PEOPLE and viewer.can(Capability.SEE_PEOPLE)


feature = Feature(
    name="accounts",
    routes=[
        Route("/register", pages.register_page, methods=["GET"]),
        Route("/register", pages.register, methods=["POST"]),
        Route("/login", pages.login_page, methods=["GET"]),
        Route("/login", pages.login, methods=["POST"]),
        Route("/logout", pages.logout, methods=["POST"]),
        Route("/people", pages.people_page, methods=["GET"]),
        Route("/people/{user_id:id}/role", pages.change_role, methods=["POST"]),
        Route("/people/{user_id:id}/ban", pages.ban, methods=["POST"]),
    ],
    channel_rules={"user": _own_channel, PEOPLE: _people},
    demo=demo.load_demo,
)
