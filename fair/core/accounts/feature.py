"""The accounts feature: its pages, and who may follow `user:<id>` and `people`."""

from __future__ import annotations

from starlette.routing import Route

from fair.core.accounts import account_pages, demo, pages, people_pages
from fair.core.accounts.channels import PEOPLE, user_channel
from fair.core.accounts.invitations import pages as invitation_pages
from fair.core.accounts.invitations.rules import STATE_LABELS
from fair.core.accounts.personal_data import account_data, forget_account
from fair.core.accounts.roles import ROLE_LABELS, Capability
from fair.core.accounts.settings import AccountSettings
from fair.core.accounts.viewers import Viewer
from fair.core.contract import ChannelName, Feature
from fair.core.db import Database


async def _own_channel(db: Database, viewer: Viewer, channel: ChannelName) -> bool:
    """`user:<id>`: only that person."""
    return (
        viewer.user_id is not None
        and not channel.presence
        and channel.place == user_channel(viewer.user_id)
    )


async def _people(db: Database, viewer: Viewer, channel: ChannelName) -> bool:
    """`people`: those whose role lets them see everyone's account."""
    return channel.text == PEOPLE and viewer.can(Capability.SEE_PEOPLE)


feature = Feature(
    name="accounts",
    routes=[
        Route("/register", pages.register_page, methods=["GET"]),
        Route("/register", pages.register, methods=["POST"]),
        Route("/login", pages.login_page, methods=["GET"]),
        Route("/login", pages.login, methods=["POST"]),
        Route("/logout", pages.logout, methods=["POST"]),
        Route("/language", pages.choose_language, methods=["POST"]),
        Route("/password/forgot", pages.forgot_page, methods=["GET"]),
        Route("/password/forgot", pages.forgot, methods=["POST"]),
        Route("/password/reset", pages.reset_page, methods=["GET"]),
        Route("/password/reset", pages.reset, methods=["POST"]),
        Route("/email/confirm", pages.confirm_page, methods=["GET"]),
        Route("/email/confirm/resend", pages.resend_confirmation, methods=["POST"]),
        Route("/people", people_pages.people_page, methods=["GET"]),
        Route("/people.csv", people_pages.people_csv, methods=["GET"]),
        Route("/people/search.json", people_pages.people_search, methods=["GET"]),
        Route("/people/invitations", invitation_pages.invite, methods=["POST"]),
        Route(
            "/people/invitations/{invitation_id:id}/resend",
            invitation_pages.resend,
            methods=["POST"],
        ),
        Route(
            "/people/invitations/{invitation_id:id}/withdraw",
            invitation_pages.withdraw,
            methods=["POST"],
        ),
        Route("/invitations/accept", invitation_pages.accept_page, methods=["GET"]),
        Route("/invitations/accept", invitation_pages.accept, methods=["POST"]),
        Route("/people/{user_id:id}/role", pages.change_role, methods=["POST"]),
        Route("/people/{user_id:id}/ban", pages.ban, methods=["POST"]),
        *account_pages.ROUTES,
    ],
    channel_rules={"user": _own_channel, PEOPLE: _people},
    demo=demo.load_demo,
    personal_data=account_data,
    forget=forget_account,
    settings=AccountSettings,
    labels={"role": ROLE_LABELS, "invitation.state": STATE_LABELS},
)
